"""The attacker's test of shared.disclosure (issue 18).

Hypothesis makes programmes, sessions and attendance. The attacker is every
buyer together: it reads, after each delivered session (so it has every
successive reading), everything a buyer can read, through the same code the
endpoints use: each session's feed record (the webhook body is the same
bytes) and its line in the report's journey; each portfolio row as the
exports show it and the /portfolio figures pooled over them; and the
evaluation service's buyer impact (every factory's figures, the pooled
figures and the reported figures).

A hidden value is pinned down when no other world gives the attacker the
same readings. So for every hidden count of every session the test builds
a second world that differs in that count (one person moved to another
hidden cell of the same split, or one person more or fewer in a hidden
session) and is still possible (every count >= 0, reach within attendance),
and requires that every reading of the two worlds be the same. Whatever
arithmetic the attacker does (margins, pooled minus rows, overlapping
selections, differences of successive readings) gives the same answer in
both worlds, so it cannot tell the true value. A hidden cell for which no
such world exists fails the test. The same attacker, given primary
suppression alone, pins cells (the last test), so it is not toothless."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shared.contracts.figures as figures_module
import shared.disclosure as disclosure
from services.buyers.exports import values
from services.buyers.projections import portfolio, portfolio_figures
from services.evaluation import impact
from services.evaluation.projections import STEPS
from shared.contracts.assessment import IDENTIFIERS
from shared.contracts.delivery import AGE_BANDS, AttendanceSummary
from shared.contracts.delivery import ROLES as ROLE_NAMES
from shared.contracts.figures import Pool, counts_of, figures_of

ROLES = ROLE_NAMES  # the attendance vocabulary: a session names only those someone is in
BANDS = AGE_BANDS
SESSION = "org.wecare.session.delivered.v1"
_COLUMNS = list(portfolio.c.keys())


@dataclass(frozen=True)
class Session:
    plan: int  # index into World.plans
    total: int
    female: int
    roles: tuple[int, ...]
    bands: tuple[int, ...]
    reached: int
    reached_female: int

    def valid(self) -> bool:
        male = self.total - self.female
        return (min(self.female, male, self.reached_female, *self.roles, *self.bands) >= 0
                and sum(self.roles) == self.total and sum(self.bands) == self.total
                and 0 <= self.reached <= self.total and self.reached_female <= self.female
                and self.reached - self.reached_female <= male and self.reached - self.reached_female >= 0)

    def cells(self) -> dict[str, int]:
        """Every count of the session, under shared.disclosure's keys."""
        return {"attendances": self.total, "attendances.female": self.female,
                "attendances.male": self.total - self.female,
                **{f"by_role.{r}": n for r, n in zip(ROLES, self.roles, strict=True)},
                **{f"by_age_band.{b}": n for b, n in zip(BANDS, self.bands, strict=True)},
                "reached": self.reached, "reached.female": self.reached_female,
                "reached.male": self.reached - self.reached_female}

    def named(self) -> tuple[dict[str, int], dict[str, int]]:
        """The roles and age bands as the delivery service records them: only those someone is in."""
        return ({r: n for r, n in zip(ROLES, self.roles, strict=True) if n},
                {b: n for b, n in zip(BANDS, self.bands, strict=True) if n})

    def attendance(self) -> AttendanceSummary:
        by_role, by_age_band = self.named()
        return AttendanceSummary(
            total=self.total, female=self.female, by_role=by_role,
            by_age_band=by_age_band, identified=self.total, new_people=self.reached,
            new_by_role={}, activity_reach_by_role={},
            reached_by_sex={"female": self.reached_female, "male": self.reached - self.reached_female})


@dataclass(frozen=True)
class World:
    plans: tuple[tuple[str, str], ...]  # (programme, factory)
    buyers: dict[str, tuple[str, ...]]  # buyer -> its programmes
    sessions: tuple[Session, ...]  # in the order they were delivered


def _event(i: int, s: Session, world: World) -> SimpleNamespace:
    return SimpleNamespace(activity="migrant_parents_training", attendance=s.attendance(),
                           plan=world.plans[s.plan], event_id=f"sd{i}")


def _eval_row(i: int, s: Session, world: World) -> dict[str, Any]:
    """The session as the evaluation service's read model holds it (eval_sessions)."""
    programme, factory = world.plans[s.plan]
    return {"plan_id": f"{programme}.{factory}", "session_id": f"s{i}", "event_id": f"sd{i}", "country": "bd",
            "factory_id": factory, "activity": "migrant_parents_training",
            "delivered_at": datetime(2026, 4, 1, tzinfo=UTC) + timedelta(days=i), "total": s.total,
            "female": s.female, "reached": s.reached, "reached_female": s.reached_female,
            "by_role": orjson.dumps(s.named()[0]).decode(), "by_age_band": orjson.dumps(s.named()[1]).decode()}


