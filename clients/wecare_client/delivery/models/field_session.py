from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.attendance import Attendance


T = TypeVar("T", bound="FieldSession")


@_attrs_define
class FieldSession:
    """A session as captured offline: scheduled and, if it took place, delivered.

    Attributes:
        session_id (str): made by the client
        activity (str):
        local_start (datetime.datetime): local time in the country (no zone), or with an offset
        trainers (list[str]):
        capacity (int):
        expected_participants (int):
        venue (None | str | Unset):
        online (bool | Unset):  Default: False.
        attendance (Attendance | None | Unset):
    """

    session_id: str
    activity: str
    local_start: datetime.datetime
    trainers: list[str]
    capacity: int
    expected_participants: int
    venue: None | str | Unset = UNSET
    online: bool | Unset = False
    attendance: Attendance | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.attendance import Attendance

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

        attendance: dict[str, Any] | None | Unset
        if isinstance(self.attendance, Unset):
            attendance = UNSET
        elif isinstance(self.attendance, Attendance):
            attendance = self.attendance.to_dict()
        else:
            attendance = self.attendance

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
        if attendance is not UNSET:
            field_dict["attendance"] = attendance

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.attendance import Attendance

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

        def _parse_attendance(data: object) -> Attendance | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attendance_type_0 = Attendance.from_dict(data)

                return attendance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Attendance | None | Unset, data)

        attendance = _parse_attendance(d.pop("attendance", UNSET))

        field_session = cls(
            session_id=session_id,
            activity=activity,
            local_start=local_start,
            trainers=trainers,
            capacity=capacity,
            expected_participants=expected_participants,
            venue=venue,
            online=online,
            attendance=attendance,
        )

        return field_session
