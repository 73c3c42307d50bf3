from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlannedActivity")


@_attrs_define
class PlannedActivity:
    """
    Attributes:
        activity (str): activity code of the service menu
        cohort_size (int | None | Unset): participants, for activities with a cohort
        need (None | str | Unset): the need area it answers
    """

    activity: str
    cohort_size: int | None | Unset = UNSET
    need: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        activity = self.activity

        cohort_size: int | None | Unset
        if isinstance(self.cohort_size, Unset):
            cohort_size = UNSET
        else:
            cohort_size = self.cohort_size

        need: None | str | Unset
        if isinstance(self.need, Unset):
            need = UNSET
        else:
            need = self.need

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activity": activity,
            }
        )
        if cohort_size is not UNSET:
            field_dict["cohort_size"] = cohort_size
        if need is not UNSET:
            field_dict["need"] = need

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        activity = d.pop("activity")

        def _parse_cohort_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cohort_size = _parse_cohort_size(d.pop("cohort_size", UNSET))

        def _parse_need(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        need = _parse_need(d.pop("need", UNSET))

        planned_activity = cls(
            activity=activity,
            cohort_size=cohort_size,
            need=need,
        )

        return planned_activity
