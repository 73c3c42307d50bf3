from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.open_consulting_case_body_category import OpenConsultingCaseBodyCategory
from ..types import UNSET, Unset

T = TypeVar("T", bound="OpenConsultingCaseBody")


@_attrs_define
class OpenConsultingCaseBody:
    """
    Attributes:
        case_id (str):
        category (OpenConsultingCaseBodyCategory):
        opened_on (datetime.date): the day it happened: today or before, not in the future
        details (str): confidential to the country team: stored sealed with the case's own key
        plan_id (str | Unset):  Default: ''.
    """

    case_id: str
    category: OpenConsultingCaseBodyCategory
    opened_on: datetime.date
    details: str
    plan_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        case_id = self.case_id

        category = self.category.value

        opened_on = self.opened_on.isoformat()

        details = self.details

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "case_id": case_id,
                "category": category,
                "opened_on": opened_on,
                "details": details,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        case_id = d.pop("case_id")

        category = OpenConsultingCaseBodyCategory(d.pop("category"))

        opened_on = datetime.date.fromisoformat(d.pop("opened_on"))

        details = d.pop("details")

        plan_id = d.pop("plan_id", UNSET)

        open_consulting_case_body = cls(
            case_id=case_id,
            category=category,
            opened_on=opened_on,
            details=details,
            plan_id=plan_id,
        )

        return open_consulting_case_body
