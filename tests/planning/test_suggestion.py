"""The suggested plan against brute force: on random needs profiles, budgets,
countries and catalogues it is never invalid and never scores below any
valid plan."""

from __future__ import annotations

from datetime import date
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.planning.domain.rules import Terms, check_activities
from services.planning.domain.suggest import score, severities, suggest
from shared.aggregate import DomainError
from shared.contracts.planning import PlannedActivity
from shared.menu import Activity, Cohort, Menu, menu

SEED = menu(1)
COUNTRIES = ("cn", "bd", "vn", "tr")


def brute_force_best(m: Menu, country: str, budget: int, sev: dict[str, int]) -> tuple | None:
    """Every subset of the menu, kept if the plan rules accept it."""
    best = None
    codes = list(m.activities)
    for k in range(len(codes) + 1):
        for subset in combinations(codes, k):
            try:
                check_activities(m, country, budget, [PlannedActivity(activity=c) for c in subset])
            except DomainError:
                continue
            s = score(m, sev, subset)
            best = s if best is None or s > best else best
    return best


@st.composite
def catalogues(draw) -> Menu:  # noqa: ANN001
    """The seed menu, or a variant: other credits, activities offered in fewer countries."""
    if draw(st.booleans()):
        return SEED
    acts = {}
    for code, a in SEED.activities.items():
        credits = a.credits if a.mandatory else draw(st.integers(1, 8))
        countries = None if a.mandatory or draw(st.booleans()) else tuple(
            draw(st.sets(st.sampled_from(COUNTRIES), min_size=1)))
        acts[code] = Activity(code=code, name=a.name, credits=credits, areas=a.areas, mandatory=a.mandatory,
                              requires=a.requires, cohort=a.cohort, countries=countries)
    return Menu(version=99, credits_per_factory=10, areas=SEED.areas, activities=acts)


profiles = st.dictionaries(st.sampled_from(sorted(SEED.areas)), st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(m=catalogues(), sev=profiles, budget=st.integers(0, 16), country=st.sampled_from(COUNTRIES))
def test_the_suggestion_is_valid_and_never_worse_than_any_valid_plan(m, sev, budget, country):
    profile = [{"area": a, "score": s, "severity": ("none", "low", "medium", "high")[s], "evidence": []}
               for a, s in sev.items()]
    terms = Terms("p", country, date(2026, 3, 1), date(2027, 2, 28), budget)
    s = suggest(m, terms, profile, {})
    chosen = [a.activity for a in s.content.activities]
    # valid: the rules accept it as stored
    check_activities(m, country, budget, s.content.activities)
    assert s.content.credits_used <= budget
    assert s.score == score(m, severities(profile), chosen)
    assert s.score >= brute_force_best(m, country, budget, severities(profile))
    assert all(terms.starts_on <= ms.due <= terms.ends_on for ms in s.content.milestones)


def test_not_greedy_two_cheap_activities_beat_the_single_best_ratio():
    """A greedy pick by severity per credit takes Training the Trainer, then
    Migrant Parents Training and Parent-child Activities, and can no longer
    afford Child Friendly Space; the optimum answers the high childcare need
    with it and spends the last 2 credits on Training the Trainer."""
    sev = {"childcare": 3, "parenting_family_support": 1, "maternal_health": 1}
    profile = [{"area": a, "score": s, "evidence": []} for a, s in sev.items()]
    terms = Terms("p", "bd", date(2026, 3, 1), date(2027, 2, 28), 10)
    s = suggest(SEED, terms, profile, {})
    chosen = {a.activity for a in s.content.activities}
    assert chosen == {"family_day", "child_friendly_space", "training_of_trainers"}
    assert s.score == brute_force_best(SEED, "bd", 10, sev)


def test_cohort_is_the_size_the_credits_buy():
    sev = {"parenting_family_support": 3, "financial_psychological_support": 3}
    profile = [{"area": a, "score": s, "evidence": []} for a, s in sev.items()]
    s = suggest(SEED, Terms("p", "cn", date(2026, 3, 1), date(2027, 2, 28), 10), profile, {})
    sizes = {a.activity: a.cohort_size for a in s.content.activities}
    assert sizes.get("photo_voice") == 25
    assert isinstance(SEED.activities["photo_voice"].cohort, Cohort)
