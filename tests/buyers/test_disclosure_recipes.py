"""Issue 18's recipes, each tried against the running services through a
buyer's own reads (the feed, the portfolio and its CSV export, the buyer
impact and the buyer report): each recovered a count under 5 before
shared.disclosure, and none does now.

Factory A: a session of 12 (9 women, 3 men; 10 workers, 2 managers) and a
session of 4. Factory B: a session of 20 (10 women, 10 men). Both in one
Otto programme each."""

from __future__ import annotations

import csv
import io
import re

import orjson
import pytest

from tests.buyers.conftest import HASBRO, OTTO, BuyersStack

A = [[{"role": "worker", "sex": "female", "age_band": "25_34", "count": 7},
      {"role": "manager", "sex": "female", "age_band": "35_44", "count": 2},
      {"role": "worker", "sex": "male", "age_band": "18_24", "count": 3}],
     [{"role": "worker", "sex": "female", "age_band": "25_34", "count": 4}]]
B = [[{"role": "worker", "sex": "female", "age_band": "25_34", "count": 10},
      {"role": "worker", "sex": "male", "age_band": "25_34", "count": 10}]]
PEOPLE = ("workers_reached", "workers_reached_female", "workers_reached_male")


def _number(v: str) -> int:
    return int(v) if v else 0


# the true counts of each factory's sessions (B's too), which only the country team may see
TRUE = {"A": {"by_sex.female": 13, "by_sex.male": 3, "by_role.worker": 14, "by_role.manager": 2,
              "by_age_band.25_34": 11, "by_age_band.35_44": 2, "by_age_band.18_24": 3, "attendances": 16},
        "B": {"by_sex.female": 10, "by_sex.male": 10, "by_role.worker": 20, "by_age_band.25_34": 20,
              "attendances": 20}}
TRUE["pool"] = {k: TRUE["A"].get(k, 0) + TRUE["B"].get(k, 0) for k in TRUE["A"] | TRUE["B"]}


def _split_attack(figures: dict[str, dict], truth: dict[str, int]) -> list[tuple[str, int]]:
    """The hidden cells a split's shown total minus its shown cells gives back: (cell, its true value)."""
    found = []
    for split in ("by_sex", "by_role", "by_age_band"):
        cells = {k.removeprefix("delivery."): f["value"] for k, f in figures.items()
                 if k.startswith(f"delivery.{split}.")}
        hidden = [k for k, v in cells.items() if v is None]
        total = figures["delivery.attendances"]["value"]
        if total is not None and len(hidden) == 1:
            guess = total - sum(v for v in cells.values() if v is not None)
            if guess == truth[hidden[0]]:
                found.append((hidden[0], guess))
    return found


async def _two_factories(s: BuyersStack) -> dict[str, str]:
    await s.cycle("bd", "A", buyer=OTTO, programme="otto-a", counts=A)
    await s.cycle("bd", "B", buyer=OTTO, programme="otto-b", counts=B)
    await s.settled()
    return s.as_buyer(OTTO)


async def _export(s: BuyersStack, me: dict[str, str]) -> dict[str, dict[str, str]]:
    r = await s.buyers.get(f"/buyers/{OTTO}/exports/portfolio.csv", headers=me)
    assert r.status_code == 200, r.text
    return {row["factory_id"]: row for row in csv.DictReader(io.StringIO(r.text))}


async def test_a_record_or_a_row_never_shows_a_total_and_all_but_one_of_its_cells(buyers_stack: BuyersStack) -> None:
    """A feed (and webhook) record showed reached 12, female 9, male -: male = 12 - 9. An export row the same."""
    s = buyers_stack
    me = await _two_factories(s)
    records = [orjson.loads(b)["data"] for b in await s.feed(OTTO, limit=50)]
    sessions = [r for r in records if "attendances" in r]
    assert len(sessions) == 3
    for r in sessions:
        assert [r[k] is None for k in PEOPLE].count(True) != 1, r
    assert {r["session_id"]: r["workers_reached"] for r in sessions if r["factory_id"] == "A"} == {"s0": 12, "s1": None}
    for row in (await _export(s, me)).values():
        assert [row[k] == "" for k in PEOPLE].count(True) != 1, row


async def test_the_portfolio_minus_the_rows_shown_gives_nothing_hidden(buyers_stack: BuyersStack) -> None:
    """/portfolio showed 13 men, export row B 10 and row A hid its 3. Every pooled figure is now the sum of
    what the rows show."""
    s = buyers_stack
    me = await _two_factories(s)
    rows = await _export(s, me)
    answer = (await s.buyers.get(f"/buyers/{OTTO}/portfolio", headers=me)).json()
    pool = {f["key"]: f["value"] for f in answer["figures"]}
    for k in PEOPLE:
        assert (pool[k] or 0) == sum(_number(row[k]) for row in rows.values()), k
    assert rows["B"]["workers_reached_male"] == "10" and rows["A"]["workers_reached_male"] == ""


