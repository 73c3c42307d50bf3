from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterFactory")


@_attrs_define
class RegisterFactory:
    """
    Attributes:
        factory_id (str):
        name (str):
        supplier (str):
        region (str):
        sector (str):
        buyers (list[str]):
        headcount (int):
        os_id (None | str | Unset): Open Supply Hub's OS ID, of the factory's country
        amfori_id (None | str | Unset):
        sedex_id (None | str | Unset):
    """

    factory_id: str
    name: str
    supplier: str
    region: str
    sector: str
    buyers: list[str]
    headcount: int
    os_id: None | str | Unset = UNSET
    amfori_id: None | str | Unset = UNSET
    sedex_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        factory_id = self.factory_id

        name = self.name

        supplier = self.supplier

        region = self.region

        sector = self.sector

        buyers = self.buyers

        headcount = self.headcount

        os_id: None | str | Unset
        if isinstance(self.os_id, Unset):
            os_id = UNSET
        else:
            os_id = self.os_id

        amfori_id: None | str | Unset
        if isinstance(self.amfori_id, Unset):
            amfori_id = UNSET
        else:
            amfori_id = self.amfori_id

        sedex_id: None | str | Unset
        if isinstance(self.sedex_id, Unset):
            sedex_id = UNSET
        else:
            sedex_id = self.sedex_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "factory_id": factory_id,
                "name": name,
                "supplier": supplier,
                "region": region,
                "sector": sector,
                "buyers": buyers,
                "headcount": headcount,
            }
        )
        if os_id is not UNSET:
            field_dict["os_id"] = os_id
        if amfori_id is not UNSET:
            field_dict["amfori_id"] = amfori_id
        if sedex_id is not UNSET:
            field_dict["sedex_id"] = sedex_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        factory_id = d.pop("factory_id")

        name = d.pop("name")

        supplier = d.pop("supplier")

        region = d.pop("region")

        sector = d.pop("sector")

        buyers = cast(list[str], d.pop("buyers"))

        headcount = d.pop("headcount")

        def _parse_os_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        os_id = _parse_os_id(d.pop("os_id", UNSET))

        def _parse_amfori_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amfori_id = _parse_amfori_id(d.pop("amfori_id", UNSET))

        def _parse_sedex_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sedex_id = _parse_sedex_id(d.pop("sedex_id", UNSET))

        register_factory = cls(
            factory_id=factory_id,
            name=name,
            supplier=supplier,
            region=region,
            sector=sector,
            buyers=buyers,
            headcount=headcount,
            os_id=os_id,
            amfori_id=amfori_id,
            sedex_id=sedex_id,
        )

        return register_factory
