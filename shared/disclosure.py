"""Disclosure control: the one way a count of people leaves a country team.

The promise to workers is that no one outside the country team can learn a
figure about fewer than five of them, by reading it or by arithmetic. Every
output for buyers (the feed and its webhooks, the portfolio and its exports,
impact figures, reports and their journey) takes its people figures from
here.

The method is cell suppression on the finest table anyone outside sees, the
delivered session, with pooling over released cells only:

1. **The session is the unit of release.** A session's cells are its
   attendances, their splits (by sex, by role, by age band: every role and
   band listed, empty ones as 0), the people it reached for the first time
   and their split by sex. A session under MIN_PEOPLE shows no count; a
   cell of 1 to 4 people is hidden (primary suppression).
2. **Complementary suppression inside each split.** A split's released cells
   and its released total must not give a hidden cell by subtraction, so
   more cells are hidden (the smallest first) until every hidden cell keeps
   at least two possible values, even for an attacker who knows which
   hidden cells are the small ones (1 to 4) and which were hidden to
   protect them (at least 5, and no more than the smallest cell shown), and
   that the people reached are among those who attended. When no choice of
   cells can do that, the split's total is hidden too, and with it the
   whole split.
3. **Pooled figures add released cells only.** A factory's row, a programme,
   a portfolio, a country: each figure is the sum of the released cells of
   its sessions, so a hidden cell enters no published number. Margins,
   pooled-minus-rows, two overlapping selections or two successive readings
   of a growing total all give sums of released cells, which are published
   anyway. The price: a pooled figure leaves out the people of hidden
   cells, and one that no session released has no value (never 0).

Why not rounding or noise: conventional rounding to base 5 of every figure,
cumulative ones included, still lets an attacker pin small cells from a
series of successive totals (four sessions of 4 people, read after each,
give intervals that close on the exact values); noise (the cell-key method)
needs a noise budget and an audit of its own (diffprivlib and OpenDP add
noise to answers, not to a live feed that must add up). The maintained
suppression tools are R and Java for a finished table (sdcTable, Statistics
Norway's GaussSuppression, tau-Argus); no Python library does it, and anjana
does k-anonymity of microdata. The rule above is short, runs per session,
and is checked by a test that searches for a pinned value
(tests/privacy/test_disclosure_attacker.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MIN_PEOPLE = 5
SMALL = MIN_PEOPLE - 1  # the largest value a primary-suppressed cell can hold


def too_few(people: int | None) -> bool:
    """Whether a count of people is too small to leave a country team."""
    return people is not None and people < MIN_PEOPLE


def small(people: int) -> bool:
    """A cell of a split to hide: 1 to 4 people. An empty cell is shown as
    0: it describes no one, and hiding it would tell nothing an attacker
    could not guess (the delivery service names only the roles and age
    bands someone is in, so a hidden cell would be known to hold 1 or more)."""
    return 0 < people < MIN_PEOPLE


Limits = Mapping[str, tuple[int, int]]  # cell -> (least, most) that other released figures bound it by


def _safe(cells: Mapping[str, int], hidden: set[str], limits: Limits) -> bool:
    """Whether every hidden cell keeps two possible values, given the sum of
    the hidden cells (what the released total minus the released cells
    gives), for an attacker who knows that a small cell holds 1-4, and that
    a complementary one holds at least 5 and at most the smallest cell
    shown (complements are chosen smallest first, and the attacker may know
    the rule), and within the limits other figures set (the women reached
    are among the women who attended: each bounds the other)."""
    if len(hidden) < 2:
        return False
    total = sum(cells[k] for k in hidden)
    ceiling = min([total, *(v for k, v in cells.items() if k not in hidden and v)])
    bounds = {}
    for k in hidden:
        lo, hi = (1, SMALL) if small(cells[k]) else (MIN_PEOPLE, ceiling)
        least, most = limits.get(k, (lo, hi))
        bounds[k] = (max(lo, least), min(hi, most))
    lo_all = sum(lo for lo, _ in bounds.values())
    hi_all = sum(hi for _, hi in bounds.values())
    for lo, hi in bounds.values():
        least = max(lo, total - (hi_all - hi))
        most = min(hi, total - (lo_all - lo))
        if most <= least:
            return False
    return True


def hidden_cells(total: int, cells: Mapping[str, int], limits: Limits | None = None) -> set[str] | None:
    """The cells of a split of a released `total` to hide: the small ones and
    their complements. None: the total itself must be hidden. Cells that do
    not add up to the total are completed by an unnamed remainder (people
    the split does not place): never printed, but the total minus the cells
    shown gives it, so it is protected like any other cell."""
    full = dict(cells)
    rest = total - sum(cells.values())
    if rest > 0:
        full[""] = rest
    hidden = {k for k, v in full.items() if small(v)}
    if not hidden:
        return set()
    while not _safe(full, hidden, limits or {}):
        shown = sorted((v, k) for k, v in full.items() if k not in hidden and v)  # an empty cell is shown
        if not shown:
            return None
        hidden.add(shown[0][1])
    hidden.discard("")
    return hidden


Released = dict[str, dict[str, int | None]]  # split -> cell -> value (None: hidden)


def release_split(total: int, splits: Mapping[str, Mapping[str, int]],
                  limits: Mapping[str, Limits] | None = None) -> tuple[int | None, Released]:
    """A total and its splits as they may leave: (total or None, split -> cell -> value or None)."""
    hide = {} if total < MIN_PEOPLE else {s: hidden_cells(total, cells, (limits or {}).get(s))
                                         for s, cells in splits.items()}
    if total < MIN_PEOPLE or any(h is None for h in hide.values()):
        return None, {s: dict.fromkeys(cells) for s, cells in splits.items()}
    return total, {s: {k: (None if k in (hide[s] or ()) else v) for k, v in cells.items()}
                   for s, cells in splits.items()}


def session_cells(*, total: int, female: int, by_role: Mapping[str, int], by_age_band: Mapping[str, int],
                  reached: int, reached_female: int) -> dict[str, int | None]:
    """A delivered session's people figures as they may leave the country
    team, flat: "attendances", "attendances.female", "attendances.male",
    "by_role.<role>", "by_age_band.<band>", "reached", "reached.female",
    "reached.male". None: hidden."""
    sexes = {"female": female, "male": total - female}
    reached_by_sex = {"female": reached_female, "male": reached - reached_female}
    att, split = release_split(total, {"by_sex": sexes, "by_role": by_role, "by_age_band": by_age_band})
    out: dict[str, int | None] = {"attendances": att,
                                  "attendances.female": split["by_sex"]["female"],
                                  "attendances.male": split["by_sex"]["male"]}
    out |= {f"by_role.{k}": v for k, v in split["by_role"].items()}
    out |= {f"by_age_band.{k}": v for k, v in split["by_age_band"].items()}
    if att is None:  # people reached are among those who attended: a hidden attendance hides its reach
        return {**out, "reached": None, "reached.female": None, "reached.male": None}
    # the women (men) reached are among the women (men) who attended: each figure bounds the other. An
    # attendance cell shown is the most of its reach cell; a reach cell shown is the least of its attendance
    # cell, and when that would give a hidden attendance cell away, the reach split is hidden
    reach, rsplit = release_split(reached, {"by_sex": reached_by_sex},
                                  {"by_sex": {k: (0, n) for k, n in split["by_sex"].items() if n is not None}})
    least = {k: (n, total) for k, n in rsplit["by_sex"].items() if n is not None}
    hidden = {k for k, n in split["by_sex"].items() if n is None}
    if hidden and least and not _safe(sexes, hidden, least):
        rsplit = {"by_sex": dict.fromkeys(reached_by_sex)}
    # none attended (a 0 shown): none reached, whatever else is hidden
    shown = {k: 0 if split["by_sex"][k] == 0 else v for k, v in rsplit["by_sex"].items()}
    out |= {"reached": reach, "reached.female": shown["female"], "reached.male": shown["male"]}
    return out


def pooled(sessions: Iterable[Mapping[str, int | None]]) -> dict[str, int | None]:
    """Released cells added up, key by key: a key no session released is None
    (no figure), never 0 (which would be a figure about fewer than 5)."""
    out: dict[str, int | None] = {}
    for cells in sessions:
        for k, v in cells.items():
            if v is not None:
                out[k] = (out.get(k) or 0) + v
            else:
                out.setdefault(k, None)
    return out


def release(people: int | None) -> int | None:
    """A single count of people with no split and in no pool (a kick-off's
    participants): itself, or None under MIN_PEOPLE."""
    return None if too_few(people) else people


def workforce(headcount: int, female: int, male: int) -> dict[str, int | None]:
    """A factory's headcount and its split by sex, as they may leave (a
    small factory's few men are people too)."""
    total, split = release_split(headcount, {"by_sex": {"female": female, "male": male}})
    return {"headcount": total, "headcount_female": split["by_sex"]["female"],
            "headcount_male": split["by_sex"]["male"]}


def share_releasable(part: int, whole: int) -> bool:
    """Whether a share (part of whole) may leave: over at least MIN_PEOPLE,
    and neither the part nor the rest 1 to 4 people (83% of 6 respondents
    satisfied is one who is not)."""
    return whole >= MIN_PEOPLE and not small(part) and not small(whole - part)
