"""The Assessment aggregate: one on-site needs assessment of a factory.

scheduled -> in_progress (a section recorded) -> completed; after completion
a section can be recorded again only with a reason (an amendment: the
history stays and the outputs are recomputed). Survey responses live in a
stream of their own (see SurveyLog) and are read at completion."""

from __future__ import annotations

from datetime import date

from services.assessment.domain.checklist import checklist, validate_policies
from services.assessment.domain.events import SurveyResponseRecorded
from services.assessment.domain.needs import needs_profile, summarise
from services.assessment.domain.survey import MIN_RESPONDENTS, indicators, instrument, validate_answers
from shared.aggregate import Aggregate, DomainError
from shared.contracts.assessment import (
    AssessmentAmended,
    AssessmentCompleted,
    AssessmentScheduled,
    Demographics,
    DemographicsRecorded,
    Finding,
    ManagementFindingsRecorded,
    PoliciesRecorded,
    PolicyAnswer,
)
from shared.i18n import N_
from shared.menu import menu

SECTIONS = ("policies", "demographics", "management", "survey")


def already_exists(assessment_id: str) -> DomainError:
    """The one answer for a taken assessment id, whichever country holds it (ids are global)."""
    return DomainError(N_("assessment %(assessment_id)s already exists"), params={"assessment_id": assessment_id},
                       field="assessment_id", rule="unique")


class Assessment(Aggregate):
    stream_prefix = "assessment"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.status = "new"
        self.factory_id = ""
        self.scheduled_date: date | None = None
        self.survey_version = 1
        self.policies: dict[str, PolicyAnswer] | None = None
        self.flags: list[str] = []
        self.demographics: Demographics | None = None
        self.findings: list[Finding] | None = None

    # -- decisions -----------------------------------------------------------

    def schedule(self, *, factory_id: str, scheduled_date: date, assessors: list[str], survey_version: int) -> None:
        if self.exists:
            raise already_exists(self.id)
        instrument(survey_version)  # refuses an unknown version
        self.record(AssessmentScheduled(assessment_id=self.id, factory_id=factory_id, scheduled_date=scheduled_date,
                                        assessors=assessors, survey_version=survey_version,
                                        checklist_version=checklist().version))

    def _editable(self, reason: str | None) -> str | None:
        if self.status == "completed":
            if not reason or not reason.strip():
                raise DomainError(N_("the assessment is completed: an amendment needs a reason"), field="reason",
                                  rule="amend_with_reason")
            return reason.strip()
        return None

    def record_policies(self, items: dict[str, PolicyAnswer], country: str, reason: str | None = None) -> None:
        reason = self._editable(reason)
        flags = validate_policies(items, country)
        self.record(PoliciesRecorded(assessment_id=self.id, items=items, flags=flags, reason=reason))
        self._amended("policies", reason)

    def record_demographics(self, d: Demographics, reason: str | None = None) -> None:
        reason = self._editable(reason)
        self.record(DemographicsRecorded(assessment_id=self.id, demographics=d, reason=reason))
        self._amended("demographics", reason)

    def record_findings(self, findings: list[Finding], reason: str | None = None) -> None:
        reason = self._editable(reason)
        for i, f in enumerate(findings):
            if f.area not in menu().areas:
                raise DomainError(N_("unknown need area %(area)s"), params={"area": repr(f.area)},
                                  field=f"findings.{i}.area", rule="need_area", items=sorted(menu().areas))
        self.record(ManagementFindingsRecorded(assessment_id=self.id, findings=findings, reason=reason))
        self._amended("management", reason)

    def check_survey_open(self) -> None:
        if self.status == "completed":
            raise DomainError(N_("the assessment is completed: the survey is closed"), field="assessment_id",
                              rule="survey_open")

    def complete(self, responses: list[dict], completed_on: date) -> None:
        if self.status == "completed":
            raise DomainError(N_("assessment %(id)s is already completed"), params={"id": self.id},
                              field="assessment_id", rule="complete_once")
        missing = self.missing_sections(len(responses))
        if missing:
            raise DomainError(N_("required sections missing: %(missing)s"), params={"missing": ', '.join(missing)},
                              field="sections", rule="required_sections", items=missing)
        if self.scheduled_date and completed_on < self.scheduled_date:
            raise DomainError(N_("completed_on %(completed_on)s is before the scheduled date %(scheduled_date)s"),
                              params={"completed_on": completed_on, "scheduled_date": self.scheduled_date},
                              field="completed_on", rule="dates_in_order")
        out = self._outputs(responses)
        self.record(AssessmentCompleted(assessment_id=self.id, factory_id=self.factory_id, completed_on=completed_on,
                                        **out))

    def missing_sections(self, responses: int) -> list[str]:
        have = {"policies": self.policies is not None, "demographics": self.demographics is not None,
                "management": self.findings is not None, "survey": responses > 0}
        return [s for s in SECTIONS if not have[s]]

    def _amended(self, section: str, reason: str | None) -> None:
        if reason is not None:
            self._pending_amendment = (section, reason)

    def amend_outputs(self, responses: list[dict]) -> None:
        """After a section was recorded again on a completed assessment."""
        pending = getattr(self, "_pending_amendment", None)
        if pending is None:
            return
        section, reason = pending
        self._pending_amendment = None
        self.record(AssessmentAmended(assessment_id=self.id, factory_id=self.factory_id, section=section,
                                      reason=reason, **self._outputs(responses)))

    def _outputs(self, responses: list[dict]) -> dict:
        assert self.policies is not None and self.demographics is not None and self.findings is not None
        ind = indicators(responses)
        return {
            "respondents": len(responses) if len(responses) >= MIN_RESPONDENTS else None,
            "needs_profile": needs_profile(self.policies, self.flags, self.demographics, self.findings, ind),
            "demographics": summarise(self.demographics),
            "indicators": ind,
            "policy_flags": self.flags,
        }

    # -- state -----------------------------------------------------------------

    def on_assessment_scheduled(self, e: AssessmentScheduled) -> None:
        self.status = "scheduled"
        self.factory_id = e.factory_id
        self.scheduled_date = e.scheduled_date
        self.survey_version = e.survey_version

    def _started(self) -> None:
        if self.status == "scheduled":
            self.status = "in_progress"

    def on_policies_recorded(self, e: PoliciesRecorded) -> None:
        self.policies, self.flags = dict(e.items), list(e.flags)
        self._started()

    def on_demographics_recorded(self, e: DemographicsRecorded) -> None:
        self.demographics = e.demographics
        self._started()

    def on_management_findings_recorded(self, e: ManagementFindingsRecorded) -> None:
        self.findings = list(e.findings)
        self._started()

    def on_assessment_completed(self, e: AssessmentCompleted) -> None:
        self.status = "completed"

    def on_assessment_amended(self, e: AssessmentAmended) -> None:
        pass


class SurveyLog(Aggregate):
    """The anonymous responses of one assessment's survey: a stream that only
    accumulates (appended at its end whatever its version; loaded only for
    its answers, when the assessment is completed or amended)."""

    stream_prefix = "survey"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.answers: list[dict] = []  # each response's answers, in the order recorded

    @staticmethod
    def response(assessment: Assessment, response_id: str, language: str, answers: dict) -> SurveyResponseRecorded:
        assessment.check_survey_open()
        inst = instrument(assessment.survey_version)
        valid = validate_answers(inst, answers, language)
        return SurveyResponseRecorded(assessment_id=assessment.id, response_id=response_id,
                                      survey_version=inst.version, language=language, answers=valid)

    def on_survey_response_recorded(self, e: SurveyResponseRecorded) -> None:
        self.answers.append(e.answers)
