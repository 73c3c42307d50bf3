from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="FactoryIdentifiedData")


@_attrs_define
class FactoryIdentifiedData:
    """The identifiers a buyer joins the factory on in its own systems, as
    they now are (sent at registration when known, and whenever one is set
    or corrected; None: none known).

        Attributes:
            programme_id (str):
            country (str):
            factory_id (str):
            factory_name (None | str):
            os_id (None | str): Open Supply Hub's OS ID, e.g. CN2019303BQ3FZP
            amfori_id (None | str): amfori (BSCI) id
            sedex_id (None | str): Sedex reference (ZS: a site, ZC: a company)
    """

    programme_id: str
    country: str
    factory_id: str
    factory_name: None | str
    os_id: None | str
    amfori_id: None | str
    sedex_id: None | str

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        factory_name: None | str
        factory_name = self.factory_name

        os_id: None | str
        os_id = self.os_id

        amfori_id: None | str
        amfori_id = self.amfori_id

        sedex_id: None | str
        sedex_id = self.sedex_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "factory_name": factory_name,
                "os_id": os_id,
                "amfori_id": amfori_id,
                "sedex_id": sedex_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        def _parse_factory_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        factory_name = _parse_factory_name(d.pop("factory_name"))

        def _parse_os_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        os_id = _parse_os_id(d.pop("os_id"))

        def _parse_amfori_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        amfori_id = _parse_amfori_id(d.pop("amfori_id"))

        def _parse_sedex_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sedex_id = _parse_sedex_id(d.pop("sedex_id"))

        factory_identified_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            factory_name=factory_name,
            os_id=os_id,
            amfori_id=amfori_id,
            sedex_id=sedex_id,
        )

        return factory_identified_data