def readings(world: World) -> bytes:
    """Everything the buyers can read, after each session."""
    out: list[Any] = []
    for upto in range(1, len(world.sessions) + 1):
        delivered = list(enumerate(world.sessions[:upto]))
        for buyer, programmes in sorted(world.buyers.items()):
            mine = [(i, s) for i, s in delivered if world.plans[s.plan][0] in programmes]
            # the feed (and the webhooks: the same bytes) and the journey's lines
            records = [figures_of(s.attendance()) for _, s in mine]
            journey = [STEPS["SessionDelivered"][1](_event(i, s, world)) for i, s in mine]
            # the portfolio rows as the exports show them, and /portfolio pooled over them
            rows = []
            for p, (programme, factory) in enumerate(world.plans):
                if programme not in programmes:
                    continue
                facts = [(SESSION, {"training": True, **figures_of(s.attendance())}) for _, s in mine if s.plan == p]
                row = {"buyer": buyer, "country": "bd", "factory_id": factory, "programme_id": programme,
                       "factory_name": factory, **dict.fromkeys(IDENTIFIERS), **portfolio_figures(facts)}
                rows.append(values(tuple(row[c] for c in _COLUMNS)))
            pool = Pool()
            for r in sorted(rows, key=lambda r: (r[2], r[3])):
                pool.add(dict(zip(figures_module.FactoryFigures.columns(), r, strict=True)))
            # the evaluation service's buyer impact
            plans = [{"plan_id": f"{pr}.{f}", "factory_id": f, "programme_id": pr, "country": "bd",
                      "event_id": f"pa{p}"} for p, (pr, f) in enumerate(world.plans) if pr in programmes]
            data = {"plans": plans, "results": [], "baselines": [], "factories": [],
                    "sessions": [_eval_row(i, s, world) for i, s in mine],
                    "members": sorted(("bd", f, pr) for pr, f in world.plans if pr in programmes)}
            report = impact.portfolio(data)
            out.append([buyer, records, journey, rows, pool.result(),
                        [[f["key"], f["value"]] for f in report["figures"]],
                        [[[f["key"], f["value"]] for f in fac["figures"]] for fac in report["factories"]]])
    return orjson.dumps(out, default=str)


def _release(s: Session) -> dict[str, int | None]:
    by_role, by_age_band = s.named()
    return counts_of(total=s.total, female=s.female, by_role=by_role, by_age_band=by_age_band, reached=s.reached,
                     reached_female=s.reached_female)


def _others(s: Session, hidden: set[str]) -> Iterator[Session]:
    """Other sessions that differ from `s` in hidden counts only: people of
    one hidden cell of a split counted in another hidden cell; the split by
    sex and the people reached (and their sex) in any other way the hidden
    counts allow; and, when the attendance itself is hidden, a session under
    5 people, or one person more or fewer (in a cell of each split, reached
    or not)."""
    for split, cells in (("by_role", ROLES), ("by_age_band", BANDS)):
        counts = s.roles if split == "by_role" else s.bands
        at = [i for i, c in enumerate(cells) if f"{split}.{c}" in hidden]
        for a, b in itertools.permutations(at, 2):  # k people of one hidden cell counted in another
            for k in range(1, counts[a] + 1):
                new = list(counts)
                new[a] -= k
                new[b] += k
                yield replace(s, **{"roles" if split == "by_role" else "bands": tuple(new)})
    females = range(s.total + 1) if "attendances.female" in hidden else (s.female,)
    reach = range(s.total + 1) if "reached" in hidden else (s.reached,)
    for female, reached in itertools.product(females, reach):
        split = range(reached + 1) if "reached.female" in hidden else (s.reached_female,)
        for rf in split:
            yield replace(s, female=female, reached=reached, reached_female=rf)
    if "attendances" in hidden:
        for total, r, b in itertools.product(range(disclosure.MIN_PEOPLE), range(len(ROLES)), range(len(BANDS))):
            for female, reached in itertools.product((0, total), (0, total)):  # a session too small to show
                roles, bands = [0] * len(ROLES), [0] * len(BANDS)
                roles[r], bands[b] = total, total
                yield Session(s.plan, total, female, tuple(roles), tuple(bands), reached, min(female, reached))
        unit = (-1, 0, 1)
        for dt, df, dr, drf in itertools.product((-1, 1), unit, unit, unit):
            for r, b in itertools.product(range(len(ROLES)), range(len(BANDS))):
                roles, bands = list(s.roles), list(s.bands)
                roles[r] += dt
                bands[b] += dt
                yield Session(s.plan, s.total + dt, s.female + df, tuple(roles), tuple(bands), s.reached + dr,
                              s.reached_female + drf)


