from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Workforce")


@_attrs_define
class Workforce:
    """
    Attributes:
        retention_rate (float | None | Unset): a percentage, 0 to 100
        turnover_rate (float | None | Unset): a percentage, 0 to 100
        absenteeism_rate (float | None | Unset): a percentage, 0 to 100
        maternity_return_rate (float | None | Unset): a percentage, 0 to 100
        recruitment_cost_per_hire (float | None | Unset):
    """

    retention_rate: float | None | Unset = UNSET
    turnover_rate: float | None | Unset = UNSET
    absenteeism_rate: float | None | Unset = UNSET
    maternity_return_rate: float | None | Unset = UNSET
    recruitment_cost_per_hire: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        retention_rate: float | None | Unset
        if isinstance(self.retention_rate, Unset):
            retention_rate = UNSET
        else:
            retention_rate = self.retention_rate

        turnover_rate: float | None | Unset
        if isinstance(self.turnover_rate, Unset):
            turnover_rate = UNSET
        else:
            turnover_rate = self.turnover_rate

        absenteeism_rate: float | None | Unset
        if isinstance(self.absenteeism_rate, Unset):
            absenteeism_rate = UNSET
        else:
            absenteeism_rate = self.absenteeism_rate

        maternity_return_rate: float | None | Unset
        if isinstance(self.maternity_return_rate, Unset):
            maternity_return_rate = UNSET
        else:
            maternity_return_rate = self.maternity_return_rate

        recruitment_cost_per_hire: float | None | Unset
        if isinstance(self.recruitment_cost_per_hire, Unset):
            recruitment_cost_per_hire = UNSET
        else:
            recruitment_cost_per_hire = self.recruitment_cost_per_hire

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if retention_rate is not UNSET:
            field_dict["retention_rate"] = retention_rate
        if turnover_rate is not UNSET:
            field_dict["turnover_rate"] = turnover_rate
        if absenteeism_rate is not UNSET:
            field_dict["absenteeism_rate"] = absenteeism_rate
        if maternity_return_rate is not UNSET:
            field_dict["maternity_return_rate"] = maternity_return_rate
        if recruitment_cost_per_hire is not UNSET:
            field_dict["recruitment_cost_per_hire"] = recruitment_cost_per_hire

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_retention_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        retention_rate = _parse_retention_rate(d.pop("retention_rate", UNSET))

        def _parse_turnover_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        turnover_rate = _parse_turnover_rate(d.pop("turnover_rate", UNSET))

        def _parse_absenteeism_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        absenteeism_rate = _parse_absenteeism_rate(d.pop("absenteeism_rate", UNSET))

        def _parse_maternity_return_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        maternity_return_rate = _parse_maternity_return_rate(d.pop("maternity_return_rate", UNSET))

        def _parse_recruitment_cost_per_hire(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        recruitment_cost_per_hire = _parse_recruitment_cost_per_hire(d.pop("recruitment_cost_per_hire", UNSET))

        workforce = cls(
            retention_rate=retention_rate,
            turnover_rate=turnover_rate,
            absenteeism_rate=absenteeism_rate,
            maternity_return_rate=maternity_return_rate,
            recruitment_cost_per_hire=recruitment_cost_per_hire,
        )

        return workforce
