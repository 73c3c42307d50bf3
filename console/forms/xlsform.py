"""The field forms, built from the instruments' data (one source of truth):
the worker needs survey (services/assessment/config/survey_v<N>.toml), the
policies checklist (config/checklist.toml), the demographics and the
management interview of an assessment, and a session's attendance of a
delivery plan (the roles, sexes and age bands of shared.contracts). Each is
an XLSForm (sheets survey, choices, settings) in en, zh, bn, vi and tr,
turned into an XForm by pyxform, whose own checks run on every form.

Texts the instruments do not translate (the checklist's items, the roles,
the forms' own prompts) come from the catalogue
console/locale/<lang>/LC_MESSAGES/forms.po.

A form is bound to its target: one form per open assessment and kind
(survey, checklist, demographics, management) and one per delivery plan
(attendance). Its id names the kind, the country and the target
(`wecare-survey-bd-A1`), its title the factory ("Needs survey — Dhaka
Knitwear"), and calculated fields carry the target's ids into every
submission and export, so a submission says what it is for even read
alone. Its version is the instrument's version and a hash of the form's
content: a changed instrument, target or translation is a new version, and
the same content always the same version."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from pyxform.xls2xform import convert

from services.assessment.domain.checklist import checklist
from services.assessment.domain.survey import Instrument, instrument
from shared.contracts.assessment import AGE_BANDS as HEADCOUNT_BANDS
from shared.contracts.delivery import AGE_BANDS, ROLES
from shared.countries import countries
from shared.i18n import LANGUAGES, Catalogue
from shared.menu import menu

LOCALE = Path(__file__).parent.parent / "locale"
DOMAIN = "forms"
# XLSForm's language columns: a name and the language's code (label::English (en))
LANGUAGE_COLUMNS = {"en": "English (en)", "zh": "中文 (zh)", "bn": "বাংলা (bn)", "vi": "Tiếng Việt (vi)",
                    "tr": "Türkçe (tr)"}
LANGUAGE_LABELS = {"en": "English", "zh": "中文", "bn": "বাংলা", "vi": "Tiếng Việt", "tr": "Türkçe"}
KINDS = ("survey", "checklist", "demographics", "management", "attendance")
ASSESSMENT_KINDS = KINDS[:4]
PREFIX = "wecare"
FORMS_VERSION = 1  # the forms' own layout (demographics, management, attendance have no instrument version)
SEXES = ("female", "male")
POLICY_STATUSES = ("in_place", "partial", "missing")
PRIORITIES = ("low", "medium", "high")
INSTANCE_ID = "instanceID"


class FormError(ValueError):
    """A form id or a value that does not fit the form: `field` names the form's field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# -- texts ------------------------------------------------------------------------------------


@cache
def _catalogue() -> Catalogue:
    return Catalogue(LOCALE, DOMAIN)


def translations(text: str) -> dict[str, str]:
    """A text of the catalogue in every language (English: the text itself)."""
    out = {}
    for lang in LANGUAGES:
        out[lang] = text if lang == "en" else _catalogue().translations(lang).gettext(text)
    return out


def _fmt(texts: Mapping[str, str], **values: str) -> dict[str, str]:
    return {lang: t % values for lang, t in texts.items()}


def _plain(text: str) -> str:
    """A value shown in a label (a factory's name): no XLSForm reference (${...}) in it."""
    return text.replace("${", "$ {")


