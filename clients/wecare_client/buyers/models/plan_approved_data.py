from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.kpi_target import KpiTarget
    from ..models.plan_approved_data_milestones_item import PlanApprovedDataMilestonesItem


T = TypeVar("T", bound="PlanApprovedData")


@_attrs_define
class PlanApprovedData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        plan_id (str):
        revision (int):
        approved_on (datetime.date):
        activities (list[str]):
        credits_ (int):
        milestones (list[PlanApprovedDataMilestonesItem]): [{name, due}]
        kpis (list[KpiTarget]):
    """

    programme_id: str
    country: str
    factory_id: str
    plan_id: str
    revision: int
    approved_on: datetime.date
    activities: list[str]
    credits_: int
    milestones: list[PlanApprovedDataMilestonesItem]
    kpis: list[KpiTarget]

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        plan_id = self.plan_id

        revision = self.revision

        approved_on = self.approved_on.isoformat()

        activities = self.activities

        credits_ = self.credits_

        milestones = []
        for milestones_item_data in self.milestones:
            milestones_item = milestones_item_data.to_dict()
            milestones.append(milestones_item)

        kpis = []
        for kpis_item_data in self.kpis:
            kpis_item = kpis_item_data.to_dict()
            kpis.append(kpis_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "plan_id": plan_id,
                "revision": revision,
                "approved_on": approved_on,
                "activities": activities,
                "credits": credits_,
                "milestones": milestones,
                "kpis": kpis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.kpi_target import KpiTarget
        from ..models.plan_approved_data_milestones_item import PlanApprovedDataMilestonesItem

        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        plan_id = d.pop("plan_id")

        revision = d.pop("revision")

        approved_on = datetime.date.fromisoformat(d.pop("approved_on"))

        activities = cast(list[str], d.pop("activities"))

        credits_ = d.pop("credits")

        milestones = []
        _milestones = d.pop("milestones")
        for milestones_item_data in _milestones:
            milestones_item = PlanApprovedDataMilestonesItem.from_dict(milestones_item_data)

            milestones.append(milestones_item)

        kpis = []
        _kpis = d.pop("kpis")
        for kpis_item_data in _kpis:
            kpis_item = KpiTarget.from_dict(kpis_item_data)

            kpis.append(kpis_item)

        plan_approved_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            plan_id=plan_id,
            revision=revision,
            approved_on=approved_on,
            activities=activities,
            credits_=credits_,
            milestones=milestones,
            kpis=kpis,
        )

        return plan_approved_data
