"""The API speaks the caller's language (issue #20): a problem's `title`, `detail`
and `fields[].message` in the language negotiated from Accept-Language (or `?lang=`),
English otherwise, with Content-Language and Vary: Accept-Language; every member a
program reads (`type`, `field`, `rule`, `items`, `fields[].type`) as in English. The
menu's names in the caller's language beside their codes. And every text the code
gives a person is in every catalogue, with the same placeholders.

In-process: an app with the kernel's HTTP conventions (shared.http.install) and the
planning service's texts, whose routes run the planning rules and the menu's route;
the whole planning service answers the same in tests/planning/test_plan_language.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, Field

from services.assessment.domain.checklist import checklist
from services.planning.api import catalogue_router
from services.planning.domain.rules import check_activities
from shared.aggregate import NotFound
from shared.api import answer_language
from shared.contracts.planning import PlannedActivity
from shared.http import install
from shared.i18n import KERNEL_LOCALE, LANGUAGES, Catalogue, Texts
from shared.menu import menu

pytestmark = pytest.mark.unit

ROOT = Path(__file__).parents[2]
PLANNING = ROOT / "services" / "planning" / "locale"
OVER_BUDGET = ["family_day", "child_friendly_space", "responsible_recruitment"]  # 0 + 8 + 6 credits of 10


class Draft(BaseModel):
    factory_id: str = Field(min_length=1, max_length=8)
    participants: int = Field(ge=1)
    kind: Literal["training", "event"]
    activities: list[str]


def app() -> FastAPI:
    a = FastAPI()
    install(a, "planning", texts=Texts(PLANNING, KERNEL_LOCALE))
    a.include_router(catalogue_router)

    @a.post("/bd/plans")
    async def draft(body: Draft) -> dict:
        check_activities(menu(), "bd", 10, [PlannedActivity(activity=c) for c in body.activities])
        return {}

    @a.get("/bd/plans/{plan_id}")
    async def get_plan(plan_id: str) -> dict:
        raise NotFound("plan", plan_id)

    @a.get("/hello")
    async def hello(request: Request, lang: str = Depends(answer_language)) -> dict:
        return {"lang": lang}

    return a


@pytest.fixture
async def client():  # noqa: ANN201
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://svc") as c:
        yield c


def body(**kw: object) -> dict:
    return {"factory_id": "F1", "participants": 3, "kind": "training", "activities": OVER_BUDGET, **kw}


@pytest.mark.parametrize(("lang", "title", "detail"), [
    ("bn", "একটি নিয়ম ভঙ্গ হয়েছে", "পরিকল্পনাটি 10 ক্রেডিটের বাজেটের মধ্যে 14 ক্রেডিট ব্যবহার করে"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "违反了一条规则", "该计划使用了 14 个学分，而预算为 10 个"),
    ("en", "A rule is broken", "the plan uses 14 credits of a budget of 10"),
])
async def test_a_plan_over_budget_is_refused_in_the_callers_language(client: httpx.AsyncClient, lang: str,
                                                                    title: str, detail: str) -> None:
    r = await client.post("/bd/plans", json=body(), headers={"Accept-Language": lang})
    assert r.status_code == 422, r.text
    p = r.json()
    assert (p["title"], p["detail"]) == (title, detail)
    # what a program reads is the same in every language: the kind, the rule, the field, the activities
    assert p["type"] == "/problems/rule-broken" and p["rule"] == "budget" and p["field"] == "activities"
    assert p["items"] == ["child_friendly_space", "responsible_recruitment"]
    assert p["fields"] == [{"field": "activities", "message": detail}]
    assert r.headers["content-language"] == lang[:2] and "Accept-Language" in r.headers["vary"]
    assert r.headers["content-type"] == "application/problem+json"


async def test_a_rule_whose_values_are_texts_translates_them_too(client: httpx.AsyncClient) -> None:
    """The prerequisites' "x needs y" and the cohorts' "x at most n" are texts inside the rule's text."""
    r = await client.post("/bd/plans", json=body(activities=["family_day", "photo_voice"]),
                          headers={"Accept-Language": "tr"})
    assert r.json()["detail"] == "Ön koşullar eksik: photo_voice için migrant_parents_training gerekir"
    assert r.json()["items"] == ["photo_voice"] and r.json()["rule"] == "prerequisites"
    r = await client.post("/bd/plans", json=body(activities=["family_day", "photo_voice"]))
    assert r.json()["detail"] == "prerequisites missing: photo_voice needs migrant_parents_training"  # as before


