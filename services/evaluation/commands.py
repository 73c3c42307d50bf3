"""The evaluation service's commands: one class per state change, named as a
verb. A command is the whole input; who asks, where and on which version is
the CommandContext's."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.application import Command
from shared.contracts.evaluation import Practice
from shared.contracts.planning import MAX_KPIS
from shared.contracts.values import Amount, Code, PastDate, PlanId, Strict

IDENT = r"^[A-Za-z0-9_.:-]+$"
Rate = Field(None, ge=0, le=100, description="a percentage, 0 to 100")


class Workforce(Strict):
    retention_rate: float | None = Rate
    turnover_rate: float | None = Rate
    absenteeism_rate: float | None = Rate
    maternity_return_rate: float | None = Rate
    recruitment_cost_per_hire: float | None = Field(None, ge=0, le=1_000_000)


class RecordEndline(Command):
    """The endline of a factory's cycle: the follow-up survey and the
    workforce figures, against the factory's baseline."""

    plan_id: PlanId
    retention_rate: float | None = Rate
    turnover_rate: float | None = Rate
    absenteeism_rate: float | None = Rate
    maternity_return_rate: float | None = Rate
    maternity_leave: int | None = Field(None, ge=0, le=1_000_000, description=(
        "women whose return the maternity_return_rate measures; without it, or when the rate describes 1-4 "
        "women (returned or not), the rate is kept for the country team but not reported"))
    recruitment_cost_per_hire: float | None = Field(None, ge=0, le=1_000_000)
    measured_on: PastDate
    respondents: int = Field(ge=0, le=100_000, description="of the follow-up survey")
    worker_satisfaction: float | None = Rate
    parenting_confidence: float | None = Field(None, ge=1, le=5, description="mean on the survey's 1-5 scale")
    kpis: dict[Code, Amount] = Field(default_factory=dict, max_length=MAX_KPIS,
                                    description="endline value of each KPI of the plan")
    baseline_records: Workforce = Field(default_factory=Workforce,
                                        description="workforce figures of the baseline period, from the factory's "
                                                    "records, where the assessment did not measure them")

    def metrics(self) -> dict[str, float]:
        """The endline's measured metrics (METRICS), in the units a person entered them."""
        return self.model_dump(exclude={"plan_id", "measured_on", "respondents", "kpis", "baseline_records"},
                               exclude_none=True)


class EvaluateImpact(Command):
    plan_id: PlanId


class AgreeSustainabilityPlan(Command):
    """The closing workshop's sustainability plan: the practices the factory keeps."""

    plan_id: PlanId
    workshop_on: PastDate
    participants: int = Field(ge=1, le=10_000)
    practices: list[Practice] = Field(min_length=1, max_length=50)


class RecordFollowUp(Command):
    plan_id: PlanId
    practice: str = Field(min_length=1, max_length=300)
    checked_on: PastDate
    status: Literal["continued", "partly", "stopped"]
    note: str | None = Field(None, max_length=2000)


class CloseCycle(Command):
    plan_id: PlanId
    closed_on: PastDate


class AddAsset(Command):
    """A story, photo or video of the communications package, with its consent."""

    asset_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    plan_id: PlanId
    kind: Literal["story", "photo", "video"]
    title: str = Field(min_length=1, max_length=300, description="no names here: they go in the caption")
    uri: str = Field(min_length=1, max_length=1000)
    person_id: str = Field(min_length=1, max_length=100, pattern=IDENT,
                           description="pseudonymous id of the person the asset is about")
    caption: str = Field("", max_length=2000, description="may name people: stored sealed with the person's key")
    consented_by: str = Field(min_length=1, max_length=300, description="stored sealed, never published")
    minor: bool = False
    guardian: str | None = Field(None, max_length=300, description="required when the person is a minor")
    scope: list[Literal["internal", "buyer_reports", "public"]] = Field(min_length=1, max_length=3)
    expires_on: date


class WithdrawConsent(Command):
    """Consent withdrawn: the asset leaves every report and feed, for good."""

    asset_id: str = Field(min_length=1, max_length=100)
    withdrawn_on: PastDate


class ForgetPerson(Command):
    """Forget a person: their key is deleted (only by the country that owns
    them), and the forget is recorded in that country's audit trail."""

    person_id: str = Field(min_length=1, max_length=100)