# -- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a form is for: an open assessment (survey, checklist, demographics,
    management) or a delivery plan (attendance), of a factory in a country."""

    kind: str
    country: str
    target_id: str  # the assessment id, or the plan id
    factory_id: str
    factory_name: str
    survey_version: int = 1
    activities: tuple[tuple[str, str], ...] = ()  # a plan's activities: (code, name)

    @property
    def form_id(self) -> str:
        return form_id(self.kind, self.country, self.target_id)


def form_id(kind: str, country: str, target_id: str) -> str:
    return f"{PREFIX}-{kind}-{country}-{target_id}"


def parse_form_id(fid: str) -> tuple[str, str, str]:
    """(kind, country, target id) of a form id; FormError naming `form_id` if it is none of ours."""
    parts = fid.split("-", 3)
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in KINDS or parts[2] not in countries() \
            or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,201}", parts[3]):
        raise FormError("form_id", f"{fid[:100]!r} is not a form of this server")
    return parts[1], parts[2], parts[3]


# -- the form's fields, as a submission or an export carries them ---------------------------------


@dataclass(frozen=True)
class Field:
    name: str  # unique in the form: an export's column without its groups
    path: str  # from the instance's root, groups and repeats joined by "/"
    type: str  # XLSForm type: select_one, select_multiple, integer, text, dateTime, calculate, note
    choices: tuple[str, ...] = ()
    repeat: str | None = None  # the repeat group holding it


@dataclass
class XLSForm:
    target: Target
    title: str
    version: str
    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]
    fields: dict[str, Field]
    repeats: dict[str, str]  # repeat name -> its path
    api_fields: dict[str, str] = field(default_factory=dict)  # the API's field -> the form's field

    @property
    def form_id(self) -> str:
        return self.target.form_id

    def sheets(self) -> dict[str, list[dict[str, str]]]:
        return {"survey": self.survey, "choices": self.choices, "settings": [self.settings]}

    def xform(self) -> str:
        return _xform(json.dumps(self.sheets(), ensure_ascii=False, sort_keys=True), self.target.kind)

    def xlsx(self) -> bytes:
        """The XLSForm as a workbook (to publish the same form on KoboToolbox or ODK Central)."""
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in self.sheets().items():
            ws = wb.create_sheet(name)
            columns: list[str] = []
            for r in rows:
                columns += [c for c in r if c not in columns]
            ws.append(columns)
            for r in rows:
                ws.append([r.get(c, "") for c in columns])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


@lru_cache(maxsize=256)  # an attendance form is ~135 kB of XForm: ~35 MB at most
def _xform(sheets: str, root: str) -> str:
    """pyxform's conversion (its own checks included: an error raises). The same sheets, the same XForm."""
    warnings: list[str] = []
    result = convert(json.loads(sheets), warnings=warnings, form_name=root, pretty_print=False)
    if warnings:
        raise ValueError(f"pyxform warns about the generated form: {'; '.join(warnings)}")
    return result.xform


def validate(form: XLSForm) -> None:
    """pyxform's conversion with ODK Validate (JavaRosa, the jar pyxform ships; needs java)."""
    convert(form.sheets(), form_name=form.target.kind, validate=True)


class _Builder:
    """Rows of an XLSForm's survey and choices sheets, keeping every field's path."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.choices: list[dict[str, str]] = []
        self.lists: set[str] = set()
        self.stack: list[tuple[str, str]] = []  # (kind, name) of the open groups and repeats
        self.fields: dict[str, Field] = {}
        self.repeats: dict[str, str] = {}

    @staticmethod
    def texts(column: str, texts: Mapping[str, str] | None) -> dict[str, str]:
        if not texts:
            return {}
        return {f"{column}::{LANGUAGE_COLUMNS[lang]}": texts[lang] for lang in LANGUAGES}

    def choice_list(self, name: str, options: list[tuple[str, Mapping[str, str]]]) -> str:
        if name not in self.lists:
            self.lists.add(name)
            for ident, labels in options:
                self.choices.append({"list_name": name, "name": ident, **self.texts("label", labels)})
        return name

    def _path(self, name: str) -> str:
        return "/".join([*(n for _, n in self.stack), name])

    def add(self, type_: str, name: str, label: Mapping[str, str] | None = None, *, hint: Mapping[str, str]
            | None = None, constraint_message: Mapping[str, str] | None = None, **columns: str) -> None:
        if name in self.fields or name in self.repeats:
            raise ValueError(f"two fields named {name}")
        kind, _, list_name = type_.partition(" ")
        options = tuple(c["name"] for c in self.choices if c["list_name"] == list_name) if list_name else ()
        repeat = next((n for k, n in reversed(self.stack) if k == "repeat"), None)
        if kind != "note":
            self.fields[name] = Field(name, self._path(name), kind, options, repeat)
        self.rows.append({"type": type_, "name": name, **self.texts("label", label), **self.texts("hint", hint),
                          **self.texts("constraint_message", constraint_message), **columns})

    def begin(self, kind: str, name: str, label: Mapping[str, str] | None = None, **columns: str) -> None:
        if kind == "repeat":
            self.repeats[name] = self._path(name)
        self.rows.append({"type": f"begin_{kind}", "name": name, **self.texts("label", label), **columns})
        self.stack.append((kind, name))

    def end(self) -> None:
        kind, _ = self.stack.pop()
        self.rows.append({"type": f"end_{kind}"})


def _finish(b: _Builder, target: Target, title: Mapping[str, str], instrument_version: int,
            api_fields: dict[str, str] | None = None) -> XLSForm:
    title_en = _plain(title["en"] % {"factory": target.factory_name})
    settings = {"form_id": target.form_id, "form_title": title_en,
                "default_language": LANGUAGE_COLUMNS["en"], "style": "pages"}
    content = json.dumps([b.rows, b.choices, settings], ensure_ascii=False, sort_keys=True)
    version = f"{instrument_version}.{hashlib.sha256(content.encode()).hexdigest()[:10]}"
    settings = {**settings, "version": version}
    return XLSForm(target, title_en, version, b.rows, b.choices, settings, b.fields, b.repeats, api_fields or {})


def _target_fields(b: _Builder, target: Target, id_name: str) -> None:
    """The target's ids, calculated: every submission and export carries them."""
    b.add("calculate", "country", calculation=f"'{target.country}'")
    b.add("calculate", id_name, calculation=f"'{target.target_id}'")