async def test_no_split_of_the_buyer_impact_gives_a_hidden_cell_back(buyers_stack: BuyersStack) -> None:
    """The impact answer showed A's attendances 16, female 13, male -, worker 14, manager -; and the pool
    minus factory B gave A's hidden cells."""
    s = buyers_stack
    me = await _two_factories(s)
    impact = (await s.evaluation.get(f"/buyers/{OTTO}/impact", headers=me)).json()
    scopes = [{f["key"]: f for f in impact["figures"]}] + [{f["key"]: f for f in fac["figures"]}
                                                           for fac in impact["factories"]]
    truths = [TRUE["pool"]] + [TRUE[fac["factory_id"]] for fac in impact["factories"]]
    for figs, truth in zip(scopes, truths, strict=True):
        assert _split_attack(figs, truth) == []
    pooled = scopes[0]
    for key, f in pooled.items():
        if key.startswith("delivery.") and key not in ("delivery.share_female", "delivery.sessions"):
            assert (f["value"] or 0) == sum(figs[key]["value"] or 0 for figs in scopes[1:] if key in figs), key
    a = next({f["key"]: f["value"] for f in fac["figures"]} for fac in impact["factories"] if fac["factory_id"] == "A")
    assert a["delivery.attendances"] == 12 and a["delivery.by_sex.male"] is None  # the session of 4: in no sum


async def test_the_buyer_reports_journey_gives_no_count_under_five(buyers_stack: BuyersStack) -> None:
    """The journey printed "... delivered to 4 people"."""
    s = buyers_stack
    me = await _two_factories(s)
    html = (await s.evaluation.get(f"/buyers/{OTTO}/report.html", headers=me)).text
    counts = [int(n) for n in re.findall(r"delivered to (\d+) people", html)]
    assert counts and all(n >= 5 for n in counts), counts
    assert "delivered (fewer than 5 people in a group)" in html


async def test_a_factory_in_two_programmes_shows_each_buyer_only_its_own_journey(buyers_stack: BuyersStack) -> None:
    """Review finding: the buyer report's journey was chosen by factory only, so a factory in Otto's and
    Hasbro's programmes printed Hasbro's kick-off and sessions in Otto's report."""
    s = buyers_stack
    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    r = await s.planning.post("/bd/programmes", json={"programme_id": "hasbro", "name": "WeCare", "buyer": HASBRO,
                                                      "factories": ["F1"], "starts_on": "2026-03-01"})
    assert r.status_code == 201, r.text
    assert (await s.planning.post("/bd/plans/hasbro.F1/approve", json={
        "approved_by": "GM", "approved_on": "2026-03-10"})).status_code == 200
    assert (await s.planning.post("/bd/plans/hasbro.F1/kick-off", json={
        "held_on": "2026-03-21", "participants": 17, "facilitators": ["Lina"]})).status_code == 200
    await s.settled()
    wp = (await s.delivery.get("/bd/deliveries/hasbro.F1")).json()
    act = next(x["activity"] for x in wp["activities"] if x["activity"] != "family_day")
    r = await s.delivery.post("/bd/deliveries/hasbro.F1/batch", json={"sessions": [{
        "session_id": "h1", "activity": act, "local_start": "2026-04-09T09:00", "trainers": ["wecare:lina"],
        "capacity": 80, "expected_participants": 40, "attendance": {"delivered_at": "2026-04-09T12:00", "counts": [
            {"role": "worker", "sex": "female", "age_band": "25_34", "count": 13},
            {"role": "worker", "sex": "male", "age_band": "25_34", "count": 10}]}}]})
    assert r.status_code == 200, r.text
    await s.settled()
    otto = (await s.evaluation.get(f"/buyers/{OTTO}/report.html", headers=s.as_buyer(OTTO))).text
    hasbro = (await s.evaluation.get(f"/buyers/{HASBRO}/report.html", headers=s.as_buyer(HASBRO))).text
    assert "kick-off held with 17 participants" in hasbro and "delivered to 23 people" in hasbro
    assert "17 participants" not in otto and "23 people" not in otto
    assert "kick-off held with 30 participants" in otto and "30 participants" not in hasbro
    assert "F1 Garments joined the programme" in otto and "F1 Garments joined the programme" in hasbro


@pytest.mark.parametrize("buyers_stack", ["sqlite", "postgres"], indirect=True)
async def test_a_rebuild_serves_a_record_written_before_as_it_is_derived_now(buyers_stack: BuyersStack) -> None:
    """Review finding: a rebuild appended the missing records only, so a record an older version wrote
    (reached 12, female 9, male -) stayed in the feed for ever. The rebuild rewrites it in place."""
    from sqlalchemy import select, update

    from services.buyers.projections import feed

    s = buyers_stack
    await _two_factories(s)
    db = s.buyers_service.db
    async with db.read() as conn:
        position, text = (await conn.execute(select(feed.c.position, feed.c.record).where(
            feed.c.record.contains('"session_id":"s0"'), feed.c.factory_id == "A"))).one()
    old = orjson.loads(text)
    old["data"] |= {"workers_reached_female": 9, "suppressed": ["workers_reached_male"]}  # as written before
    async with db.write() as conn:
        await conn.execute(update(feed).where(feed.c.position == position).values(record=orjson.dumps(old).decode()))
    served = [orjson.loads(b)["data"] for b in await s.feed(OTTO, limit=50)]
    assert any(d.get("workers_reached_female") == 9 for d in served)
    r = await s.buyers.post("/ops/projections/buyers_feed/rebuild")
    assert r.status_code == 200, r.text
    after = [orjson.loads(b) for b in await s.feed(OTTO, limit=50)]
    s0 = next(x for x in after if x["data"].get("session_id") == "s0" and x["data"]["factory_id"] == "A")
    assert s0["data"]["workers_reached_female"] is None and s0["data"]["workers_reached_male"] is None
    assert int(s0["sequence"]) == position and len(after) == len(served)  # in place, nothing appended