def pinned(world: World) -> list[tuple[int, str, int]]:
    """The hidden counts no other world explains: (session, key, true value)."""
    seen = readings(world)
    found = []
    for i, s in enumerate(world.sessions):
        true, shown = s.cells(), _release(s)
        hidden = {k for k, v in shown.items() if v is None}
        explained: set[str] = set()
        for other in _others(s, hidden):
            if hidden <= explained:
                break
            if not other.valid():
                continue
            changed = {k for k, v in other.cells().items() if v != true[k]}
            # a world in which a shown count changes, or another count is shown or hidden, reads differently
            # at the session's own record: only the others can read the same
            if not changed - explained or not changed <= hidden or _release(other) != shown:
                continue
            sessions = list(world.sessions)
            sessions[i] = other
            if readings(replace(world, sessions=tuple(sessions))) == seen:
                explained |= changed
        found += [(i, k, true[k]) for k in sorted(hidden - explained)]
    return found


@st.composite
def worlds(draw: Callable) -> World:
    factories = [f"F{i}" for i in range(draw(st.integers(1, 3)))]
    programmes = ["p1", "p2"]
    plans = tuple(sorted({(draw(st.sampled_from(programmes)), f) for f in factories}
                         | {(pr, draw(st.sampled_from(factories))) for pr in programmes}))
    buyers = {"Otto": ("p1",), "Hasbro": ("p2",)} if draw(st.booleans()) else {"Otto": ("p1", "p2")}
    small = st.integers(0, 6) | st.integers(0, 14)
    sessions = []
    for _ in range(draw(st.integers(1, 5))):
        used = draw(st.lists(st.integers(0, len(ROLES) - 1), min_size=1, max_size=3, unique=True))
        roles = tuple(draw(small) if i in used else 0 for i in range(len(ROLES)))
        total = sum(roles)
        bands = [0] * len(BANDS)  # the same people in age bands, in another split
        for i, n in enumerate(roles):
            bands[draw(st.integers(0, len(BANDS) - 1)) if draw(st.booleans()) else i] += n
        female = draw(st.integers(0, total))
        reached = draw(st.integers(0, total))
        rf_low, rf_high = max(0, reached - (total - female)), min(reached, female)
        sessions.append(Session(plan=draw(st.integers(0, len(plans) - 1)), total=total, female=female,
                                roles=roles, bands=tuple(bands), reached=reached,
                                reached_female=draw(st.integers(rf_low, rf_high))))
    return World(plans=plans, buyers=buyers, sessions=tuple(sessions))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_hidden_count_can_be_pinned_down(world: World) -> None:
    assert all(s.valid() for s in world.sessions)
    assert pinned(world) == []


def _session(plan: int, female: int, roles: dict[str, int], bands: dict[str, int], *, reached: int | None = None,
             reached_female: int | None = None) -> Session:
    total = sum(roles.values())
    return Session(plan, total, female, tuple(roles.get(r, 0) for r in ROLES), tuple(bands.get(b, 0) for b in BANDS),
                   total if reached is None else reached, female if reached_female is None else reached_female)


def test_the_issue_recipes_are_worlds_the_attacker_cannot_solve() -> None:
    """reached 12 (female 9, male 3); attendances 20 (female 17, male 3; worker 18, manager 2); and a
    factory A with 2 men beside a factory B with 10, pooled for one buyer."""
    a = _session(0, 9, {"worker": 12}, {"25_34": 12})
    b = _session(0, 17, {"worker": 18, "manager": 2}, {"18_24": 10, "25_34": 10})
    c = _session(1, 10, {"worker": 20}, {"25_34": 20})
    d = _session(0, 5, {"worker": 7}, {"25_34": 7})
    world = World(plans=(("p1", "A"), ("p1", "B")), buyers={"Otto": ("p1",)}, sessions=(a, b, c, d))
    assert pinned(world) == []


def test_a_role_named_only_when_someone_has_it_gives_nothing_away() -> None:
    """Review finding: the delivery service names a role only when someone is in it, so a listed hidden
    role held at least 1. Attendances 7 with 5 workers shown, and manager and supervisor listed and hidden,
    gave one of each. Every role and age band is listed now, zeros included."""
    s = _session(0, 7, {"manager": 1, "supervisor": 1, "worker": 5}, {"25_34": 7})
    assert set(_release(s)) >= {f"by_role.{r}" for r in ROLES} | {f"by_age_band.{b}" for b in BANDS}
    assert pinned(World(plans=(("p1", "A"),), buyers={"Otto": ("p1",)}, sessions=(s,))) == []


def test_primary_suppression_alone_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attacker has teeth: with each small cell hidden on its own (the code before issue 18), it
    pins the men of `reached 12, female 9, male 3` and the managers of `worker 10, parent 8, manager 2`."""
    def primary_only(total: int, cells: dict, caps: dict | None = None) -> set[str]:
        return {k for k, v in cells.items() if disclosure.small(v)}

    monkeypatch.setattr(disclosure, "hidden_cells", primary_only)
    a = _session(0, 9, {"worker": 12}, {"18_24": 6, "25_34": 6})
    b = _session(0, 10, {"worker": 10, "parent_worker": 8, "manager": 2}, {"18_24": 10, "25_34": 10})
    found = pinned(World(plans=(("p1", "A"),), buyers={"Otto": ("p1",)}, sessions=(a, b)))
    assert (0, "reached.male", 3) in found and (1, "by_role.manager", 2) in found