def _intro(b: _Builder, title: Mapping[str, str], target: Target, *more: Mapping[str, str]) -> None:
    texts = _fmt(title, factory=_plain(target.factory_name))
    for m in more:
        texts = {lang: f"{texts[lang]}\n\n{m[lang]}" for lang in LANGUAGES}
    b.add("note", "intro", texts)


YES_NO = (("yes", "Yes"), ("no", "No"))


def _yes_no(b: _Builder) -> str:
    return b.choice_list("yes_no", [(k, translations(t)) for k, t in YES_NO])


NON_NEGATIVE = "Must be 0 or more"


def _count(b: _Builder, name: str, label: Mapping[str, str], required: bool = True,
           constraint: str = ". >= 0 and . <= 1000000", **columns: str) -> None:
    b.add("integer", name, label, constraint=constraint,
          constraint_message=translations(NON_NEGATIVE), **({"required": "yes"} if required else {}), **columns)


# -- the forms ------------------------------------------------------------------------------------


SURVEY_TITLE = "Needs survey — %(factory)s"
SURVEY_NOTE = "Anonymous: never write a worker's name or any other detail that could identify them."
LANGUAGE_QUESTION = "Language of the interview"


def _relevance(inst: Instrument, qid: str) -> str | None:
    q = inst.questions[qid]
    if q.ask_if is None:
        return None
    other, allowed = q.ask_if
    return "(" + " or ".join(f"selected(${{{other}}}, '{v}')" for v in allowed) + ")"


def survey_form(target: Target) -> XLSForm:
    inst = instrument(target.survey_version)
    b = _Builder()
    _target_fields(b, target, "assessment_id")
    _intro(b, translations(SURVEY_TITLE), target, translations(SURVEY_NOTE))
    langs = b.choice_list("languages", [(lang, dict.fromkeys(LANGUAGES, LANGUAGE_LABELS[lang]))
                                        for lang in inst.languages])
    default = next((lang for lang in countries()[target.country].languages if lang in inst.languages), "en")
    b.add("select_one " + langs, "language", translations(LANGUAGE_QUESTION), required="yes", default=default)
    for q in inst.questions.values():
        cols: dict[str, str] = {}
        if q.required:
            cols["required"] = "yes"
        rel = _relevance(inst, q.id)
        if rel:
            cols["relevant"] = rel
        if q.kind in ("single", "multi"):
            lst = b.choice_list(f"q_{q.id}", [(o, q.labels[o]) for o in q.options])
            b.add(("select_one " if q.kind == "single" else "select_multiple ") + lst, q.id, q.text, **cols)
        else:  # scale: its points as choices, the ends labelled as the instrument labels them
            low, high = _scale_ends(inst, q.id)
            points = [(str(n), {lang: (f"{n} — {low[lang]}" if n == q.min else f"{n} — {high[lang]}"
                                       if n == q.max else str(n)) for lang in LANGUAGES})
                      for n in range(q.min or 1, (q.max or 5) + 1)]
            lst = b.choice_list(f"q_{q.id}", points)
            b.add("select_one " + lst, q.id, q.text, appearance="likert", **cols)
    return _finish(b, target, translations(SURVEY_TITLE), inst.version)


