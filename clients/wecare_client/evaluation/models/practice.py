from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Practice")


@_attrs_define
class Practice:
    """
    Attributes:
        practice (str):
        owner (str):
        due (datetime.date):
    """

    practice: str
    owner: str
    due: datetime.date

    def to_dict(self) -> dict[str, Any]:
        practice = self.practice

        owner = self.owner

        due = self.due.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "practice": practice,
                "owner": owner,
                "due": due,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        practice = d.pop("practice")

        owner = d.pop("owner")

        due = datetime.date.fromisoformat(d.pop("due"))

        practice = cls(
            practice=practice,
            owner=owner,
            due=due,
        )

        return practice
