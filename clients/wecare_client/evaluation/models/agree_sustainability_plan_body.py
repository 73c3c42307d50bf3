from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.practice import Practice


T = TypeVar("T", bound="AgreeSustainabilityPlanBody")


@_attrs_define
class AgreeSustainabilityPlanBody:
    """
    Attributes:
        workshop_on (datetime.date): the day it happened: today or before, not in the future
        participants (int):
        practices (list[Practice]):
        plan_id (str | Unset):  Default: ''.
    """

    workshop_on: datetime.date
    participants: int
    practices: list[Practice]
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        workshop_on = self.workshop_on.isoformat()

        participants = self.participants

        practices = []
        for practices_item_data in self.practices:
            practices_item = practices_item_data.to_dict()
            practices.append(practices_item)

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "workshop_on": workshop_on,
                "participants": participants,
                "practices": practices,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.practice import Practice

        d = dict(src_dict)
        workshop_on = datetime.date.fromisoformat(d.pop("workshop_on"))

        participants = d.pop("participants")

        practices = []
        _practices = d.pop("practices")
        for practices_item_data in _practices:
            practices_item = Practice.from_dict(practices_item_data)

            practices.append(practices_item)

        plan_id = d.pop("plan_id", UNSET)

        agree_sustainability_plan_body = cls(
            workshop_on=workshop_on,
            participants=participants,
            practices=practices,
            plan_id=plan_id,
        )

        return agree_sustainability_plan_body
