from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.count_age_band import CountAgeBand
from ..models.count_role import CountRole
from ..models.count_sex import CountSex

T = TypeVar("T", bound="Count")


@_attrs_define
class Count:
    """
    Attributes:
        role (CountRole):
        sex (CountSex):
        age_band (CountAgeBand):
        count (int):
    """

    role: CountRole
    sex: CountSex
    age_band: CountAgeBand
    count: int

    def to_dict(self) -> dict[str, Any]:
        role = self.role.value

        sex = self.sex.value

        age_band = self.age_band.value

        count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "role": role,
                "sex": sex,
                "age_band": age_band,
                "count": count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        role = CountRole(d.pop("role"))

        sex = CountSex(d.pop("sex"))

        age_band = CountAgeBand(d.pop("age_band"))

        count = d.pop("count")

        count = cls(
            role=role,
            sex=sex,
            age_band=age_band,
            count=count,
        )

        return count
