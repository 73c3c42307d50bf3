from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReachMilestoneBody")


@_attrs_define
class ReachMilestoneBody:
    """
    Attributes:
        milestone (str):
        reached_on (datetime.date): the day it happened: today or before, not in the future
        plan_id (str | Unset):  Default: ''.
    """

    milestone: str
    reached_on: datetime.date
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        milestone = self.milestone

        reached_on = self.reached_on.isoformat()

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "milestone": milestone,
                "reached_on": reached_on,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        milestone = d.pop("milestone")

        reached_on = datetime.date.fromisoformat(d.pop("reached_on"))

        plan_id = d.pop("plan_id", UNSET)

        reach_milestone_body = cls(
            milestone=milestone,
            reached_on=reached_on,
            plan_id=plan_id,
        )

        return reach_milestone_body
