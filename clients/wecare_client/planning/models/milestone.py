from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Milestone")


@_attrs_define
class Milestone:
    """
    Attributes:
        name (str):
        due (datetime.date):
        activities (list[str] | Unset):
    """

    name: str
    due: datetime.date
    activities: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        due = self.due.isoformat()

        activities: list[str] | Unset = UNSET
        if not isinstance(self.activities, Unset):
            activities = self.activities

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "due": due,
            }
        )
        if activities is not UNSET:
            field_dict["activities"] = activities

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        due = datetime.date.fromisoformat(d.pop("due"))

        activities = cast(list[str], d.pop("activities", UNSET))

        milestone = cls(
            name=name,
            due=due,
            activities=activities,
        )

        return milestone
