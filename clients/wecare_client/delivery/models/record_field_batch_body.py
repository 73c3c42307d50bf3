from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_session import FieldSession


T = TypeVar("T", bound="RecordFieldBatchBody")


@_attrs_define
class RecordFieldBatchBody:
    """
    Attributes:
        sessions (list[FieldSession]):
        plan_id (str | Unset):  Default: ''.
    """

    sessions: list[FieldSession]
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sessions": sessions,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_session import FieldSession

        d = dict(src_dict)
        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = FieldSession.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        plan_id = d.pop("plan_id", UNSET)

        record_field_batch_body = cls(
            sessions=sessions,
            plan_id=plan_id,
        )

        return record_field_batch_body
