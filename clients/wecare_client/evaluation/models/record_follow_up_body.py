from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.record_follow_up_body_status import RecordFollowUpBodyStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordFollowUpBody")


@_attrs_define
class RecordFollowUpBody:
    """
    Attributes:
        practice (str):
        checked_on (datetime.date): the day it happened: today or before, not in the future
        status (RecordFollowUpBodyStatus):
        plan_id (str | Unset):  Default: ''.
        note (None | str | Unset):
    """

    practice: str
    checked_on: datetime.date
    status: RecordFollowUpBodyStatus
    plan_id: str | Unset = ""
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        practice = self.practice

        checked_on = self.checked_on.isoformat()

        status = self.status.value

        plan_id = self.plan_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "practice": practice,
                "checked_on": checked_on,
                "status": status,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        practice = d.pop("practice")

        checked_on = datetime.date.fromisoformat(d.pop("checked_on"))

        status = RecordFollowUpBodyStatus(d.pop("status"))

        plan_id = d.pop("plan_id", UNSET)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        record_follow_up_body = cls(
            practice=practice,
            checked_on=checked_on,
            status=status,
            plan_id=plan_id,
            note=note,
        )

        return record_follow_up_body
