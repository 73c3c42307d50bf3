from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_endline_body_kpis import RecordEndlineBodyKpis
    from ..models.workforce import Workforce


T = TypeVar("T", bound="RecordEndlineBody")


@_attrs_define
class RecordEndlineBody:
    """
    Attributes:
        measured_on (datetime.date): the day it happened: today or before, not in the future
        respondents (int): of the follow-up survey
        plan_id (str | Unset):  Default: ''.
        retention_rate (float | None | Unset): a percentage, 0 to 100
        turnover_rate (float | None | Unset): a percentage, 0 to 100
        absenteeism_rate (float | None | Unset): a percentage, 0 to 100
        maternity_return_rate (float | None | Unset): a percentage, 0 to 100
        maternity_leave (int | None | Unset): women whose return the maternity_return_rate measures; without it, or when
            the rate describes 1-4 women (returned or not), the rate is kept for the country team but not reported
        recruitment_cost_per_hire (float | None | Unset):
        worker_satisfaction (float | None | Unset): a percentage, 0 to 100
        parenting_confidence (float | None | Unset): mean on the survey's 1-5 scale
        kpis (RecordEndlineBodyKpis | Unset): endline value of each KPI of the plan
        baseline_records (Workforce | Unset):
    """

    measured_on: datetime.date
    respondents: int
    plan_id: str | Unset = ""
    retention_rate: float | None | Unset = UNSET
    turnover_rate: float | None | Unset = UNSET
    absenteeism_rate: float | None | Unset = UNSET
    maternity_return_rate: float | None | Unset = UNSET
    maternity_leave: int | None | Unset = UNSET
    recruitment_cost_per_hire: float | None | Unset = UNSET
    worker_satisfaction: float | None | Unset = UNSET
    parenting_confidence: float | None | Unset = UNSET
    kpis: RecordEndlineBodyKpis | Unset = UNSET
    baseline_records: Workforce | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        measured_on = self.measured_on.isoformat()

        respondents = self.respondents

        plan_id = self.plan_id

        retention_rate: float | None | Unset
        if isinstance(self.retention_rate, Unset):
            retention_rate = UNSET
        else:
            retention_rate = self.retention_rate

        turnover_rate: float | None | Unset
        if isinstance(self.turnover_rate, Unset):
            turnover_rate = UNSET
        else:
            turnover_rate = self.turnover_rate

        absenteeism_rate: float | None | Unset
        if isinstance(self.absenteeism_rate, Unset):
            absenteeism_rate = UNSET
        else:
            absenteeism_rate = self.absenteeism_rate

        maternity_return_rate: float | None | Unset
        if isinstance(self.maternity_return_rate, Unset):
            maternity_return_rate = UNSET
        else:
            maternity_return_rate = self.maternity_return_rate

        maternity_leave: int | None | Unset
        if isinstance(self.maternity_leave, Unset):
            maternity_leave = UNSET
        else:
            maternity_leave = self.maternity_leave

        recruitment_cost_per_hire: float | None | Unset
        if isinstance(self.recruitment_cost_per_hire, Unset):
            recruitment_cost_per_hire = UNSET
        else:
            recruitment_cost_per_hire = self.recruitment_cost_per_hire

        worker_satisfaction: float | None | Unset
        if isinstance(self.worker_satisfaction, Unset):
            worker_satisfaction = UNSET
        else:
            worker_satisfaction = self.worker_satisfaction

        parenting_confidence: float | None | Unset
        if isinstance(self.parenting_confidence, Unset):
            parenting_confidence = UNSET
        else:
            parenting_confidence = self.parenting_confidence

        kpis: dict[str, Any] | Unset = UNSET
        if not isinstance(self.kpis, Unset):
            kpis = self.kpis.to_dict()

        baseline_records: dict[str, Any] | Unset = UNSET
        if not isinstance(self.baseline_records, Unset):
            baseline_records = self.baseline_records.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "measured_on": measured_on,
                "respondents": respondents,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if retention_rate is not UNSET:
            field_dict["retention_rate"] = retention_rate
        if turnover_rate is not UNSET:
            field_dict["turnover_rate"] = turnover_rate
        if absenteeism_rate is not UNSET:
            field_dict["absenteeism_rate"] = absenteeism_rate
        if maternity_return_rate is not UNSET:
            field_dict["maternity_return_rate"] = maternity_return_rate
        if maternity_leave is not UNSET:
            field_dict["maternity_leave"] = maternity_leave
        if recruitment_cost_per_hire is not UNSET:
            field_dict["recruitment_cost_per_hire"] = recruitment_cost_per_hire
        if worker_satisfaction is not UNSET:
            field_dict["worker_satisfaction"] = worker_satisfaction
        if parenting_confidence is not UNSET:
            field_dict["parenting_confidence"] = parenting_confidence
        if kpis is not UNSET:
            field_dict["kpis"] = kpis
        if baseline_records is not UNSET:
            field_dict["baseline_records"] = baseline_records

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.record_endline_body_kpis import RecordEndlineBodyKpis
        from ..models.workforce import Workforce

        d = dict(src_dict)
        measured_on = datetime.date.fromisoformat(d.pop("measured_on"))

        respondents = d.pop("respondents")

        plan_id = d.pop("plan_id", UNSET)

        def _parse_retention_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        retention_rate = _parse_retention_rate(d.pop("retention_rate", UNSET))

        def _parse_turnover_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        turnover_rate = _parse_turnover_rate(d.pop("turnover_rate", UNSET))

        def _parse_absenteeism_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        absenteeism_rate = _parse_absenteeism_rate(d.pop("absenteeism_rate", UNSET))

        def _parse_maternity_return_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        maternity_return_rate = _parse_maternity_return_rate(d.pop("maternity_return_rate", UNSET))

        def _parse_maternity_leave(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        maternity_leave = _parse_maternity_leave(d.pop("maternity_leave", UNSET))

        def _parse_recruitment_cost_per_hire(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        recruitment_cost_per_hire = _parse_recruitment_cost_per_hire(d.pop("recruitment_cost_per_hire", UNSET))

        def _parse_worker_satisfaction(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        worker_satisfaction = _parse_worker_satisfaction(d.pop("worker_satisfaction", UNSET))

        def _parse_parenting_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        parenting_confidence = _parse_parenting_confidence(d.pop("parenting_confidence", UNSET))

        _kpis = d.pop("kpis", UNSET)
        kpis: RecordEndlineBodyKpis | Unset
        if isinstance(_kpis, Unset):
            kpis = UNSET
        else:
            kpis = RecordEndlineBodyKpis.from_dict(_kpis)

        _baseline_records = d.pop("baseline_records", UNSET)
        baseline_records: Workforce | Unset
        if isinstance(_baseline_records, Unset):
            baseline_records = UNSET
        else:
            baseline_records = Workforce.from_dict(_baseline_records)

        record_endline_body = cls(
            measured_on=measured_on,
            respondents=respondents,
            plan_id=plan_id,
            retention_rate=retention_rate,
            turnover_rate=turnover_rate,
            absenteeism_rate=absenteeism_rate,
            maternity_return_rate=maternity_return_rate,
            maternity_leave=maternity_leave,
            recruitment_cost_per_hire=recruitment_cost_per_hire,
            worker_satisfaction=worker_satisfaction,
            parenting_confidence=parenting_confidence,
            kpis=kpis,
            baseline_records=baseline_records,
        )

        return record_endline_body
