from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RescheduleSessionBody")


@_attrs_define
class RescheduleSessionBody:
    """
    Attributes:
        local_start (datetime.datetime): local time in the country (no zone), or with an offset
        reason (str):
        plan_id (str | Unset):  Default: ''.
        session_id (str | Unset):  Default: ''.
    """

    local_start: datetime.datetime
    reason: str
    plan_id: str | Unset = ""
    session_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        local_start = self.local_start.isoformat()

        reason = self.reason

        plan_id = self.plan_id

        session_id = self.session_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "local_start": local_start,
                "reason": reason,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if session_id is not UNSET:
            field_dict["session_id"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        local_start = datetime.datetime.fromisoformat(d.pop("local_start"))

        reason = d.pop("reason")

        plan_id = d.pop("plan_id", UNSET)

        session_id = d.pop("session_id", UNSET)

        reschedule_session_body = cls(
            local_start=local_start,
            reason=reason,
            plan_id=plan_id,
            session_id=session_id,
        )

        return reschedule_session_body
