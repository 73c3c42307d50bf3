from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompleteActivityBody")


@_attrs_define
class CompleteActivityBody:
    """
    Attributes:
        completed_on (datetime.date): the day it happened: today or before, not in the future
        plan_id (str | Unset):  Default: ''.
        activity (str | Unset):  Default: ''.
    """

    completed_on: datetime.date
    plan_id: str | Unset = ""
    activity: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        completed_on = self.completed_on.isoformat()

        plan_id = self.plan_id

        activity = self.activity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed_on": completed_on,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if activity is not UNSET:
            field_dict["activity"] = activity

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed_on = datetime.date.fromisoformat(d.pop("completed_on"))

        plan_id = d.pop("plan_id", UNSET)

        activity = d.pop("activity", UNSET)

        complete_activity_body = cls(
            completed_on=completed_on,
            plan_id=plan_id,
            activity=activity,
        )

        return complete_activity_body
