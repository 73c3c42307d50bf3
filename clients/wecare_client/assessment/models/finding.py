from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.finding_priority import FindingPriority
from ..types import UNSET, Unset

T = TypeVar("T", bound="Finding")


@_attrs_define
class Finding:
    """
    Attributes:
        area (str): a need area of the service menu, e.g. childcare
        text (str):
        priority (FindingPriority | Unset):  Default: FindingPriority.MEDIUM.
    """

    area: str
    text: str
    priority: FindingPriority | Unset = FindingPriority.MEDIUM

    def to_dict(self) -> dict[str, Any]:
        area = self.area

        text = self.text

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "area": area,
                "text": text,
            }
        )
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        area = d.pop("area")

        text = d.pop("text")

        _priority = d.pop("priority", UNSET)
        priority: FindingPriority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = FindingPriority(_priority)

        finding = cls(
            area=area,
            text=text,
            priority=priority,
        )

        return finding