@cache
def _scale_labels(version: int) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """labels_low / labels_high of the instrument's scales (the survey module keeps only min and max)."""
    import tomllib

    from services.assessment.domain import survey as survey_module

    path = Path(survey_module.__file__).parent.parent / "config" / f"survey_v{version}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {q["id"]: (q.get("labels_low", {}), q.get("labels_high", {})) for q in data["questions"]
            if q["kind"] == "scale"}


def _scale_ends(inst: Instrument, qid: str) -> tuple[dict[str, str], dict[str, str]]:
    low, high = _scale_labels(inst.version).get(qid, ({}, {}))
    q = inst.questions[qid]
    return ({lang: low.get(lang) or str(q.min) for lang in LANGUAGES},
            {lang: high.get(lang) or str(q.max) for lang in LANGUAGES})


CHECKLIST_TITLE = "Policies checklist — %(factory)s"
CHECKLIST_GROUPS = {"mothers_at_work": "Mothers@Work minimum standards", "wecare": "WeCare's areas"}
STATUS_LABELS = {"in_place": "In place", "partial": "Partly in place", "missing": "Missing"}
LEAVE_DAYS = "Days of paid maternity leave"
NOTE = "Note (optional)"


def checklist_form(target: Target) -> XLSForm:
    cl = checklist()
    b = _Builder()
    _target_fields(b, target, "assessment_id")
    _intro(b, translations(CHECKLIST_TITLE), target)
    status = b.choice_list("policy_status", [(s, translations(STATUS_LABELS[s])) for s in POLICY_STATUSES])
    api: dict[str, str] = {}
    for group, group_label in CHECKLIST_GROUPS.items():
        items = [i for i in cl.items.values() if i.group == group]
        if not items:
            continue
        b.begin("group", group, translations(group_label))
        for item in items:
            b.add("select_one " + status, item.id, translations(item.label), required="yes")
            api[f"items.{item.id}.status"] = api[f"items.{item.id}"] = item.id
            if item.asks_days:
                b.add("integer", f"{item.id}_days", translations(LEAVE_DAYS), required="yes",
                      relevant=f"${{{item.id}}} != 'missing'", constraint=". >= 0 and . <= 1000",
                      constraint_message=translations(NON_NEGATIVE))
                api[f"items.{item.id}.days"] = f"{item.id}_days"
            b.add("text", f"{item.id}_note", translations(NOTE), relevant=f"${{{item.id}}} != ''")
            api[f"items.{item.id}.note"] = f"{item.id}_note"
        b.end()
    return _finish(b, target, translations(CHECKLIST_TITLE), cl.version, api)


DEMOGRAPHICS_TITLE = "Worker demographics — %(factory)s"
DEMOGRAPHICS_NOTE = "From the factory's records: counts only, no names."
SEX_GROUPS = {"female": "Women workers by age", "male": "Men workers by age"}
DEMOGRAPHIC_COUNTS = {
    "migrant_workers": "Migrant workers",
    "parent_workers": "Workers who are parents of children under 18",
    "left_behind_children": "Children of workers living apart from their parents",
    "maternity_leave_12m": "Women who took maternity leave in the last 12 months",
    "returned_after_maternity_12m": "Of those, women who came back to work",
}
RETURNED_MESSAGE = "Cannot be more than the women who took maternity leave"


def _age_band_labels() -> dict[str, dict[str, str]]:
    """The age bands as the survey instrument words them (and 'Under 16 years', from the catalogue)."""
    labels = dict(instrument(1).questions["age_band"].labels)
    labels["under_16"] = translations("Under 16 years")
    return labels


