from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleAssessment")


@_attrs_define
class ScheduleAssessment:
    """
    Attributes:
        assessment_id (str):
        factory_id (str):
        scheduled_date (datetime.date):
        assessors (list[str]):
        survey_version (int | Unset):  Default: 1.
    """

    assessment_id: str
    factory_id: str
    scheduled_date: datetime.date
    assessors: list[str]
    survey_version: int | Unset = 1

    def to_dict(self) -> dict[str, Any]:
        assessment_id = self.assessment_id

        factory_id = self.factory_id

        scheduled_date = self.scheduled_date.isoformat()

        assessors = self.assessors

        survey_version = self.survey_version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "assessment_id": assessment_id,
                "factory_id": factory_id,
                "scheduled_date": scheduled_date,
                "assessors": assessors,
            }
        )
        if survey_version is not UNSET:
            field_dict["survey_version"] = survey_version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        assessment_id = d.pop("assessment_id")

        factory_id = d.pop("factory_id")

        scheduled_date = datetime.date.fromisoformat(d.pop("scheduled_date"))

        assessors = cast(list[str], d.pop("assessors"))

        survey_version = d.pop("survey_version", UNSET)

        schedule_assessment = cls(
            assessment_id=assessment_id,
            factory_id=factory_id,
            scheduled_date=scheduled_date,
            assessors=assessors,
            survey_version=survey_version,
        )

        return schedule_assessment
