from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="KpiTarget")


@_attrs_define
class KpiTarget:
    """
    Attributes:
        indicator (str):
        baseline (float):
        target (float):
    """

    indicator: str
    baseline: float
    target: float

    def to_dict(self) -> dict[str, Any]:
        indicator = self.indicator

        baseline = self.baseline

        target = self.target

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "indicator": indicator,
                "baseline": baseline,
                "target": target,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        indicator = d.pop("indicator")

        baseline = d.pop("baseline")

        target = d.pop("target")

        kpi_target = cls(
            indicator=indicator,
            baseline=baseline,
            target=target,
        )

        return kpi_target