def demographics_form(target: Target) -> XLSForm:
    b = _Builder()
    _target_fields(b, target, "assessment_id")
    _intro(b, translations(DEMOGRAPHICS_TITLE), target, translations(DEMOGRAPHICS_NOTE))
    bands = _age_band_labels()
    api: dict[str, str] = {}
    for sex in SEXES:
        b.begin("group", f"headcount_{sex}", translations(SEX_GROUPS[sex]), appearance="field-list")
        for band in HEADCOUNT_BANDS:
            _count(b, f"{sex}_{band}", bands[band])
            api[f"demographics.headcount.{sex}.{band}"] = f"{sex}_{band}"
        b.end()
    b.begin("group", "workers", translations("Workers and families"), appearance="field-list")
    for name, label in DEMOGRAPHIC_COUNTS.items():
        extra = {}
        if name == "returned_after_maternity_12m":
            extra = {"constraint": ". >= 0 and . <= ${maternity_leave_12m}"}
        if extra:
            b.add("integer", name, translations(label), required="yes", constraint_message=translations(
                RETURNED_MESSAGE), **extra)
        else:
            _count(b, name, translations(label))
        api[f"demographics.{name}"] = name
    b.end()
    return _finish(b, target, translations(DEMOGRAPHICS_TITLE), FORMS_VERSION, api)


MANAGEMENT_TITLE = "Management interview — %(factory)s"
PRIORITY_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}


def management_form(target: Target) -> XLSForm:
    b = _Builder()
    _target_fields(b, target, "assessment_id")
    _intro(b, translations(MANAGEMENT_TITLE), target)
    areas = b.choice_list("need_areas", [(code, translations(name)) for code, name in menu().areas.items()])
    priority = b.choice_list("priority", [(p, translations(PRIORITY_LABELS[p])) for p in PRIORITIES])
    b.begin("repeat", "findings", translations("Finding"))
    b.add("select_one " + areas, "finding_area", translations("Need area"), required="yes")
    b.add("text", "finding_text", translations("What the management said or showed"), required="yes")
    b.add("select_one " + priority, "finding_priority", translations("Priority"), required="yes", default="medium")
    b.end()
    return _finish(b, target, translations(MANAGEMENT_TITLE), FORMS_VERSION,
                   {"findings.area": "finding_area", "findings.text": "finding_text",
                    "findings.priority": "finding_priority"})


ATTENDANCE_TITLE = "Session and attendance — %(factory)s"
ROLE_LABELS = {"manager": "Managers", "supervisor": "Supervisors", "worker": "Workers",
               "parent_worker": "Parent workers", "child": "Children"}
SEX_LABELS = {"female": "Women and girls", "male": "Men and boys"}
ATTENDANCE_TEXTS = {
    "activity": "Activity",
    "local_start": "Start of the session",
    "venue": "Venue",
    "online": "Was it held online?",
    "trainers": "Trainers (their ids, separated by spaces)",
    "capacity": "Places",
    "expected_participants": "People expected",
    "took_place": "Did the session take place?",
    "delivered_at": "When it ended",
    "roles": "Who came? (choose all that apply)",
    "identified": "Were there participants with an id (for example, managers in a training of trainers)?",
    "participants": "Participant with an id",
    "participant_id": "Participant's id",
    "participant_role": "Role",
    "participant_sex": "Sex",
    "participant_age_band": "Age band",
}
COUNT_HINT = "People without an id, by sex and age band; leave a box empty for none."
EXPECTED_MESSAGE = "Cannot be more than the places"
ID_MESSAGE = "Letters, digits and . _ : - only"


def count_name(role: str, sex: str, band: str) -> str:
    return f"{role}_{sex}_{band}"


