from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateFactoryBody")


@_attrs_define
class UpdateFactoryBody:
    """
    Attributes:
        factory_id (str | Unset):  Default: ''.
        name (None | str | Unset):
        supplier (None | str | Unset):
        region (None | str | Unset):
        sector (None | str | Unset):
        buyers (list[str] | None | Unset):
        headcount (int | None | Unset):
    """

    factory_id: str | Unset = ""
    name: None | str | Unset = UNSET
    supplier: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    sector: None | str | Unset = UNSET
    buyers: list[str] | None | Unset = UNSET
    headcount: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        factory_id = self.factory_id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        supplier: None | str | Unset
        if isinstance(self.supplier, Unset):
            supplier = UNSET
        else:
            supplier = self.supplier

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        sector: None | str | Unset
        if isinstance(self.sector, Unset):
            sector = UNSET
        else:
            sector = self.sector

        buyers: list[str] | None | Unset
        if isinstance(self.buyers, Unset):
            buyers = UNSET
        elif isinstance(self.buyers, list):
            buyers = self.buyers

        else:
            buyers = self.buyers

        headcount: int | None | Unset
        if isinstance(self.headcount, Unset):
            headcount = UNSET
        else:
            headcount = self.headcount

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if factory_id is not UNSET:
            field_dict["factory_id"] = factory_id
        if name is not UNSET:
            field_dict["name"] = name
        if supplier is not UNSET:
            field_dict["supplier"] = supplier
        if region is not UNSET:
            field_dict["region"] = region
        if sector is not UNSET:
            field_dict["sector"] = sector
        if buyers is not UNSET:
            field_dict["buyers"] = buyers
        if headcount is not UNSET:
            field_dict["headcount"] = headcount

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        factory_id = d.pop("factory_id", UNSET)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_supplier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        supplier = _parse_supplier(d.pop("supplier", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_sector(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sector = _parse_sector(d.pop("sector", UNSET))

        def _parse_buyers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                buyers_type_0 = cast(list[str], data)

                return buyers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        buyers = _parse_buyers(d.pop("buyers", UNSET))

        def _parse_headcount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        headcount = _parse_headcount(d.pop("headcount", UNSET))

        update_factory_body = cls(
            factory_id=factory_id,
            name=name,
            supplier=supplier,
            region=region,
            sector=sector,
            buyers=buyers,
            headcount=headcount,
        )

        return update_factory_body
