from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.demographics import Demographics


T = TypeVar("T", bound="RecordDemographicsBody")


@_attrs_define
class RecordDemographicsBody:
    """
    Attributes:
        demographics (Demographics): Headcount from the factory's records (counts, no personal data).
        assessment_id (str | Unset):  Default: ''.
        reason (None | str | Unset): required once the assessment is completed
    """

    demographics: Demographics
    assessment_id: str | Unset = ""
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        demographics = self.demographics.to_dict()

        assessment_id = self.assessment_id

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "demographics": demographics,
            }
        )
        if assessment_id is not UNSET:
            field_dict["assessment_id"] = assessment_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.demographics import Demographics

        d = dict(src_dict)
        demographics = Demographics.from_dict(d.pop("demographics"))

        assessment_id = d.pop("assessment_id", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        record_demographics_body = cls(
            demographics=demographics,
            assessment_id=assessment_id,
            reason=reason,
        )

        return record_demographics_body
