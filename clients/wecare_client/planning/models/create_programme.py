from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateProgramme")


@_attrs_define
class CreateProgramme:
    """
    Attributes:
        programme_id (str):
        name (str):
        buyer (str):
        factories (list[str]):
        starts_on (datetime.date):
        ends_on (datetime.date | None | Unset): defaults to one year after starts_on (at most three)
        credits_per_factory (int | None | Unset): defaults to the menu's (10)
    """

    programme_id: str
    name: str
    buyer: str
    factories: list[str]
    starts_on: datetime.date
    ends_on: datetime.date | None | Unset = UNSET
    credits_per_factory: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        name = self.name

        buyer = self.buyer

        factories = self.factories

        starts_on = self.starts_on.isoformat()

        ends_on: None | str | Unset
        if isinstance(self.ends_on, Unset):
            ends_on = UNSET
        elif isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        credits_per_factory: int | None | Unset
        if isinstance(self.credits_per_factory, Unset):
            credits_per_factory = UNSET
        else:
            credits_per_factory = self.credits_per_factory

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "name": name,
                "buyer": buyer,
                "factories": factories,
                "starts_on": starts_on,
            }
        )
        if ends_on is not UNSET:
            field_dict["ends_on"] = ends_on
        if credits_per_factory is not UNSET:
            field_dict["credits_per_factory"] = credits_per_factory

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        name = d.pop("name")

        buyer = d.pop("buyer")

        factories = cast(list[str], d.pop("factories"))

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        def _parse_ends_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        ends_on = _parse_ends_on(d.pop("ends_on", UNSET))

        def _parse_credits_per_factory(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credits_per_factory = _parse_credits_per_factory(d.pop("credits_per_factory", UNSET))

        create_programme = cls(
            programme_id=programme_id,
            name=name,
            buyer=buyer,
            factories=factories,
            starts_on=starts_on,
            ends_on=ends_on,
            credits_per_factory=credits_per_factory,
        )

        return create_programme
