from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.service_status_events import ServiceStatusEvents
    from ..models.service_status_loops import ServiceStatusLoops
    from ..models.service_status_projections import ServiceStatusProjections


T = TypeVar("T", bound="ServiceStatus")


@_attrs_define
class ServiceStatus:
    """GET /ops/status: the service's log, outbox and projections (`wecare status` prints it).

    Attributes:
        service (str):
        countries (list[str]):
        events (ServiceStatusEvents): events stored, per country
        events_total (int):
        outbox_backlog (int): events stored and not yet published to NATS
        projections (ServiceStatusProjections):
        loops (ServiceStatusLoops): the supervised loops: state, restarts, last error
    """

    service: str
    countries: list[str]
    events: ServiceStatusEvents
    events_total: int
    outbox_backlog: int
    projections: ServiceStatusProjections
    loops: ServiceStatusLoops
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        service = self.service

        countries = self.countries

        events = self.events.to_dict()

        events_total = self.events_total

        outbox_backlog = self.outbox_backlog

        projections = self.projections.to_dict()

        loops = self.loops.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "service": service,
                "countries": countries,
                "events": events,
                "events_total": events_total,
                "outbox_backlog": outbox_backlog,
                "projections": projections,
                "loops": loops,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.service_status_events import ServiceStatusEvents
        from ..models.service_status_loops import ServiceStatusLoops
        from ..models.service_status_projections import ServiceStatusProjections

        d = dict(src_dict)
        service = d.pop("service")

        countries = cast(list[str], d.pop("countries"))

        events = ServiceStatusEvents.from_dict(d.pop("events"))

        events_total = d.pop("events_total")

        outbox_backlog = d.pop("outbox_backlog")

        projections = ServiceStatusProjections.from_dict(d.pop("projections"))

        loops = ServiceStatusLoops.from_dict(d.pop("loops"))

        service_status = cls(
            service=service,
            countries=countries,
            events=events,
            events_total=events_total,
            outbox_backlog=outbox_backlog,
            projections=projections,
            loops=loops,
        )

        service_status.additional_properties = d
        return service_status

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
