from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SessionDeliveredData")


@_attrs_define
class SessionDeliveredData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        plan_id (str):
        session_id (str):
        activity (str):
        training (bool):
        delivered_on (datetime.date):
        online (bool):
        attendances (int | None):
        workers_reached (int | None):
        workers_reached_female (int | None):
        workers_reached_male (int | None):
        suppressed (list[str]): figures blanked: under 5 people
    """

    programme_id: str
    country: str
    factory_id: str
    plan_id: str
    session_id: str
    activity: str
    training: bool
    delivered_on: datetime.date
    online: bool
    attendances: int | None
    workers_reached: int | None
    workers_reached_female: int | None
    workers_reached_male: int | None
    suppressed: list[str]

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        plan_id = self.plan_id

        session_id = self.session_id

        activity = self.activity

        training = self.training

        delivered_on = self.delivered_on.isoformat()

        online = self.online

        attendances: int | None
        attendances = self.attendances

        workers_reached: int | None
        workers_reached = self.workers_reached

        workers_reached_female: int | None
        workers_reached_female = self.workers_reached_female

        workers_reached_male: int | None
        workers_reached_male = self.workers_reached_male

        suppressed = self.suppressed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "plan_id": plan_id,
                "session_id": session_id,
                "activity": activity,
                "training": training,
                "delivered_on": delivered_on,
                "online": online,
                "attendances": attendances,
                "workers_reached": workers_reached,
                "workers_reached_female": workers_reached_female,
                "workers_reached_male": workers_reached_male,
                "suppressed": suppressed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        plan_id = d.pop("plan_id")

        session_id = d.pop("session_id")

        activity = d.pop("activity")

        training = d.pop("training")

        delivered_on = datetime.date.fromisoformat(d.pop("delivered_on"))

        online = d.pop("online")

        def _parse_attendances(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        attendances = _parse_attendances(d.pop("attendances"))

        def _parse_workers_reached(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        workers_reached = _parse_workers_reached(d.pop("workers_reached"))

        def _parse_workers_reached_female(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        workers_reached_female = _parse_workers_reached_female(d.pop("workers_reached_female"))

        def _parse_workers_reached_male(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        workers_reached_male = _parse_workers_reached_male(d.pop("workers_reached_male"))

        suppressed = cast(list[str], d.pop("suppressed"))

        session_delivered_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            plan_id=plan_id,
            session_id=session_id,
            activity=activity,
            training=training,
            delivered_on=delivered_on,
            online=online,
            attendances=attendances,
            workers_reached=workers_reached,
            workers_reached_female=workers_reached_female,
            workers_reached_male=workers_reached_male,
            suppressed=suppressed,
        )

        return session_delivered_data
