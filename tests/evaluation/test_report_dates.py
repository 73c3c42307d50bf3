"""A report made today showed an endline dated next March: the evaluation
service took dates in the future (delivery refused them). Every date of a
thing done that an evaluation command takes is refused when it is ahead of
today, with a 422 naming the field, and nothing is stored; the rule is the
one delivery uses (shared.contracts.values.in_future)."""

from __future__ import annotations

import typing
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.evaluation import commands
from shared.contracts.values import PastDate, in_future
from tests.harness import serve_services

# dates that are ahead by nature: a consent's end, a practice's due date
FORWARD = {("AddAsset", "expires_on")}

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _date_fields() -> list[tuple[type, str]]:
    out = []
    for name in dir(commands):
        cls = getattr(commands, name)
        if isinstance(cls, type) and issubclass(cls, commands.Command) and cls is not commands.Command:
            hints = typing.get_type_hints(cls, include_extras=True)
            out += [(cls, f) for f, info in cls.model_fields.items() if info.annotation is date
                    or hints.get(f) == PastDate]
    return sorted(out, key=lambda cf: (cf[0].__name__, cf[1]))


DATES = [(c, f) for c, f in _date_fields() if (c.__name__, f) not in FORWARD]
MINIMAL = {"RecordEndline": {"plan_id": "p.f", "respondents": 10}, "AgreeSustainabilityPlan": {
    "plan_id": "p.f", "participants": 3, "practices": [{"practice": "CFS", "owner": "HR", "due": "2030-01-01"}]},
    "RecordFollowUp": {"plan_id": "p.f", "practice": "CFS", "status": "continued"}, "CloseCycle": {"plan_id": "p.f"},
    "WithdrawConsent": {"asset_id": "a1"}}


@pytest.mark.unit
def test_every_date_of_a_thing_done_is_checked() -> None:
    """A new date field is either refused in the future or named here as a forward date."""
    found = {(c.__name__, f) for c, f in DATES}
    assert found == {("RecordEndline", "measured_on"), ("AgreeSustainabilityPlan", "workshop_on"),
                     ("RecordFollowUp", "checked_on"), ("CloseCycle", "closed_on"),
                     ("WithdrawConsent", "withdrawn_on")}, found
    unchecked = [(c.__name__, f) for c, f in DATES if typing.get_type_hints(c, include_extras=True)[f] != PastDate]
    assert not unchecked, f"dates of things done taken in the future: {unchecked}"


@pytest.mark.unit
@pytest.mark.parametrize(("cls", "field"), DATES, ids=[f"{c.__name__}.{f}" for c, f in DATES])
def test_a_date_in_the_future_is_refused_naming_the_field(cls: type, field: str) -> None:
    today = datetime.now(UTC).date()
    ahead = today + timedelta(days=2)  # after today in every time zone
    with pytest.raises(ValidationError) as e:
        cls(**MINIMAL[cls.__name__], **{field: ahead.isoformat()})
    [err] = e.value.errors()
    assert err["loc"] == (field,) and err["type"] == "not_in_future", err
    assert ahead.isoformat() in err["msg"]
    assert getattr(cls(**MINIMAL[cls.__name__], **{field: today.isoformat()}), field) == today


@pytest.mark.unit
def test_the_rule_is_delivery_s_and_no_zone_has_its_today_refused() -> None:
    assert not in_future(NOW + timedelta(minutes=4), NOW)  # a clock's skew
    assert in_future(NOW + timedelta(minutes=6), NOW)
    # at 12:00 UTC it is already 5 December in Kiribati (UTC+14): that day is not the future
    assert not in_future(date(2026, 12, 5), NOW) and in_future(date(2026, 12, 6), NOW)
    assert not in_future(date(2026, 12, 4), NOW.replace(hour=0))
    assert in_future(date(2026, 12, 5), NOW.replace(hour=9))  # 23:00 in Kiribati: the 5th is tomorrow everywhere


async def test_the_api_answers_422_naming_the_field_and_stores_nothing(nats_server, tmp_path) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=120)).date().isoformat()
    async with AsyncExitStack() as es:
        svc, client = (await serve_services(es, ["evaluation"], nats_server.url, str(tmp_path)))["evaluation"]
        before = await svc.store.count()
        for path, body, field in (
                ("/bd/evaluations/otto.F1/endline", {"measured_on": ahead, "respondents": 12}, "measured_on"),
                ("/bd/evaluations/otto.F1/close", {"closed_on": ahead}, "closed_on")):
            r = await client.post(path, json=body)
            assert r.status_code == 422, r.text
            err = r.json()
            assert [f["field"] for f in err["fields"]] == [field] and err["fields"][0]["type"] == "not_in_future", err
            assert field in err["detail"]
        assert await svc.store.count() == before
