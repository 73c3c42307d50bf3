from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_survey_response_body_answers import RecordSurveyResponseBodyAnswers


T = TypeVar("T", bound="RecordSurveyResponseBody")


@_attrs_define
class RecordSurveyResponseBody:
    """
    Attributes:
        response_id (str): made by the client, so that a resent response is recorded once
        language (str):
        answers (RecordSurveyResponseBodyAnswers):
        assessment_id (str | Unset):  Default: ''.
    """

    response_id: str
    language: str
    answers: RecordSurveyResponseBodyAnswers
    assessment_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        response_id = self.response_id

        language = self.language

        answers = self.answers.to_dict()

        assessment_id = self.assessment_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "response_id": response_id,
                "language": language,
                "answers": answers,
            }
        )
        if assessment_id is not UNSET:
            field_dict["assessment_id"] = assessment_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.record_survey_response_body_answers import RecordSurveyResponseBodyAnswers

        d = dict(src_dict)
        response_id = d.pop("response_id")

        language = d.pop("language")

        answers = RecordSurveyResponseBodyAnswers.from_dict(d.pop("answers"))

        assessment_id = d.pop("assessment_id", UNSET)

        record_survey_response_body = cls(
            response_id=response_id,
            language=language,
            answers=answers,
            assessment_id=assessment_id,
        )

        return record_survey_response_body
