from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompleteAssessmentBody")


@_attrs_define
class CompleteAssessmentBody:
    """
    Attributes:
        completed_on (datetime.date): the day it happened: today or before, not in the future
        assessment_id (str | Unset):  Default: ''.
    """

    completed_on: datetime.date
    assessment_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        completed_on = self.completed_on.isoformat()

        assessment_id = self.assessment_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed_on": completed_on,
            }
        )
        if assessment_id is not UNSET:
            field_dict["assessment_id"] = assessment_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed_on = datetime.date.fromisoformat(d.pop("completed_on"))

        assessment_id = d.pop("assessment_id", UNSET)

        complete_assessment_body = cls(
            completed_on=completed_on,
            assessment_id=assessment_id,
        )

        return complete_assessment_body
