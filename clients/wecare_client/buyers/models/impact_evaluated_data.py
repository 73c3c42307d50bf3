from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.impact_evaluated_data_comparisons_item import ImpactEvaluatedDataComparisonsItem


T = TypeVar("T", bound="ImpactEvaluatedData")


@_attrs_define
class ImpactEvaluatedData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        plan_id (str):
        baseline_on (datetime.date):
        endline_on (datetime.date):
        retention_baseline (float | None):
        retention_endline (float | None):
        retention_change (float | None):
        kpis_met (int):
        kpis_measured (int):
        comparisons (list[ImpactEvaluatedDataComparisonsItem]): [{metric, baseline, endline, change, improved}]
    """

    programme_id: str
    country: str
    factory_id: str
    plan_id: str
    baseline_on: datetime.date
    endline_on: datetime.date
    retention_baseline: float | None
    retention_endline: float | None
    retention_change: float | None
    kpis_met: int
    kpis_measured: int
    comparisons: list[ImpactEvaluatedDataComparisonsItem]

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        plan_id = self.plan_id

        baseline_on = self.baseline_on.isoformat()

        endline_on = self.endline_on.isoformat()

        retention_baseline: float | None
        retention_baseline = self.retention_baseline

        retention_endline: float | None
        retention_endline = self.retention_endline

        retention_change: float | None
        retention_change = self.retention_change

        kpis_met = self.kpis_met

        kpis_measured = self.kpis_measured

        comparisons = []
        for comparisons_item_data in self.comparisons:
            comparisons_item = comparisons_item_data.to_dict()
            comparisons.append(comparisons_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "plan_id": plan_id,
                "baseline_on": baseline_on,
                "endline_on": endline_on,
                "retention_baseline": retention_baseline,
                "retention_endline": retention_endline,
                "retention_change": retention_change,
                "kpis_met": kpis_met,
                "kpis_measured": kpis_measured,
                "comparisons": comparisons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.impact_evaluated_data_comparisons_item import ImpactEvaluatedDataComparisonsItem

        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        plan_id = d.pop("plan_id")

        baseline_on = datetime.date.fromisoformat(d.pop("baseline_on"))

        endline_on = datetime.date.fromisoformat(d.pop("endline_on"))

        def _parse_retention_baseline(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        retention_baseline = _parse_retention_baseline(d.pop("retention_baseline"))

        def _parse_retention_endline(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        retention_endline = _parse_retention_endline(d.pop("retention_endline"))

        def _parse_retention_change(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        retention_change = _parse_retention_change(d.pop("retention_change"))

        kpis_met = d.pop("kpis_met")

        kpis_measured = d.pop("kpis_measured")

        comparisons = []
        _comparisons = d.pop("comparisons")
        for comparisons_item_data in _comparisons:
            comparisons_item = ImpactEvaluatedDataComparisonsItem.from_dict(comparisons_item_data)

            comparisons.append(comparisons_item)

        impact_evaluated_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            plan_id=plan_id,
            baseline_on=baseline_on,
            endline_on=endline_on,
            retention_baseline=retention_baseline,
            retention_endline=retention_endline,
            retention_change=retention_change,
            kpis_met=kpis_met,
            kpis_measured=kpis_measured,
            comparisons=comparisons,
        )

        return impact_evaluated_data
