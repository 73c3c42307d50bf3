"""The Plan aggregate: one factory's action plan in a programme.

draft -> approved (by factory management) -> kick-off held. A change before
approval edits the draft; a change after approval is a new revision
(in_revision) that needs approval again. Every revision stays in the stream."""

from __future__ import annotations

from datetime import date

from services.planning.domain.rules import Terms, check_complete
from shared.aggregate import Aggregate, DomainError
from shared.contracts.planning import (
    KickOffHeld,
    PlanApproved,
    PlanContent,
    PlanDrafted,
    PlanEdited,
    PlanRevised,
)
from shared.i18n import N_


class Plan(Aggregate):
    stream_prefix = "plan"

    @staticmethod
    def plan_id(programme_id: str, factory_id: str) -> str:
        return f"{programme_id}.{factory_id}"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.status = "new"
        self.programme_id = ""
        self.factory_id = ""
        self.revision = 0
        self.approved_revision = 0
        self.approved_on: date | None = None
        self.content: PlanContent | None = None
        self.kicked_off_on: date | None = None

    # -- decisions -----------------------------------------------------------

    def draft(self, *, terms: Terms, factory_id: str, content: PlanContent, suggested: bool,
              assessment_id: str | None = None, explanation: list[str] | None = None) -> None:
        if self.exists:
            raise DomainError(N_("factory %(factory_id)s has a plan in programme %(programme_id)s already: change "
                                 "it instead"), params={"factory_id": factory_id, "programme_id": terms.programme_id},
                              field="factory_id", rule="one_plan_per_factory")
        self.record(PlanDrafted(plan_id=self.id, programme_id=terms.programme_id, factory_id=factory_id, revision=1,
                                content=content, credits_budget=terms.budget, suggested=suggested,
                                assessment_id=assessment_id, explanation=explanation or []),
                    key="drafted")  # one draft per plan, whichever way it comes

    def change(self, content: PlanContent, *, note: str | None = None, reason: str | None = None) -> None:
        if self.status == "approved":
            if not reason or not reason.strip():
                raise DomainError(N_("the plan is approved: a change is a new revision and needs a reason"),
                                  field="reason", rule="revise_with_reason")
            self.record(PlanRevised(plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id,
                                    revision=self.revision + 1, content=content, reason=reason.strip()))
        else:
            self.record(PlanEdited(plan_id=self.id, revision=self.revision, content=content, note=note))

    def approve(self, *, approved_by: str, approved_on: date, terms: Terms) -> None:
        if self.status == "approved":
            raise DomainError(N_("revision %(revision)s is approved already"), params={"revision": self.revision},
                              field="plan_id", rule="approve_once")
        assert self.content is not None
        check_complete(self.content)
        if not terms.starts_on <= approved_on <= terms.ends_on:
            raise DomainError(N_("approved_on %(approved_on)s is outside the programme period %(starts_on)s to "
                                 "%(ends_on)s"),
                              params={"approved_on": approved_on, "starts_on": terms.starts_on,
                                      "ends_on": terms.ends_on}, field="approved_on", rule="date_in_period")
        self.record(PlanApproved(plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id,
                                 revision=self.revision, content=self.content, approved_by=approved_by,
                                 approved_on=approved_on))

    def kick_off(self, *, held_on: date, participants: int, facilitators: list[str], note: str | None,
                 terms: Terms) -> None:
        if self.approved_revision == 0:
            raise DomainError(N_("the plan needs factory management's approval before its kick-off"), field="plan_id",
                              rule="approved_before_kick_off")
        if self.kicked_off_on is not None:
            raise DomainError(N_("the kick-off was held on %(kicked_off_on)s"),
                              params={"kicked_off_on": self.kicked_off_on}, field="plan_id", rule="kick_off_once")
        if self.approved_on and held_on < self.approved_on:
            raise DomainError(N_("held_on %(held_on)s is before the approval on %(approved_on)s"),
                              params={"held_on": held_on, "approved_on": self.approved_on}, field="held_on",
                              rule="dates_in_order")
        if held_on > terms.ends_on:
            raise DomainError(N_("held_on %(held_on)s is after the programme's end %(ends_on)s"),
                              params={"held_on": held_on, "ends_on": terms.ends_on}, field="held_on",
                              rule="date_in_period")
        self.record(KickOffHeld(plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id,
                                held_on=held_on, participants=participants, facilitators=facilitators, note=note))

    # -- state -----------------------------------------------------------------

    def on_plan_drafted(self, e: PlanDrafted) -> None:
        self.status = "draft"
        self.programme_id, self.factory_id = e.programme_id, e.factory_id
        self.revision, self.content = e.revision, e.content

    def on_plan_edited(self, e: PlanEdited) -> None:
        self.content = e.content

    def on_plan_revised(self, e: PlanRevised) -> None:
        self.status = "in_revision"
        self.revision, self.content = e.revision, e.content

    def on_plan_approved(self, e: PlanApproved) -> None:
        self.status = "approved"
        self.approved_revision, self.approved_on = e.revision, e.approved_on

    def on_kick_off_held(self, e: KickOffHeld) -> None:
        self.kicked_off_on = e.held_on