async def test_an_unknown_language_is_answered_in_english_byte_for_byte(client: httpx.AsyncClient) -> None:
    plain = await client.post("/bd/plans", json=body())
    for header in ("fr-FR, de;q=0.8", "*", "xx", "zh;q=0", ""):
        r = await client.post("/bd/plans", json=body(), headers={"Accept-Language": header})
        got = {k: v for k, v in r.json().items() if k != "correlation_id"}
        assert got == {k: v for k, v in plain.json().items() if k != "correlation_id"}, header
        assert r.headers["content-language"] == "en"


@pytest.mark.parametrize(("header", "lang"), [("ZH-cn", "zh"), ("bn-BD", "bn"), ("VI", "vi"), ("tr-TR", "tr"),
                                              ("fr, vi;q=0.5", "vi"), ("zh;q=0, tr;q=0.1", "tr")])
async def test_language_tags_are_matched_case_insensitively(client: httpx.AsyncClient, header: str,
                                                            lang: str) -> None:
    r = await client.get("/hello", headers={"Accept-Language": header})
    assert r.json() == {"lang": lang} and r.headers["content-language"] == lang


async def test_lang_in_the_query_wins_over_the_header(client: httpx.AsyncClient) -> None:
    r = await client.get("/bd/plans/p1", params={"lang": "vi"}, headers={"Accept-Language": "zh"})
    assert r.status_code == 404 and r.json()["title"] == "Không tìm thấy"
    assert r.json()["detail"] == "Không tìm thấy kế hoạch p1"  # the noun too
    assert r.headers["content-language"] == "vi"


PYDANTIC = [  # (body, field, type, the Chinese message)
    ({"participants": 3, "kind": "training", "activities": []}, "factory_id", "missing", "此字段为必填项"),
    (body(factory_id=""), "factory_id", "string_too_short", "字符串至少应有 1 个字符"),
    (body(factory_id="F" * 9), "factory_id", "string_too_long", "字符串最多应有 8 个字符"),
    (body(participants=0), "participants", "greater_than_equal", "输入应大于或等于 1"),
    (body(participants="many"), "participants", "int_parsing", "输入应为有效的整数，无法将字符串解析为整数"),
    (body(kind="party"), "kind", "literal_error", "输入应为 'training' or 'event'"),
    (body(activities="family_day"), "activities", "list_type", "输入应为有效的列表"),
]


@pytest.mark.parametrize(("sent", "field", "kind", "zh"), PYDANTIC, ids=[p[2] for p in PYDANTIC])
async def test_invalid_input_is_explained_in_the_callers_language(client: httpx.AsyncClient, sent: dict,
                                                                  field: str, kind: str, zh: str) -> None:
    english = await client.post("/bd/plans", json=sent)
    r = await client.post("/bd/plans", json=sent, headers={"Accept-Language": "zh-CN"})
    assert r.status_code == english.status_code == 422
    p, e = r.json(), english.json()
    assert p["title"] == "输入无效" and p["detail"] == f"输入无效：{field}"
    assert [(f["field"], f["type"]) for f in p["fields"]] == [(field, kind)]  # named as in English
    assert p["fields"][0]["message"] == zh
    assert e["title"] == "Invalid input" and e["detail"] == f"invalid input: {field}"
    assert e["fields"][0]["message"] != zh and e["fields"][0]["message"][0].isupper()  # pydantic's own English
    assert r.headers["content-language"] == "zh" and english.headers["content-language"] == "en"


async def test_every_language_explains_a_missing_field(client: httpx.AsyncClient) -> None:
    said = set()
    for lang in LANGUAGES:
        r = await client.post("/bd/plans", json={}, headers={"Accept-Language": lang})
        fields = r.json()["fields"]
        assert {f["field"] for f in fields} == {"factory_id", "participants", "kind", "activities"}
        said.add(fields[0]["message"])
    assert len(said) == len(LANGUAGES)  # five different texts
    assert "Field required" in said


