"""The delivery rules a field officer meets, in their language (issue #20): the
session's attendance over capacity in Vietnamese and Bengali, a delivery in the future in
Chinese; rule, field and items as in English, nothing stored."""

from __future__ import annotations

import pytest

from tests.delivery.conftest import Stack, attendance, session


@pytest.fixture
async def plan(stack: Stack) -> str:
    plan_id = await stack.approved_plan("bd", "F1", ["migrant_parents_training", "training_of_trainers"])
    r = await stack.delivery.post(f"/bd/deliveries/{plan_id}/sessions",
                                  json=session("s1", "migrant_parents_training", capacity=30))
    assert r.status_code == 201, r.text
    return plan_id


OVER = [{"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 31}]


@pytest.mark.parametrize(("lang", "detail"), [
    ("vi", "31 người tham dự; sức chứa của buổi là 30"),
    ("bn", "31 জন উপস্থিত ছিলেন; সেশনের ধারণক্ষমতা 30"),
    (None, "31 attended; the session's capacity is 30"),
])
async def test_attendance_over_capacity_in_the_officers_language(stack: Stack, plan: str, lang: str | None,
                                                                 detail: str) -> None:
    before = await stack.events()
    r = await stack.delivery.post(f"/bd/deliveries/{plan}/sessions/s1/attendance", json=attendance(counts=OVER),
                                  headers={"Accept-Language": lang} if lang else {})
    assert r.status_code == 422, r.text
    p = r.json()
    assert p["detail"] == detail and (p["rule"], p["field"]) == ("capacity", "attendance")
    assert p["fields"] == [{"field": "attendance", "message": detail}]
    assert r.headers["content-language"] == (lang or "en")
    assert await stack.events() == before


async def test_a_delivery_date_in_the_future_in_chinese(stack: Stack, plan: str) -> None:
    r = await stack.delivery.post(f"/bd/deliveries/{plan}/sessions/s1/attendance",
                                  json=attendance(at="2099-01-01T10:00", counts=OVER),
                                  headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    p = r.json()
    assert (p["rule"], p["field"]) == ("not_in_future", "delivered_at")
    assert p["detail"].startswith("实施时间 2099-01-01T") and p["detail"].endswith("是将来的时间"), p
