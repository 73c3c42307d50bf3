from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HoldKickOffBody")


@_attrs_define
class HoldKickOffBody:
    """
    Attributes:
        held_on (datetime.date): the day it happened: today or before, not in the future
        participants (int):
        facilitators (list[str]):
        plan_id (str | Unset):  Default: ''.
        note (None | str | Unset):
    """

    held_on: datetime.date
    participants: int
    facilitators: list[str]
    plan_id: str | Unset = ""
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        held_on = self.held_on.isoformat()

        participants = self.participants

        facilitators = self.facilitators

        plan_id = self.plan_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "held_on": held_on,
                "participants": participants,
                "facilitators": facilitators,
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
        held_on = datetime.date.fromisoformat(d.pop("held_on"))

        participants = d.pop("participants")

        facilitators = cast(list[str], d.pop("facilitators"))

        plan_id = d.pop("plan_id", UNSET)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        hold_kick_off_body = cls(
            held_on=held_on,
            participants=participants,
            facilitators=facilitators,
            plan_id=plan_id,
            note=note,
        )

        return hold_kick_off_body
