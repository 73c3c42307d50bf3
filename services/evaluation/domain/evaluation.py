"""The Evaluation aggregate: the end of one factory's cycle in a programme
(stream evaluation-<plan_id>).

endline recorded -> impact evaluated -> sustainability plan agreed at the
closing workshop -> cycle closed; follow-up checks of the agreed practices
come later. The baseline is the factory's completed assessment (and, for
the workforce figures an assessment does not measure, the factory's records
for the same period); each KPI target of the approved plan gets its
achievement."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from shared.aggregate import Aggregate, DomainError
from shared.contracts.evaluation import (
    LOWER_IS_BETTER,
    METRICS,
    Comparison,
    EndlineRecorded,
    FollowUpRecorded,
    ImpactEvaluated,
    KpiResult,
    Practice,
    ProgrammeClosed,
    SustainabilityPlanAgreed,
)
from shared.disclosure import share_releasable
from shared.i18n import N_, Join, Text

MIN_RESPONDENTS = 5


@dataclass(frozen=True)
class Baseline:
    """What the assessment measured, as the evaluation service learnt it."""

    assessment_id: str
    completed_on: date
    figures: dict[str, float]  # endline metric -> value, in the endline's unit (METRICS: rates in %)
    indicators: dict[str, float]  # survey indicators, shares 0-1

    @classmethod
    def from_figures(cls, assessment_id: str, completed_on: date, figures: dict[str, float],
                     indicators: dict[str, float]) -> Baseline:
        """The baseline from its stored figures (shared.baseline_figures: ratios),
        with the metrics an endline compares against in the endline's units."""
        return cls(assessment_id, completed_on, endline_units(figures), indicators)


def endline_units(figures: dict[str, float]) -> dict[str, float]:
    """The baseline's figures (ratios, as the assessment's contracts carry them)
    that an endline measures too, in the unit a person enters and reads the
    endline in (METRICS): a rate as a percentage, the parenting confidence as
    the survey's 1-5 mean."""
    out: dict[str, float] = {}
    if figures.get("maternity_return_rate") is not None:
        out["maternity_return_rate"] = round(figures["maternity_return_rate"] * 100, 2)
    if figures.get("mean_parenting_confidence") is not None:
        out["parenting_confidence"] = figures["mean_parenting_confidence"]
    return out


@dataclass(frozen=True)
class PlanTargets:
    plan_id: str
    programme_id: str
    factory_id: str
    buyer: str
    kpis: list[dict]  # [{indicator, baseline, target}]


def comparisons(baseline: Baseline, records: dict[str, float], endline: dict[str, float],
                respondents: int) -> list[Comparison]:
    out = []
    for metric in METRICS:
        if metric not in endline:
            continue
        if metric in ("worker_satisfaction", "parenting_confidence") and respondents < MIN_RESPONDENTS:
            continue  # survey figures over fewer than 5 people are not reported
        if not _reportable(metric, endline, respondents):
            continue
        if metric in baseline.figures:
            base, source = baseline.figures[metric], "assessment"
        elif metric in records:
            base, source = records[metric], "factory records"
        else:
            base, source = None, None
        end = endline[metric]
        change = round(end - base, 4) if base is not None else None
        improved = None if change is None or change == 0 else (change < 0) == (metric in LOWER_IS_BETTER)
        out.append(Comparison(metric=metric, baseline=base, baseline_source=source, endline=end, change=change,
                              improved=improved))
    return out


def _reportable(metric: str, endline: dict[str, float], respondents: int) -> bool:
    """Whether a share the endline measures may leave (shared.disclosure):
    worker satisfaction is a share of the respondents, the maternity return
    rate one of the women on leave (`maternity_leave`, which the endline must
    give for the rate to be reported)."""
    if metric == "worker_satisfaction":
        return share_releasable(round(endline[metric] / 100 * respondents), respondents)
    if metric == "maternity_return_rate":
        women = endline.get("maternity_leave")
        return women is not None and share_releasable(round(endline[metric] / 100 * women), int(women))
    return True


def kpi_results(targets: list[dict], values: dict[str, float]) -> list[KpiResult]:
    out = []
    for k in targets:
        end = values.get(k["indicator"])
        base, target = float(k["baseline"]), float(k["target"])
        if end is None:
            out.append(KpiResult(indicator=k["indicator"], baseline=base, target=target, endline=None,
                                 achievement=None, achieved=None))
            continue
        span = target - base
        achievement: float | None = round((end - base) / span, 4) if span else (1.0 if end == target else 0.0)
        if not math.isfinite(achievement):  # a target a hair from its baseline: no share of the way is meaningful
            achievement = None
        out.append(KpiResult(indicator=k["indicator"], baseline=base, target=target, endline=end,
                             achievement=achievement, achieved=None if achievement is None else achievement >= 1.0))
    return out


