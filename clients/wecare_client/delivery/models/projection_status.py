from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.projection_status_lag import ProjectionStatusLag


T = TypeVar("T", bound="ProjectionStatus")


@_attrs_define
class ProjectionStatus:
    """One projection in GET /ops/status.

    Attributes:
        parked (int): its messages parked after their attempts ran out (GET /ops/parked)
        lag (ProjectionStatusLag): per stream and country (`<context>.<country>`): messages not yet applied and
            acknowledged; `unknown` while NATS does not answer
        applied_here (int): events this process applied since it started
    """

    parked: int
    lag: ProjectionStatusLag
    applied_here: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        parked = self.parked

        lag = self.lag.to_dict()

        applied_here = self.applied_here

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "parked": parked,
                "lag": lag,
                "applied_here": applied_here,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.projection_status_lag import ProjectionStatusLag

        d = dict(src_dict)
        parked = d.pop("parked")

        lag = ProjectionStatusLag.from_dict(d.pop("lag"))

        applied_here = d.pop("applied_here")

        projection_status = cls(
            parked=parked,
            lag=lag,
            applied_here=applied_here,
        )

        projection_status.additional_properties = d
        return projection_status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
