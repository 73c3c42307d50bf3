from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProgrammeClosedData")


@_attrs_define
class ProgrammeClosedData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        plan_id (str):
        closed_on (datetime.date):
    """

    programme_id: str
    country: str
    factory_id: str
    plan_id: str
    closed_on: datetime.date

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        plan_id = self.plan_id

        closed_on = self.closed_on.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "plan_id": plan_id,
                "closed_on": closed_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        plan_id = d.pop("plan_id")

        closed_on = datetime.date.fromisoformat(d.pop("closed_on"))

        programme_closed_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            plan_id=plan_id,
            closed_on=closed_on,
        )

        return programme_closed_data
