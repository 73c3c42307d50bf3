from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.open_facility_body_kind import OpenFacilityBodyKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="OpenFacilityBody")


@_attrs_define
class OpenFacilityBody:
    """
    Attributes:
        facility_id (str):
        kind (OpenFacilityBodyKind):
        opened_on (datetime.date): the day it happened: today or before, not in the future
        capacity (int):
        plan_id (str | Unset):  Default: ''.
    """

    facility_id: str
    kind: OpenFacilityBodyKind
    opened_on: datetime.date
    capacity: int
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        facility_id = self.facility_id

        kind = self.kind.value

        opened_on = self.opened_on.isoformat()

        capacity = self.capacity

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "facility_id": facility_id,
                "kind": kind,
                "opened_on": opened_on,
                "capacity": capacity,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        facility_id = d.pop("facility_id")

        kind = OpenFacilityBodyKind(d.pop("kind"))

        opened_on = datetime.date.fromisoformat(d.pop("opened_on"))

        capacity = d.pop("capacity")

        plan_id = d.pop("plan_id", UNSET)

        open_facility_body = cls(
            facility_id=facility_id,
            kind=kind,
            opened_on=opened_on,
            capacity=capacity,
            plan_id=plan_id,
        )

        return open_facility_body
