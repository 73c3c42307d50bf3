from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleSessionBody")


@_attrs_define
class ScheduleSessionBody:
    """
    Attributes:
        session_id (str): made by the client
        activity (str):
        local_start (datetime.datetime): local time in the country (no zone), or with an offset
        trainers (list[str]):
        capacity (int):
        expected_participants (int):
        venue (None | str | Unset):
        online (bool | Unset):  Default: False.
        plan_id (str | Unset):  Default: ''.
    """

    session_id: str
    activity: str
    local_start: datetime.datetime
    trainers: list[str]
    capacity: int
    expected_participants: int
    venue: None | str | Unset = UNSET
    online: bool | Unset = False
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        session_id = self.session_id

        activity = self.activity

        local_start = self.local_start.isoformat()

        trainers = self.trainers

        capacity = self.capacity

        expected_participants = self.expected_participants

        venue: None | str | Unset
        if isinstance(self.venue, Unset):
            venue = UNSET
        else:
            venue = self.venue

        online = self.online

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "session_id": session_id,
                "activity": activity,
                "local_start": local_start,
                "trainers": trainers,
                "capacity": capacity,
                "expected_participants": expected_participants,
            }
        )
        if venue is not UNSET:
            field_dict["venue"] = venue
        if online is not UNSET:
            field_dict["online"] = online
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        session_id = d.pop("session_id")

        activity = d.pop("activity")

        local_start = datetime.datetime.fromisoformat(d.pop("local_start"))

        trainers = cast(list[str], d.pop("trainers"))

        capacity = d.pop("capacity")

        expected_participants = d.pop("expected_participants")

        def _parse_venue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        venue = _parse_venue(d.pop("venue", UNSET))

        online = d.pop("online", UNSET)

        plan_id = d.pop("plan_id", UNSET)

        schedule_session_body = cls(
            session_id=session_id,
            activity=activity,
            local_start=local_start,
            trainers=trainers,
            capacity=capacity,
            expected_participants=expected_participants,
            venue=venue,
            online=online,
            plan_id=plan_id,
        )

        return schedule_session_body
