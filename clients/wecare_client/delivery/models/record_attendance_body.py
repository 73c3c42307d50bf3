from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.count import Count
    from ..models.person import Person


T = TypeVar("T", bound="RecordAttendanceBody")


@_attrs_define
class RecordAttendanceBody:
    """
    Attributes:
        delivered_at (datetime.datetime): local time in the country (no zone), or with an offset
        counts (list[Count] | Unset): people without an id
        participants (list[Person] | Unset): people with an id
        trainers (list[str] | None | Unset): who delivered it, if not as scheduled
        plan_id (str | Unset):  Default: ''.
        session_id (str | Unset):  Default: ''.
    """

    delivered_at: datetime.datetime
    counts: list[Count] | Unset = UNSET
    participants: list[Person] | Unset = UNSET
    trainers: list[str] | None | Unset = UNSET
    plan_id: str | Unset = ""
    session_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        delivered_at = self.delivered_at.isoformat()

        counts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.counts, Unset):
            counts = []
            for counts_item_data in self.counts:
                counts_item = counts_item_data.to_dict()
                counts.append(counts_item)

        participants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.participants, Unset):
            participants = []
            for participants_item_data in self.participants:
                participants_item = participants_item_data.to_dict()
                participants.append(participants_item)

        trainers: list[str] | None | Unset
        if isinstance(self.trainers, Unset):
            trainers = UNSET
        elif isinstance(self.trainers, list):
            trainers = self.trainers

        else:
            trainers = self.trainers

        plan_id = self.plan_id

        session_id = self.session_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "delivered_at": delivered_at,
            }
        )
        if counts is not UNSET:
            field_dict["counts"] = counts
        if participants is not UNSET:
            field_dict["participants"] = participants
        if trainers is not UNSET:
            field_dict["trainers"] = trainers
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if session_id is not UNSET:
            field_dict["session_id"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.count import Count
        from ..models.person import Person

        d = dict(src_dict)
        delivered_at = datetime.datetime.fromisoformat(d.pop("delivered_at"))

        _counts = d.pop("counts", UNSET)
        counts: list[Count] | Unset = UNSET
        if _counts is not UNSET:
            counts = []
            for counts_item_data in _counts:
                counts_item = Count.from_dict(counts_item_data)

                counts.append(counts_item)

        _participants = d.pop("participants", UNSET)
        participants: list[Person] | Unset = UNSET
        if _participants is not UNSET:
            participants = []
            for participants_item_data in _participants:
                participants_item = Person.from_dict(participants_item_data)

                participants.append(participants_item)

        def _parse_trainers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                trainers_type_0 = cast(list[str], data)

                return trainers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        trainers = _parse_trainers(d.pop("trainers", UNSET))

        plan_id = d.pop("plan_id", UNSET)

        session_id = d.pop("session_id", UNSET)

        record_attendance_body = cls(
            delivered_at=delivered_at,
            counts=counts,
            participants=participants,
            trainers=trainers,
            plan_id=plan_id,
            session_id=session_id,
        )

        return record_attendance_body
