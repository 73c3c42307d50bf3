from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CloseCycleBody")


@_attrs_define
class CloseCycleBody:
    """
    Attributes:
        closed_on (datetime.date): the day it happened: today or before, not in the future
        plan_id (str | Unset):  Default: ''.
    """

    closed_on: datetime.date
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        closed_on = self.closed_on.isoformat()

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "closed_on": closed_on,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        closed_on = datetime.date.fromisoformat(d.pop("closed_on"))

        plan_id = d.pop("plan_id", UNSET)

        close_cycle_body = cls(
            closed_on=closed_on,
            plan_id=plan_id,
        )

        return close_cycle_body
