from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.finding import Finding


T = TypeVar("T", bound="RecordFindingsBody")


@_attrs_define
class RecordFindingsBody:
    """
    Attributes:
        findings (list[Finding]):
        assessment_id (str | Unset):  Default: ''.
        reason (None | str | Unset): required once the assessment is completed
    """

    findings: list[Finding]
    assessment_id: str | Unset = ""
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        findings = []
        for findings_item_data in self.findings:
            findings_item = findings_item_data.to_dict()
            findings.append(findings_item)

        assessment_id = self.assessment_id

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "findings": findings,
            }
        )
        if assessment_id is not UNSET:
            field_dict["assessment_id"] = assessment_id
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.finding import Finding

        d = dict(src_dict)
        findings = []
        _findings = d.pop("findings")
        for findings_item_data in _findings:
            findings_item = Finding.from_dict(findings_item_data)

            findings.append(findings_item)

        assessment_id = d.pop("assessment_id", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        record_findings_body = cls(
            findings=findings,
            assessment_id=assessment_id,
            reason=reason,
        )

        return record_findings_body
