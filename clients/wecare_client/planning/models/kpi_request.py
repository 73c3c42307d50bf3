from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="KpiRequest")


@_attrs_define
class KpiRequest:
    """A KPI as the country team writes it: the baseline comes from the
    factory's assessment unless given.

        Attributes:
            indicator (str):
            target (float):
            baseline (float | None | Unset):
    """

    indicator: str
    target: float
    baseline: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        indicator = self.indicator

        target = self.target

        baseline: float | None | Unset
        if isinstance(self.baseline, Unset):
            baseline = UNSET
        else:
            baseline = self.baseline

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "indicator": indicator,
                "target": target,
            }
        )
        if baseline is not UNSET:
            field_dict["baseline"] = baseline

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        indicator = d.pop("indicator")

        target = d.pop("target")

        def _parse_baseline(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        baseline = _parse_baseline(d.pop("baseline", UNSET))

        kpi_request = cls(
            indicator=indicator,
            target=target,
            baseline=baseline,
        )

        return kpi_request
