from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.kpi_request import KpiRequest
    from ..models.milestone import Milestone
    from ..models.planned_activity import PlannedActivity


T = TypeVar("T", bound="ChangePlanBody")


@_attrs_define
class ChangePlanBody:
    """
    Attributes:
        activities (list[PlannedActivity]):
        milestones (list[Milestone] | Unset):
        kpis (list[KpiRequest] | Unset):
        plan_id (str | Unset):  Default: ''.
        note (None | str | Unset):
        reason (None | str | Unset): required once the plan is approved
    """

    activities: list[PlannedActivity]
    milestones: list[Milestone] | Unset = UNSET
    kpis: list[KpiRequest] | Unset = UNSET
    plan_id: str | Unset = ""
    note: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        activities = []
        for activities_item_data in self.activities:
            activities_item = activities_item_data.to_dict()
            activities.append(activities_item)

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

        plan_id = self.plan_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activities": activities,
            }
        )
        if milestones is not UNSET:
            field_dict["milestones"] = milestones
        if kpis is not UNSET:
            field_dict["kpis"] = kpis
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if note is not UNSET:
            field_dict["note"] = note
        if reason is not UNSET:
            field_dict["reason"] = reason

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

        plan_id = d.pop("plan_id", UNSET)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        change_plan_body = cls(
            activities=activities,
            milestones=milestones,
            kpis=kpis,
            plan_id=plan_id,
            note=note,
            reason=reason,
        )

        return change_plan_body
