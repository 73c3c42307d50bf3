"""A factory's baseline: which completed assessment it is, and its figures.
One rule for every service that keeps one (planning suggests plans from it,
evaluation measures impact against it).

- The baseline is the factory's completed assessment with the latest
  completion date (ties: the larger assessment id), whichever order the
  events arrive in.
- An amendment changes the baseline only if it amends that assessment.
- Figures are ratios (0 to 1) for shares and rates, as the contracts carry
  them; people read percentages, made where a figure is shown."""

from __future__ import annotations

from datetime import date

from shared.contracts.assessment import AssessmentAmended, AssessmentCompleted


def baseline_date(e: AssessmentCompleted | AssessmentAmended,
                  current: tuple[str, date] | None) -> date | None:
    """The completion date under which `e` becomes the factory's baseline,
    given the current baseline (assessment id, completed on); None: `e` does
    not change the baseline."""
    if isinstance(e, AssessmentCompleted):
        completed_on = e.completed_on
    elif current is not None and current[0] == e.assessment_id:
        completed_on = current[1]
    else:
        return None  # an amendment of an assessment that is not the baseline
    if current is not None and (current[1], current[0]) > (completed_on, e.assessment_id):
        return None  # a later assessment is the baseline, whichever arrived first
    return completed_on


def baseline_figures(e: AssessmentCompleted | AssessmentAmended) -> dict[str, float]:
    """The assessment's published figures (suppressed ones left out), ratios as ratios."""
    out = {k: i.value for k, i in e.indicators.items() if not i.suppressed and i.value is not None}
    if e.demographics.maternity_return_rate is not None:
        out["maternity_return_rate"] = e.demographics.maternity_return_rate
    if e.demographics.share_female is not None:
        out["share_female_workers"] = e.demographics.share_female
    return out
