from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.policy_answer_status import PolicyAnswerStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="PolicyAnswer")


@_attrs_define
class PolicyAnswer:
    """
    Attributes:
        status (PolicyAnswerStatus):
        days (int | None | Unset): days of paid leave (paid_maternity_leave only)
        note (str | Unset):  Default: ''.
    """

    status: PolicyAnswerStatus
    days: int | None | Unset = UNSET
    note: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        days: int | None | Unset
        if isinstance(self.days, Unset):
            days = UNSET
        else:
            days = self.days

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )
        if days is not UNSET:
            field_dict["days"] = days
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = PolicyAnswerStatus(d.pop("status"))

        def _parse_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days = _parse_days(d.pop("days", UNSET))

        note = d.pop("note", UNSET)

        policy_answer = cls(
            status=status,
            days=days,
            note=note,
        )

        return policy_answer
