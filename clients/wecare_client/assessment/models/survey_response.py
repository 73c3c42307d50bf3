from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.survey_response_answers import SurveyResponseAnswers


T = TypeVar("T", bound="SurveyResponse")


@_attrs_define
class SurveyResponse:
    """One worker's anonymous answers, as captured (online or offline).

    Attributes:
        response_id (str): made by the client, so that a resent response is recorded once
        language (str):
        answers (SurveyResponseAnswers):
    """

    response_id: str
    language: str
    answers: SurveyResponseAnswers

    def to_dict(self) -> dict[str, Any]:
        response_id = self.response_id

        language = self.language

        answers = self.answers.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "response_id": response_id,
                "language": language,
                "answers": answers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.survey_response_answers import SurveyResponseAnswers

        d = dict(src_dict)
        response_id = d.pop("response_id")

        language = d.pop("language")

        answers = SurveyResponseAnswers.from_dict(d.pop("answers"))

        survey_response = cls(
            response_id=response_id,
            language=language,
            answers=answers,
        )

        return survey_response
