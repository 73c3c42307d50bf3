"""What the buyers service learns from the other four services over NATS, and the
feed it writes from it.

`BuyerFeed` keeps, per country: the programmes (which buyer sponsors which
factories), the factories' names and the *facts* a buyer may learn (a
completed assessment, an approved plan, a milestone, a delivered session in
aggregate, an impact evaluation, a closing), each already reduced to what
may leave the country. A fact becomes a feed record for a buyer when both
the fact and a programme of that buyer naming its factory are known,
whichever came first: so a service catching up after an outage, which may
read planning before assessment, still gives every buyer every record.

The feed (`buyers_feed`) is a log, not a read model: its positions are the
buyers' cursors, so a rebuild of this projection re-derives the facts, the
programmes and the portfolio rows, and appends only the records missing
(a record is unique per buyer and source event). Records are appended under
the store's append lock, so positions commit in order (a reader of "after
N" never skips a late commit). Each new record is handed, in the same
transaction, to `on_record` (the service passes webhooks.enqueue, which
queues it for every webhook endpoint of its buyer that wants its type): so
webhooks.py reads the feed, and this module does not know webhooks.

`buyers_portfolio` has one row per (buyer, programme, country, factory)
with the figures of shared/contracts/figures.py, recomputed from the facts
whenever one of them changes, so it does not depend on arrival order. Its
people figures add up the sessions' released counts (shared.disclosure):
a count hidden in a session's record is in no row, so no sum or difference
of rows, exports or portfolios gives it back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.assessment import (
    IDENTIFIERS,
    AssessmentCompleted,
    FactoryIdentifiersSet,
    FactoryRegistered,
    FactoryUpdated,
)
from shared.contracts.delivery import MilestoneReached, SessionDelivered
from shared.contracts.envelope import Envelope
from shared.contracts.evaluation import ImpactEvaluated, ProgrammeClosed
from shared.contracts.feed import (
    TYPE_OF,
    AssessmentCompletedData,
    CloudEvent,
    Data,
    FactoryIdentifiedData,
    ImpactEvaluatedData,
    MilestoneReachedData,
    PlanApprovedData,
    ProgrammeClosedData,
    SessionDeliveredData,
    dataschema_url,
    sequence,
)
from shared.contracts.figures import PEOPLE, figures_of
from shared.contracts.planning import PlanApproved, ProgrammeCreated
from shared.disclosure import workforce
from shared.menu import is_training
from shared.projections import Projection, json_text, on
from shared.store.schema import UTCDateTime
from shared.store.sql import upsert

metadata = MetaData()

programmes = Table(
    "buyers_programmes", metadata,
    Column("programme_id", String(100), primary_key=True),
    Column("country", String(8), primary_key=True),
    Column("factory_id", String(100), primary_key=True),
    Column("buyer", String(300), nullable=False, index=True),
    Index("ix_buyers_programmes_factory", "country", "factory_id"),
)

factories = Table(
    "buyers_factories", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("os_id", String(15)),  # the identifiers buyers join on (None: not known)
    Column("amfori_id", String(30)),
    Column("sedex_id", String(14)),
)

facts = Table(
    "buyers_facts", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("type", String(100), nullable=False),
    Column("source", String(100), nullable=False),
    Column("country", String(8), nullable=False),
    Column("factory_id", String(100), nullable=False),
    Column("programme_id", String(100)),  # None: about the factory, whatever the programme (an assessment)
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("data", Text, nullable=False),  # the record's data, without programme_id
    Index("ix_buyers_facts_factory", "country", "factory_id"),
)

feed = Table(
    "buyers_feed", metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("buyer", String(300), nullable=False),
    Column("ce_id", String(36), nullable=False),
    Column("type", String(100), nullable=False),
    Column("country", String(8), nullable=False),
    Column("factory_id", String(100), nullable=False),
    Column("programme_id", String(100), nullable=False),
    # the CloudEvent without its sequence (added from position) and dataschema (from the service's public URL)
    Column("record", Text, nullable=False),
    UniqueConstraint("buyer", "ce_id", name="uq_buyers_feed_record"),
    Index("ix_buyers_feed_buyer", "buyer", "position"),
)

portfolio = Table(
    "buyers_portfolio", metadata,
    Column("buyer", String(300), primary_key=True),
    Column("country", String(8), primary_key=True),
    Column("factory_id", String(100), primary_key=True),
    Column("programme_id", String(100), primary_key=True),
    Column("factory_name", String(300)),
    Column("assessed_on", Date),
    Column("plan_approved_on", Date),
    Column("closed_on", Date),
    Column("sessions_delivered", Integer, nullable=False),
    Column("trainings_delivered", Integer, nullable=False),
    Column("workers_reached", Integer, nullable=False),  # sums of released counts (0: none released)
    Column("workers_reached_female", Integer, nullable=False),
    Column("workers_reached_male", Integer, nullable=False),
    Column("retention_baseline", Float),
    Column("retention_endline", Float),
    Column("retention_change", Float),
    Column("os_id", String(15)),
    Column("amfori_id", String(30)),
    Column("sedex_id", String(14)),
)


def render(row: Any, public_url: str) -> bytes:
    """A feed row as the bytes a buyer receives (the feed page and the webhook
    body are the same bytes, so signatures and comparisons hold). Its
    `dataschema` is made here from the service's public URL (so a record
    stored before the URL changed, or before it was a URL, points where the
    schema answers now)."""
    rec = orjson.loads(row.record)
    rec["sequence"] = sequence(row.position)
    if "type" in rec:  # every record has one (a test's hand-made row may not)
        rec["dataschema"] = dataschema_url(public_url, rec["type"])
    return orjson.dumps(rec, option=orjson.OPT_SORT_KEYS)


def _retention(comparisons: list[Any]) -> tuple[float | None, float | None, float | None]:
    c = next((c for c in comparisons if c.metric == "retention_rate"), None)
    if c is None:
        return None, None, None
    return c.baseline, c.endline, c.change


# (conn, buyer, position, CloudEvent type, ordering key "<country>/<factory_id>"), in the append's transaction
OnRecord = Callable[[AsyncConnection, str, int, str, str], Awaitable[None]]


class BuyerFeed(Projection):
    name = "buyers_feed"
    tables = (programmes, factories, facts, portfolio)

    def __init__(self, on_record: OnRecord) -> None:
        self.on_record = on_record

    def bind(self, service: Any) -> None:
        self.db = service.db

    # -- what arrives --------------------------------------------------------------

    @on(FactoryRegistered, FactoryUpdated, FactoryIdentifiersSet)
    async def factory(self, conn: AsyncConnection, env: Envelope,
                      e: FactoryRegistered | FactoryUpdated | FactoryIdentifiersSet) -> None:
        key = (factories.c.factory_id == e.factory_id, factories.c.country == env.country)
        ids = {k: getattr(e, k) for k in IDENTIFIERS} if not isinstance(e, FactoryUpdated) else None
        if isinstance(e, FactoryRegistered):
            await upsert(conn, factories, {"factory_id": e.factory_id, "country": env.country, "name": e.name,
                                           **(ids or {})}, keys=["factory_id", "country"])
        elif isinstance(e, FactoryUpdated):
            if e.name is None:
                return
            await conn.execute(factories.update().where(*key).values(name=e.name))
        else:
            await conn.execute(factories.update().where(*key).values(**(ids or {})))
        if ids is not None and (isinstance(e, FactoryIdentifiersSet) or any(ids.values())):
            # a record for every programme naming the factory, now or later (programme_id None)
            name = await conn.scalar(select(factories.c.name).where(*key))
            await self._fact(conn, env, None, e.factory_id, FactoryIdentifiedData, {"factory_name": name, **ids})
            return  # _fact refreshed the rows of the programmes naming it
        for r in await conn.execute(select(programmes).where(programmes.c.country == env.country,
                                                             programmes.c.factory_id == e.factory_id)):
            await self._refresh(conn, r.buyer, r.programme_id, env.country, e.factory_id)

    @on(ProgrammeCreated)
    async def programme(self, conn: AsyncConnection, env: Envelope, e: ProgrammeCreated) -> None:
        rows = [{"programme_id": e.programme_id, "country": env.country, "factory_id": f, "buyer": e.buyer}
                for f in e.factories]
        await upsert(conn, programmes, rows, keys=["programme_id", "country", "factory_id"])
        for f in e.factories:
            known = await conn.execute(
                select(facts).where(facts.c.country == env.country, facts.c.factory_id == f,
                                    or_(facts.c.programme_id.is_(None), facts.c.programme_id == e.programme_id))
                .order_by(facts.c.occurred_at, facts.c.event_id))
            for fact in known.all():
                await self._append(conn, e.buyer, e.programme_id, fact)
            await self._refresh(conn, e.buyer, e.programme_id, env.country, f)

    @on(AssessmentCompleted)
    async def assessed(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted) -> None:
        d = e.demographics
        name = await conn.scalar(select(factories.c.name).where(factories.c.factory_id == e.factory_id,
                                                                 factories.c.country == env.country))
        needs = [n.area for n in sorted(e.needs_profile, key=lambda n: (-n.score, n.area)) if n.score > 0]
        await self._fact(conn, env, None, e.factory_id, AssessmentCompletedData, {
            "factory_name": name, "assessment_id": e.assessment_id, "completed_on": e.completed_on,
            **workforce(d.headcount, d.female, d.male), "needs": needs})

    @on(PlanApproved)
    async def approved(self, conn: AsyncConnection, env: Envelope, e: PlanApproved) -> None:
        c = e.content
        await self._fact(conn, env, e.programme_id, e.factory_id, PlanApprovedData, {
            "plan_id": e.plan_id, "revision": e.revision, "approved_on": e.approved_on,
            "activities": [a.activity for a in c.activities], "credits": c.credits_used,
            "milestones": [{"name": m.name, "due": m.due.isoformat()} for m in c.milestones],
            "kpis": [{"indicator": k.indicator, "baseline": k.baseline, "target": k.target} for k in c.kpis]})

    @on(MilestoneReached)
    async def milestone(self, conn: AsyncConnection, env: Envelope, e: MilestoneReached) -> None:
        await self._fact(conn, env, e.programme_id, e.factory_id, MilestoneReachedData, {
            "plan_id": e.plan_id, "milestone": e.milestone, "due": e.due, "reached_on": e.reached_on,
            "on_time": e.on_time})

    @on(SessionDelivered)
    async def session(self, conn: AsyncConnection, env: Envelope, e: SessionDelivered) -> None:
        counts = figures_of(e.attendance)
        await self._fact(conn, env, e.programme_id, e.factory_id, SessionDeliveredData, {
            "plan_id": e.plan_id, "session_id": e.session_id, "activity": e.activity,
            "training": is_training(e.activity), "delivered_on": e.delivered_at.date(), "online": e.online,
            **counts, "suppressed": [k for k, v in counts.items() if v is None]})

    @on(ImpactEvaluated)
    async def evaluated(self, conn: AsyncConnection, env: Envelope, e: ImpactEvaluated) -> None:
        base, end, change = _retention(e.comparisons)
        await self._fact(conn, env, e.programme_id, e.factory_id, ImpactEvaluatedData, {
            "plan_id": e.plan_id, "baseline_on": e.baseline_on, "endline_on": e.endline_on,
            "retention_baseline": base, "retention_endline": end, "retention_change": change,
            "kpis_met": sum(1 for k in e.kpis if k.achieved), "kpis_measured": sum(1 for k in e.kpis
                                                                                   if k.achieved is not None),
            "comparisons": [{"metric": c.metric, "baseline": c.baseline, "endline": c.endline,
                             "change": c.change, "improved": c.improved} for c in e.comparisons]})

    @on(ProgrammeClosed)
    async def closed(self, conn: AsyncConnection, env: Envelope, e: ProgrammeClosed) -> None:
        await self._fact(conn, env, e.programme_id, e.factory_id, ProgrammeClosedData,
                         {"plan_id": e.plan_id, "closed_on": e.closed_on})

    # -- facts, records and rows ---------------------------------------------------

    async def _fact(self, conn: AsyncConnection, env: Envelope, programme_id: str | None, factory_id: str,
                    model: type[Data], data: dict[str, Any]) -> None:
        # validated against the record's contract before it is stored
        model.model_validate({**data, "programme_id": programme_id or "", "country": env.country,
                              "factory_id": factory_id})
        stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
        row = {"event_id": str(env.event_id), "type": TYPE_OF[model], "source": f"/wecare/{env.country}/{env.context}",
               "country": env.country, "factory_id": factory_id, "programme_id": programme_id,
               "occurred_at": env.occurred_at, "data": json_text(stored)}
        await upsert(conn, facts, row, keys=["event_id"], update=[])
        match = [programmes.c.country == env.country, programmes.c.factory_id == factory_id]
        if programme_id is not None:
            match.append(programmes.c.programme_id == programme_id)
        fact = (await conn.execute(select(facts).where(facts.c.event_id == row["event_id"]))).one()
        for p in (await conn.execute(select(programmes).where(and_(*match)))).all():
            await self._append(conn, p.buyer, p.programme_id, fact)
            await self._refresh(conn, p.buyer, p.programme_id, env.country, factory_id)

    async def _append(self, conn: AsyncConnection, buyer: str, programme_id: str, fact: Any) -> None:
        data = orjson.loads(fact.data)
        data.pop("_raw", None)  # facts stored before shared.disclosure kept unsuppressed counts: never sent
        ce = CloudEvent(id=fact.event_id, source=fact.source, type=fact.type, subject=f"factories/{fact.factory_id}",
                        time=fact.occurred_at, dataschema="", sequence="0",
                        data={**data, "programme_id": programme_id, "country": fact.country,
                              "factory_id": fact.factory_id})
        record = json_text(ce.model_dump(mode="json", exclude={"sequence", "dataschema"}))  # both added by render
        await self.db.lock_appends(conn)  # positions commit in order
        exists = (await conn.execute(select(feed.c.position, feed.c.record).where(
            feed.c.buyer == buyer, feed.c.ce_id == fact.event_id))).first()
        if exists is not None:
            # a rebuild derives the record again: one a version before wrote otherwise (a count it showed that
            # shared.disclosure hides now) is served as derived from here on, at its place in the feed
            if exists.record != record:
                await conn.execute(feed.update().where(feed.c.position == exists.position).values(record=record))
            return
        res = await conn.execute(feed.insert().values(
            buyer=buyer, ce_id=fact.event_id, type=fact.type, country=fact.country, factory_id=fact.factory_id,
            programme_id=programme_id, record=record))
        await self.on_record(conn, buyer, res.inserted_primary_key[0], fact.type, f"{fact.country}/{fact.factory_id}")

    async def _refresh(self, conn: AsyncConnection, buyer: str, programme_id: str, country: str,
                       factory_id: str) -> None:
        """The factory's portfolio row, from every fact about it in this programme."""
        rows = (await conn.execute(select(facts.c.type, facts.c.data).where(
            facts.c.country == country, facts.c.factory_id == factory_id,
            or_(facts.c.programme_id.is_(None), facts.c.programme_id == programme_id))
            .order_by(facts.c.occurred_at, facts.c.event_id))).all()
        known = (await conn.execute(select(factories.c.name, *(factories.c[k] for k in IDENTIFIERS)).where(
            factories.c.factory_id == factory_id, factories.c.country == country))).first()
        row = {"buyer": buyer, "country": country, "factory_id": factory_id, "programme_id": programme_id,
               "factory_name": known.name if known else None,
               **{k: (known._mapping[k] if known else None) for k in IDENTIFIERS},
               **portfolio_figures([(t, orjson.loads(text)) for t, text in rows])}
        await upsert(conn, portfolio, row, keys=["buyer", "country", "factory_id", "programme_id"])