class Evaluation(Aggregate):
    stream_prefix = "evaluation"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.factory_id = ""
        self.endline: EndlineRecorded | None = None
        self.evaluated = False
        self.workshop_on: date | None = None
        self.practices: dict[str, Practice] = {}
        self.closed = False

    def record_endline(self, *, baseline: Baseline, factory_id: str, measured_on: date, respondents: int,
                       metrics: dict[str, float], kpi_values: dict[str, float],
                       baseline_records: dict[str, float]) -> None:
        if self.evaluated:
            raise DomainError(N_("the impact is evaluated already: the endline is closed"), field="measured_on",
                              rule="endline_open")
        if measured_on <= baseline.completed_on:
            raise DomainError(N_("the endline (%(measured_on)s) must come after the baseline assessment "
                                 "(%(completed_on)s)"),
                              params={"measured_on": measured_on, "completed_on": baseline.completed_on},
                              field="measured_on", rule="endline_after_baseline")
        if not set(metrics) & set(METRICS):  # maternity_leave is the rate's denominator, not a measure
            raise DomainError(N_("the endline measures nothing"), field="metrics", rule="endline_measures")
        self.record(EndlineRecorded(plan_id=self.id, factory_id=factory_id, measured_on=measured_on,
                                    respondents=respondents, metrics=metrics, kpi_values=kpi_values,
                                    baseline_records=baseline_records))

    def evaluate(self, *, baseline: Baseline, targets: PlanTargets) -> None:
        if self.endline is None:
            raise DomainError(N_("record the endline first"), field="plan_id", rule="endline_recorded")
        if self.evaluated:
            raise DomainError(N_("the impact is evaluated already"), field="plan_id", rule="evaluate_once")
        e = self.endline
        self.record(ImpactEvaluated(
            plan_id=self.id, programme_id=targets.programme_id, factory_id=targets.factory_id, buyer=targets.buyer,
            baseline_on=baseline.completed_on, endline_on=e.measured_on,
            respondents=e.respondents if e.respondents >= MIN_RESPONDENTS else None,
            comparisons=comparisons(baseline, e.baseline_records, e.metrics, e.respondents),
            kpis=kpi_results(targets.kpis, e.kpi_values)))

    def agree_sustainability(self, *, workshop_on: date, participants: int, practices: list[Practice]) -> None:
        if not self.evaluated:
            raise DomainError(N_("the closing workshop follows the impact evaluation"), field="plan_id",
                              rule="evaluated_first")
        if self.workshop_on is not None:
            raise DomainError(N_("the sustainability plan was agreed on %(workshop_on)s"),
                              params={"workshop_on": self.workshop_on}, field="plan_id", rule="agree_once")
        assert self.endline is not None
        if workshop_on < self.endline.measured_on:
            raise DomainError(N_("the workshop (%(workshop_on)s) comes before the endline (%(measured_on)s)"),
                              params={"workshop_on": workshop_on, "measured_on": self.endline.measured_on},
                              field="workshop_on", rule="dates_in_order")
        late = [p.practice for p in practices if p.due < workshop_on]
        if late:
            raise DomainError(N_("practices due before the workshop: %(late)s"), params={"late": ', '.join(late)},
                              field="practices", rule="dates_in_order", items=late)
        names = [p.practice for p in practices]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DomainError(N_("practices listed twice: %(twice)s"), params={"twice": ', '.join(twice)},
                              field="practices", rule="no_duplicates", items=twice)
        self.record(SustainabilityPlanAgreed(plan_id=self.id, factory_id=self.factory_id, workshop_on=workshop_on,
                                             participants=participants, practices=practices))

    def follow_up(self, *, practice: str, checked_on: date, status: str, note: str | None) -> None:
        if practice not in self.practices:
            raise DomainError(N_("no practice %(practice)s in the sustainability plan"),
                              params={"practice": repr(practice)}, field="practice", rule="known_practice",
                              items=sorted(self.practices))
        assert self.workshop_on is not None
        if checked_on < self.workshop_on:
            raise DomainError(N_("checked_on %(checked_on)s is before the workshop (%(workshop_on)s)"),
                              params={"checked_on": checked_on, "workshop_on": self.workshop_on}, field="checked_on",
                              rule="dates_in_order")
        self.record(FollowUpRecorded(plan_id=self.id, practice=practice, checked_on=checked_on,
                                     status=status, note=note))  # type: ignore[arg-type]

    def close(self, *, targets: PlanTargets, closed_on: date) -> None:
        if self.closed:
            raise DomainError(N_("the cycle is closed already"), field="plan_id", rule="close_once")
        missing = [what for what, done in ((N_("impact evaluation"), self.evaluated),
                                           (N_("sustainability plan"), self.workshop_on is not None)) if not done]
        if missing:
            raise DomainError(N_("closing needs the %(missing)s"),
                              params={"missing": Join(N_(" and the "), tuple(Text(m) for m in missing))},
                              field="plan_id", rule="close_after_evaluation", items=missing)
        assert self.workshop_on is not None
        if closed_on < self.workshop_on:
            raise DomainError(N_("closed_on %(closed_on)s is before the workshop"), params={"closed_on": closed_on},
                              field="closed_on", rule="dates_in_order")
        self.record(ProgrammeClosed(plan_id=self.id, programme_id=targets.programme_id,
                                    factory_id=targets.factory_id, closed_on=closed_on))

    # -- state ---------------------------------------------------------------------

    def on_endline_recorded(self, e: EndlineRecorded) -> None:
        self.endline, self.factory_id = e, e.factory_id

    def on_impact_evaluated(self, e: ImpactEvaluated) -> None:
        self.evaluated = True

    def on_sustainability_plan_agreed(self, e: SustainabilityPlanAgreed) -> None:
        self.workshop_on = e.workshop_on
        self.practices = {p.practice: p for p in e.practices}

    def on_follow_up_recorded(self, e: FollowUpRecorded) -> None:
        pass

    def on_programme_closed(self, e: ProgrammeClosed) -> None:
        self.closed = True
