from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.demographics_headcount import DemographicsHeadcount


T = TypeVar("T", bound="Demographics")


@_attrs_define
class Demographics:
    """Headcount from the factory's records (counts, no personal data).

    Attributes:
        headcount (DemographicsHeadcount): workers by sex and age band, e.g. {'female': {'18_24': 120, ...}, ...}
        migrant_workers (int):
        parent_workers (int):
        left_behind_children (int): children of workers living apart from their parents
        maternity_leave_12m (int | Unset): women who took maternity leave in the last 12 months Default: 0.
        returned_after_maternity_12m (int | Unset): of those, women who came back to work Default: 0.
    """

    headcount: DemographicsHeadcount
    migrant_workers: int
    parent_workers: int
    left_behind_children: int
    maternity_leave_12m: int | Unset = 0
    returned_after_maternity_12m: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        headcount = self.headcount.to_dict()

        migrant_workers = self.migrant_workers

        parent_workers = self.parent_workers

        left_behind_children = self.left_behind_children

        maternity_leave_12m = self.maternity_leave_12m

        returned_after_maternity_12m = self.returned_after_maternity_12m

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "headcount": headcount,
                "migrant_workers": migrant_workers,
                "parent_workers": parent_workers,
                "left_behind_children": left_behind_children,
            }
        )
        if maternity_leave_12m is not UNSET:
            field_dict["maternity_leave_12m"] = maternity_leave_12m
        if returned_after_maternity_12m is not UNSET:
            field_dict["returned_after_maternity_12m"] = returned_after_maternity_12m

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.demographics_headcount import DemographicsHeadcount

        d = dict(src_dict)
        headcount = DemographicsHeadcount.from_dict(d.pop("headcount"))

        migrant_workers = d.pop("migrant_workers")

        parent_workers = d.pop("parent_workers")

        left_behind_children = d.pop("left_behind_children")

        maternity_leave_12m = d.pop("maternity_leave_12m", UNSET)

        returned_after_maternity_12m = d.pop("returned_after_maternity_12m", UNSET)

        demographics = cls(
            headcount=headcount,
            migrant_workers=migrant_workers,
            parent_workers=parent_workers,
            left_behind_children=left_behind_children,
            maternity_leave_12m=maternity_leave_12m,
            returned_after_maternity_12m=returned_after_maternity_12m,
        )

        return demographics