def portfolio_figures(facts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """A portfolio row's figures from the facts of its factory and programme
    (record type, record data), in the order they happened."""
    row: dict[str, Any] = {"assessed_on": None, "plan_approved_on": None, "closed_on": None, "sessions_delivered": 0,
                           "trainings_delivered": 0, **dict.fromkeys(PEOPLE, 0), "retention_baseline": None,
                           "retention_endline": None, "retention_change": None}
    for t, d in facts:
        kind = t.split(".")[2] + "." + t.split(".")[3]
        if kind == "assessment.completed":
            row["assessed_on"] = date.fromisoformat(d["completed_on"])
        elif kind == "plan.approved" and row["plan_approved_on"] is None:
            row["plan_approved_on"] = date.fromisoformat(d["approved_on"])
        elif kind == "session.delivered":
            row["sessions_delivered"] += 1
            row["trainings_delivered"] += int(d["training"])
            for k in PEOPLE:  # released counts only (shared.disclosure): a hidden one is in no sum
                row[k] += d.get(k) or 0
        elif kind == "impact.evaluated":
            for k in ("retention_baseline", "retention_endline", "retention_change"):
                row[k] = d[k]
        elif kind == "programme.closed":
            row["closed_on"] = date.fromisoformat(d["closed_on"])
    return row


def projections(on_record: OnRecord) -> list[Projection]:
    return [BuyerFeed(on_record)]
