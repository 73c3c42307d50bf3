from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.kpi_request import KpiRequest
    from ..models.milestone import Milestone
    from ..models.planned_activity import PlannedActivity


T = TypeVar("T", bound="DraftPlan")


@_attrs_define
class DraftPlan:
    """A plan written by the country team (when no suggested draft exists).

    Attributes:
        activities (list[PlannedActivity]):
        programme_id (str):
        factory_id (str):
        milestones (list[Milestone] | Unset):
        kpis (list[KpiRequest] | Unset):
    """

    activities: list[PlannedActivity]
    programme_id: str
    factory_id: str
    milestones: list[Milestone] | Unset = UNSET
    kpis: list[KpiRequest] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        activities = []
        for activities_item_data in self.activities:
            activities_item = activities_item_data.to_dict()
            activities.append(activities_item)

        programme_id = self.programme_id

        factory_id = self.factory_id

        milestones: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.milestones, Unset):
            milestones = []
            for milestones_item_data in self.milestones:
                milestones_item = milestones_item_data.to_dict()
                milestones.append(milestones_item)

        kpis: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.kpis, Unset):
            kpis = []
            for kpis_item_data in self.kpis:
                kpis_item = kpis_item_data.to_dict()
                kpis.append(kpis_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activities": activities,
                "programme_id": programme_id,
                "factory_id": factory_id,
            }
        )
        if milestones is not UNSET:
            field_dict["milestones"] = milestones
        if kpis is not UNSET:
            field_dict["kpis"] = kpis

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.kpi_request import KpiRequest
        from ..models.milestone import Milestone
        from ..models.planned_activity import PlannedActivity

        d = dict(src_dict)
        activities = []
        _activities = d.pop("activities")
        for activities_item_data in _activities:
            activities_item = PlannedActivity.from_dict(activities_item_data)

            activities.append(activities_item)

        programme_id = d.pop("programme_id")

        factory_id = d.pop("factory_id")

        _milestones = d.pop("milestones", UNSET)
        milestones: list[Milestone] | Unset = UNSET
        if _milestones is not UNSET:
            milestones = []
            for milestones_item_data in _milestones:
                milestones_item = Milestone.from_dict(milestones_item_data)

                milestones.append(milestones_item)

        _kpis = d.pop("kpis", UNSET)
        kpis: list[KpiRequest] | Unset = UNSET
        if _kpis is not UNSET:
            kpis = []
            for kpis_item_data in _kpis:
                kpis_item = KpiRequest.from_dict(kpis_item_data)

                kpis.append(kpis_item)

        draft_plan = cls(
            activities=activities,
            programme_id=programme_id,
            factory_id=factory_id,
            milestones=milestones,
            kpis=kpis,
        )

        return draft_plan
