"""The one reading of a token's role and scope (shared/access.py), deny by
default, and the conflict-retry policy: no server, no database."""

from __future__ import annotations

import pytest

from shared.access import InvalidScope, Principal
from shared.aggregate import NotFound
from shared.application import retrying
from shared.store.eventstore import ConcurrencyError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("claims", "why"), [
    ({"role": "country_team"}, "countries"),
    ({"role": "country_team", "countries": []}, "countries"),
    ({"role": "country_team", "countries": 5}, "countries"),
    ({"role": "country_team", "countries": "bd"}, "countries"),
    ({"role": "country_team", "countries": ["bd", 3]}, "countries"),
    ({"role": "country_team", "countries": ["xx"]}, "unknown countries"),
    ({"role": "programme_manager", "countries": []}, "countries"),
    ({"role": "buyer"}, "buyer"),
    ({"role": "buyer", "buyer": "Otto Group", "countries": ["bd"]}, "no countries"),
    ({"role": "root"}, "unknown role"),
    ({"role": "admin", "sub": ""}, "subject"),
    ({"role": "admin", "sub": 7}, "subject"),
])
def test_a_malformed_scope_is_refused_never_widened(claims, why):
    with pytest.raises(InvalidScope, match=why):
        Principal.from_claims({"sub": "u", **claims})


def test_scopes_as_their_roles_say():
    team = Principal.from_claims({"sub": "u", "role": "country_team", "countries": ["BD", "vn"]})
    assert team.countries == ("bd", "vn") and team.sees_country("bd") and not team.sees_country("cn")
    pm = Principal.from_claims({"sub": "u", "role": "programme_manager"})
    assert pm.countries is None and pm.sees_country("cn")
    regional = Principal.from_claims({"sub": "u", "role": "programme_manager", "countries": ["cn"]})
    assert not regional.sees_country("bd")  # one rule for every role: a countries claim limits
    buyer = Principal.from_claims({"sub": "u", "role": "buyer", "buyer": "Otto Group"})
    assert not buyer.sees_country("bd") and buyer.sees_buyer("Otto Group") and not buyer.sees_buyer("Hasbro")


def test_writes_are_checked_per_object_deny_by_default():
    team = Principal(subject="u", role="country_team", countries=("bd",))
    team.check_country("bd", "plan", "p1")
    for country in ("vn", None):
        with pytest.raises(NotFound, match="plan p1 not found"):
            team.check_country(country, "plan", "p1")
    with pytest.raises(NotFound):  # a read-only role writes nowhere
        Principal(subject="a", role="auditor").check_country("bd", "plan", "p1")
    reaction = Principal.reaction("planning:suggestion", "vn")
    reaction.check_country("vn", "plan", "p1")
    with pytest.raises(NotFound):
        reaction.check_country("bd", "plan", "p1")


def test_a_buyers_integration_is_its_own():
    otto = Principal(subject="o", role="buyer", buyer="Otto Group")
    otto.check_buyer("Otto Group", write=True)
    with pytest.raises(NotFound):
        otto.check_buyer("Hasbro", write=False)
    with pytest.raises(NotFound):  # country teams never see a buyer's endpoints
        Principal(subject="t", role="country_team", countries=("bd",)).check_buyer("Otto Group", write=False)
    Principal(subject="a", role="auditor").check_buyer("Otto Group", write=False)
    with pytest.raises(NotFound):
        Principal(subject="a", role="auditor").check_buyer("Otto Group", write=True)


def test_tenants_differ_by_caller_and_scope():
    a = Principal(subject="u", role="country_team", countries=("bd",))
    b = Principal(subject="u", role="country_team", countries=("vn",))
    c = Principal(subject="v", role="country_team", countries=("bd",))
    assert len({a.tenant, b.tenant, c.tenant}) == 3


async def test_the_retry_policy_decides_again_then_gives_the_last_conflict():
    calls = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrencyError("s", 1, 2)
        return "done"

    assert await retrying(flaky) == "done" and len(calls) == 3

    async def always() -> None:
        calls.append(1)
        raise ConcurrencyError("s", 1, 2)

    calls.clear()
    with pytest.raises(ConcurrencyError):
        await retrying(always, attempts=4)
    assert len(calls) == 4
