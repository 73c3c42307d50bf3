from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MilestoneReachedData")


@_attrs_define
class MilestoneReachedData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        plan_id (str):
        milestone (str):
        due (datetime.date):
        reached_on (datetime.date):
        on_time (bool):
    """

    programme_id: str
    country: str
    factory_id: str
    plan_id: str
    milestone: str
    due: datetime.date
    reached_on: datetime.date
    on_time: bool

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        plan_id = self.plan_id

        milestone = self.milestone

        due = self.due.isoformat()

        reached_on = self.reached_on.isoformat()

        on_time = self.on_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "plan_id": plan_id,
                "milestone": milestone,
                "due": due,
                "reached_on": reached_on,
                "on_time": on_time,
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

        milestone = d.pop("milestone")

        due = datetime.date.fromisoformat(d.pop("due"))

        reached_on = datetime.date.fromisoformat(d.pop("reached_on"))

        on_time = d.pop("on_time")

        milestone_reached_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            plan_id=plan_id,
            milestone=milestone,
            due=due,
            reached_on=reached_on,
            on_time=on_time,
        )

        return milestone_reached_data
