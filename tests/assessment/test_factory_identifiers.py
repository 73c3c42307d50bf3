"""The identifiers buyers join on (issue #21): Open Supply Hub's OS ID, and
amfori's and Sedex's, at registration and set or corrected later; validated
(422 naming the field), the OS ID of the factory's own country and held by
one active factory of it; the registry's read model and API show them.
Given / when / then, no nats-server."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError

from services.assessment.commands import ArchiveFactory, RegisterFactory, SetFactoryIdentifiers
from services.assessment.handlers import HANDLERS
from services.assessment.projections import FactoriesView, factories, metadata
from shared.aggregate import DomainError, NotFound
from shared.contracts.assessment import FactoryIdentifiersSet, FactoryRegistered
from shared.contracts.registry import registry
from tests.assessment.builders import factory
from tests.given import Scenario, ctx, team

pytestmark = pytest.mark.unit

BD, VN = team("bd"), team("vn")
OS_BD, OS_BD2, OS_VN = "BD2019303BQ3FZP", "BD2021011K7M2QX", "VN2020145XC9D0A"


@pytest.fixture
async def app(tmp_path):
    s = await Scenario.start(tmp_path, "assessment", HANDLERS, metadata, served=("bd", "vn"),
                             projections=[FactoriesView()])
    yield s
    await s.close()


async def read_model(app: Scenario, fid: str) -> dict:
    async with app.db.read() as conn:
        row = (await conn.execute(factories.select().where(factories.c.factory_id == fid))).one()
    return {k: row._mapping[k] for k in ("os_id", "amfori_id", "sedex_id")}


async def project(app: Scenario) -> None:
    """The command's events applied to the read model, as the service's consumer would."""
    async with app.db.write(appending=True) as conn:
        for env in await app.then_envelopes():
            await FactoriesView().apply(conn, env)


async def test_identifiers_at_registration_are_recorded_and_shown(app: Scenario):
    await app.when(RegisterFactory(**factory("F1", os_id=" bd2019303bq3fzp ", amfori_id="50-012345-000",
                                             sedex_id="zs1234567")), ctx(BD))
    [e] = await app.then()
    assert isinstance(e, FactoryRegistered) and type(e).schema_version == 2
    assert (e.os_id, e.amfori_id, e.sedex_id) == (OS_BD, "50-012345-000", "ZS1234567")  # as written by the hubs
    await project(app)
    assert await read_model(app, "F1") == {"os_id": OS_BD, "amfori_id": "50-012345-000", "sedex_id": "ZS1234567"}


@pytest.mark.parametrize(("field", "bad"), [
    ("os_id", "CN2019303BQ3FZ"),  # 14 characters
    ("os_id", "CN2019303BQ3FZPX"),
    ("os_id", "C12019303BQ3FZP"),  # not a country
    ("os_id", "CN20193O3BQ3FZP"),  # a letter O among the digits
    ("os_id", "CN2019303BQ-FZP"),
    ("amfori_id", "ABC-123"),
    ("amfori_id", "1" * 31),
    ("amfori_id", "12--3"),
    ("sedex_id", "ZX1234567"),
    ("sedex_id", "ZS12"),
    ("sedex_id", "ZS" + "1" * 13),
])
def test_a_malformed_identifier_is_refused_naming_its_field(field: str, bad: str):
    for make in (lambda: RegisterFactory(**factory("F9", **{field: bad})),
                 lambda: SetFactoryIdentifiers(factory_id="F9", **{field: bad})):
        with pytest.raises(ValidationError) as e:
            make()
        assert [err["loc"] for err in e.value.errors()] == [(field,)]


async def test_an_os_id_of_another_country_is_refused(app: Scenario):
    with pytest.raises(DomainError) as e:
        await app.when(RegisterFactory(**factory("F1", os_id=OS_VN)), ctx(BD))
    assert (e.value.field, e.value.rule) == ("os_id", "os_id_country") and await app.then() == []
    await app.when(RegisterFactory(**factory("F1")), ctx(BD))
    with pytest.raises(DomainError) as e:
        await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_VN), ctx(BD))
    assert (e.value.field, e.value.rule) == ("os_id", "os_id_country") and await app.then() == []


async def test_two_active_factories_of_a_country_cannot_share_an_os_id(app: Scenario):
    await app.when(RegisterFactory(**factory("F1", os_id=OS_BD)), ctx(BD))
    with pytest.raises(DomainError) as e:  # at registration
        await app.when(RegisterFactory(**factory("F2", os_id=OS_BD)), ctx(BD))
    assert (e.value.field, e.value.rule) == ("os_id", "unique_os_id") and await app.then() == []
    await app.when(RegisterFactory(**factory("F2")), ctx(BD))
    with pytest.raises(DomainError) as e:  # set later
        await app.when(SetFactoryIdentifiers(factory_id="F2", os_id=OS_BD), ctx(BD))
    assert (e.value.field, e.value.rule) == ("os_id", "unique_os_id") and await app.then() == []
    # corrected on the first factory, the OS ID is free for the second
    await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD2), ctx(BD))
    await app.when(SetFactoryIdentifiers(factory_id="F2", os_id=OS_BD), ctx(BD))
    assert await app.then() == [FactoryIdentifiersSet(factory_id="F2", os_id=OS_BD)]
    # an archived factory holds none: the site registered again may take it
    await app.when(ArchiveFactory(factory_id="F2", reason="re-registered"), ctx(BD))
    await app.when(RegisterFactory(**factory("F3", os_id=OS_BD)), ctx(BD))


async def test_two_registrations_at_once_with_one_os_id_give_one_factory(app: Scenario):
    results = await asyncio.gather(*(app.app.handle(RegisterFactory(**factory(f"C{i}", os_id=OS_BD)), ctx(BD))
                                     for i in range(4)), return_exceptions=True)
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1 and len(refused) == 3 and {r.rule for r in refused} == {"unique_os_id"}, results


async def test_set_identifiers_is_idempotent_scoped_and_for_active_factories(app: Scenario):
    await app.when(RegisterFactory(**factory("F1")), ctx(BD))
    await project(app)
    out = await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD, sedex_id="ZS7654321"), ctx(BD))
    assert out["version"] == 2
    assert await app.then() == [FactoryIdentifiersSet(factory_id="F1", os_id=OS_BD, sedex_id="ZS7654321")]
    await project(app)
    assert await read_model(app, "F1") == {"os_id": OS_BD, "amfori_id": None, "sedex_id": "ZS7654321"}
    await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD, sedex_id="ZS7654321"), ctx(BD))
    assert await app.then() == []  # the same again: nothing recorded
    await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD), ctx(BD))  # the Sedex id was wrong
    assert await app.then() == [FactoryIdentifiersSet(factory_id="F1", os_id=OS_BD)]
    await project(app)
    assert await read_model(app, "F1") == {"os_id": OS_BD, "amfori_id": None, "sedex_id": None}
    with pytest.raises(NotFound):  # another country's team: no such factory
        await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD2), ctx(VN))
    await app.when(ArchiveFactory(factory_id="F1", reason="left"), ctx(BD))
    with pytest.raises(DomainError) as e:
        await app.when(SetFactoryIdentifiers(factory_id="F1", os_id=OS_BD2), ctx(BD))
    assert e.value.rule == "active_factory"


def test_a_stored_v1_registration_reads_with_no_identifiers():
    v1 = {"factory_id": "F1", "name": "F1", "supplier": "S", "region": "R", "sector": "garment",
          "buyers": ["Otto Group"], "headcount": 10}
    e = registry.decode("assessment", "FactoryRegistered", 1, v1)
    assert isinstance(e, FactoryRegistered) and (e.os_id, e.amfori_id, e.sedex_id) == (None, None, None)