async def test_refusals_before_any_route_speak_too(client: httpx.AsyncClient) -> None:
    """The middlewares' answers (a body that is not JSON, a number that is not finite)."""
    r = await client.post("/bd/plans", content=b"x=1", headers={"Content-Type": "text/plain",
                                                                "Accept-Language": "vi"})
    assert r.status_code == 415 and r.json()["title"] == "Kiểu dữ liệu không được hỗ trợ"
    assert r.json()["detail"] == "Nội dung phải là JSON (Content-Type: application/json), không phải text/plain"
    assert r.headers["content-language"] == "vi" and r.json()["field"] == "Content-Type"
    r = await client.post("/bd/plans", content=b'{"participants": NaN}',
                          headers={"Content-Type": "application/json", "Accept-Language": "bn"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "participants"
    assert r.json()["fields"][0]["message"] == "NaN কোনো JSON সংখ্যা নয়: সংখ্যা সসীম হতে হবে (RFC 8259)"


async def test_the_menu_names_its_activities_and_areas_in_vietnamese(client: httpx.AsyncClient) -> None:
    english = await client.get("/catalogue")
    r = await client.get("/catalogue", headers={"Accept-Language": "vi-VN"})
    assert r.status_code == 200 and r.headers["content-language"] == "vi"
    assert "Accept-Language" in r.headers["vary"]
    names = {a["code"]: a["name"] for a in r.json()["activities"]}
    assert names["family_day"] == "Ngày hội gia đình"
    assert names["training_of_trainers"] == "Chương trình Đào tạo giảng viên"
    assert r.json()["areas"]["childcare"] == "Giải pháp chăm sóc trẻ"
    # the codes, credits and rules are the same; only the names differ
    strip = lambda d: {**d, "areas": sorted(d["areas"]), "activities": [  # noqa: E731
        {k: v for k, v in a.items() if k != "name"} for a in d["activities"]]}
    assert strip(r.json()) == strip(english.json())
    assert {a["name"] for a in english.json()["activities"]} >= {"Family Day", "Training the Trainer Programme"}
    # a cached copy in one language is not another's: the ETag differs, and 304 keeps the headers
    assert r.headers["etag"] != english.headers["etag"]
    again = await client.get("/catalogue", headers={"Accept-Language": "vi", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.headers["vary"] == r.headers["vary"]
    other = await client.get("/catalogue", headers={"Accept-Language": "tr", "If-None-Match": r.headers["etag"]})
    assert other.status_code == 200 and other.json()["areas"]["childcare"] == "Çocuk bakımı çözümleri"


# -- the catalogues -------------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
FOLDERS = {"shared": ROOT / "shared", **{s: ROOT / "services" / s for s in
                                        ("assessment", "planning", "delivery", "evaluation", "buyers")}}


def _locale(name: str) -> Path:
    return FOLDERS[name] / "locale"


def used(name: str) -> set[str]:
    """The texts the code of `name` marks for a catalogue (N_), and the names of its configuration."""
    from babel.messages.extract import extract_from_dir

    out = {m for _, _, m, _, _ in extract_from_dir(str(FOLDERS[name]), method_map=[("**.py", "python")],
                                                     keywords={"N_": None}, comment_tags=())}
    if name == "shared":
        out |= {*menu().areas.values(), *(a.name for a in menu().activities.values())}
    if name == "assessment":
        out |= {i.label for i in checklist().items.values()}
    return out


def translated(c: Catalogue, lang: str) -> dict[str, str]:
    """The texts a catalogue translates (a translation may be written as its English is: Turkish "plan")."""
    from babel.messages.pofile import read_po

    if not c.po(lang).exists():
        return {}
    with c.po(lang).open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}


@pytest.mark.parametrize("name", list(FOLDERS))
def test_every_text_the_code_uses_is_in_every_catalogue_with_its_placeholders(name: str) -> None:
    catalogues = [Catalogue(_locale(name), "api")]
    if name == "evaluation":  # the reports' texts (the journey's lines, roles, steps) are the reports' catalogue's
        catalogues.append(Catalogue(_locale(name), "reports"))
    wanted = used(name)
    assert wanted, name
    for lang in LANGUAGES[1:]:
        assert catalogues[0].po(lang).exists(), catalogues[0].po(lang)
        have = {k: v for c in reversed(catalogues) for k, v in translated(c, lang).items()}
        missing = sorted(m for m in wanted if m not in have)
        broken = [(m, have[m]) for m in sorted(wanted & have.keys())
                  if sorted(PLACEHOLDER.findall(have[m])) != sorted(PLACEHOLDER.findall(m))]
        assert not missing, (name, lang, missing)
        assert not broken, (name, lang, broken)


@pytest.mark.parametrize("name", list(FOLDERS))
def test_each_catalogue_has_its_template_and_nothing_the_code_no_longer_uses(name: str) -> None:
    from babel.messages.pofile import read_po

    with (_locale(name) / "api.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert template <= used(name), sorted(template - used(name))
    for lang in LANGUAGES[1:]:
        with Catalogue(_locale(name), "api").po(lang).open("rb") as f:
            assert {m.id for m in read_po(f) if m.id} == template, (name, lang)