def attendance_form(target: Target) -> XLSForm:
    b = _Builder()
    _target_fields(b, target, "plan_id")
    _intro(b, translations(ATTENDANCE_TITLE), target)
    t = {k: translations(v) for k, v in ATTENDANCE_TEXTS.items()}
    names = menu().activities
    acts = b.choice_list("activities", [(code, translations(names[code].name) if code in names else
                                         dict.fromkeys(LANGUAGES, name)) for code, name in target.activities])
    yn = _yes_no(b)
    roles = b.choice_list("roles", [(r, translations(ROLE_LABELS[r])) for r in ROLES])
    sexes = b.choice_list("sexes", [(s, translations(SEX_LABELS[s])) for s in SEXES])
    bands = _age_band_labels()
    age_bands = b.choice_list("age_bands", [(a, bands[a]) for a in AGE_BANDS])
    b.add("select_one " + acts, "activity", t["activity"], required="yes")
    b.add("dateTime", "local_start", t["local_start"], required="yes")
    b.add("text", "venue", t["venue"])
    b.add("select_one " + yn, "online", t["online"], required="yes", default="no")
    b.add("text", "trainers", t["trainers"], required="yes", constraint="regex(., '^[A-Za-z0-9_.:@ -]+$')",
          constraint_message=translations(ID_MESSAGE))
    _count(b, "capacity", t["capacity"], constraint=". >= 1 and . <= 10000")
    b.add("integer", "expected_participants", t["expected_participants"], required="yes",
          constraint=". >= 0 and . <= ${capacity}", constraint_message=translations(EXPECTED_MESSAGE))
    b.add("select_one " + yn, "took_place", t["took_place"], required="yes")
    b.begin("group", "attendance", None, relevant="${took_place} = 'yes'")
    b.add("dateTime", "delivered_at", t["delivered_at"], required="yes")
    b.add("select_multiple " + roles, "roles", t["roles"])
    hint = translations(COUNT_HINT)
    for role in ROLES:
        b.begin("group", f"counts_{role}", translations(ROLE_LABELS[role]), appearance="field-list",
                relevant=f"selected(${{roles}}, '{role}')")
        b.add("note", f"counts_{role}_hint", hint)
        for sex in SEXES:
            for band in AGE_BANDS:
                label = {lang: f"{translations(SEX_LABELS[sex])[lang]} · {bands[band][lang]}" for lang in LANGUAGES}
                _count(b, count_name(role, sex, band), label, required=False)
        b.end()
    b.add("select_one " + yn, "identified", t["identified"], required="yes", default="no")
    b.begin("repeat", "participants", t["participants"], relevant="${identified} = 'yes'")
    b.add("text", "participant_id", t["participant_id"], required="yes",
          constraint="regex(., '^[A-Za-z0-9_.:-]{1,100}$')", constraint_message=translations(ID_MESSAGE))
    b.add("select_one " + roles, "participant_role", t["participant_role"], required="yes")
    b.add("select_one " + sexes, "participant_sex", t["participant_sex"], required="yes")
    b.add("select_one " + age_bands, "participant_age_band", t["participant_age_band"], required="yes")
    b.end()
    b.end()
    api = {k: k for k in ("activity", "local_start", "venue", "online", "trainers", "capacity",
                          "expected_participants")}
    api.update({"attendance.delivered_at": "delivered_at", "delivered_at": "delivered_at",
                "attendance.trainers": "trainers", "attendance": "took_place", "attendance.counts": "roles",
                "attendance.participants": "participants", "participants": "participants",
                "attendance.participants.id": "participant_id", "attendance.participants.role": "participant_role",
                "attendance.participants.sex": "participant_sex",
                "attendance.participants.age_band": "participant_age_band"})
    return _finish(b, target, translations(ATTENDANCE_TITLE), menu().version, api)


BUILDERS: dict[str, Callable[[Target], XLSForm]] = {
    "survey": survey_form, "checklist": checklist_form, "demographics": demographics_form,
    "management": management_form, "attendance": attendance_form,
}


def build(target: Target) -> XLSForm:
    return BUILDERS[target.kind](target)


def catalogue_texts() -> list[str]:
    """Every text the forms take from the catalogue (the tests hold each .po to it)."""
    texts = [SURVEY_TITLE, SURVEY_NOTE, LANGUAGE_QUESTION, CHECKLIST_TITLE, *CHECKLIST_GROUPS.values(),
             *STATUS_LABELS.values(), LEAVE_DAYS, NOTE, NON_NEGATIVE, DEMOGRAPHICS_TITLE, DEMOGRAPHICS_NOTE,
             *SEX_GROUPS.values(), *DEMOGRAPHIC_COUNTS.values(), RETURNED_MESSAGE, "Workers and families",
             "Under 16 years", MANAGEMENT_TITLE, *PRIORITY_LABELS.values(), "Finding", "Need area",
             "What the management said or showed", "Priority", ATTENDANCE_TITLE, *ROLE_LABELS.values(),
             *SEX_LABELS.values(), *ATTENDANCE_TEXTS.values(), COUNT_HINT, EXPECTED_MESSAGE, ID_MESSAGE,
             *(t for _, t in YES_NO), *(i.label for i in checklist().items.values()), *menu().areas.values(),
             *(a.name for a in menu().activities.values())]
    return list(dict.fromkeys(texts))
