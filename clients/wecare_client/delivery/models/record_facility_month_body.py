from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordFacilityMonthBody")


@_attrs_define
class RecordFacilityMonthBody:
    """
    Attributes:
        month (str):
        days_open (int):
        children_served (int):
        plan_id (str | Unset):  Default: ''.
        facility_id (str | Unset):  Default: ''.
    """

    month: str
    days_open: int
    children_served: int
    plan_id: str | Unset = ""
    facility_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        month = self.month

        days_open = self.days_open

        children_served = self.children_served

        plan_id = self.plan_id

        facility_id = self.facility_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "month": month,
                "days_open": days_open,
                "children_served": children_served,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if facility_id is not UNSET:
            field_dict["facility_id"] = facility_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        month = d.pop("month")

        days_open = d.pop("days_open")

        children_served = d.pop("children_served")

        plan_id = d.pop("plan_id", UNSET)

        facility_id = d.pop("facility_id", UNSET)

        record_facility_month_body = cls(
            month=month,
            days_open=days_open,
            children_served=children_served,
            plan_id=plan_id,
            facility_id=facility_id,
        )

        return record_facility_month_body
