from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ApprovePlanBody")


@_attrs_define
class ApprovePlanBody:
    """
    Attributes:
        approved_by (str): the factory manager who approves
        approved_on (datetime.date): the day it happened: today or before, not in the future
        plan_id (str | Unset):  Default: ''.
    """

    approved_by: str
    approved_on: datetime.date
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        approved_by = self.approved_by

        approved_on = self.approved_on.isoformat()

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "approved_by": approved_by,
                "approved_on": approved_on,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        approved_by = d.pop("approved_by")

        approved_on = datetime.date.fromisoformat(d.pop("approved_on"))

        plan_id = d.pop("plan_id", UNSET)

        approve_plan_body = cls(
            approved_by=approved_by,
            approved_on=approved_on,
            plan_id=plan_id,
        )

        return approve_plan_body
