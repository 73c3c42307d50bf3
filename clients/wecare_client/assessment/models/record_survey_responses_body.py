from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.survey_response import SurveyResponse


T = TypeVar("T", bound="RecordSurveyResponsesBody")


@_attrs_define
class RecordSurveyResponsesBody:
    """
    Attributes:
        responses (list[SurveyResponse]):
        assessment_id (str | Unset):  Default: ''.
    """

    responses: list[SurveyResponse]
    assessment_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        responses = []
        for responses_item_data in self.responses:
            responses_item = responses_item_data.to_dict()
            responses.append(responses_item)

        assessment_id = self.assessment_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "responses": responses,
            }
        )
        if assessment_id is not UNSET:
            field_dict["assessment_id"] = assessment_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.survey_response import SurveyResponse

        d = dict(src_dict)
        responses = []
        _responses = d.pop("responses")
        for responses_item_data in _responses:
            responses_item = SurveyResponse.from_dict(responses_item_data)

            responses.append(responses_item)

        assessment_id = d.pop("assessment_id", UNSET)

        record_survey_responses_body = cls(
            responses=responses,
            assessment_id=assessment_id,
        )

        return record_survey_responses_body
