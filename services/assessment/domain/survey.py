"""The worker needs survey: the instrument is data (config/survey_v<N>.toml,
question texts in five languages); answers are validated against it and the
indicators the seeds quote are computed from the responses."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shared.aggregate import DomainError
from shared.contracts.assessment import Indicator
from shared.i18n import N_

_CONFIG = Path(__file__).parent.parent / "config"
MIN_RESPONDENTS = 5  # aggregates over fewer people are suppressed

Answer = str | int | list[str]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # single | multi | scale
    required: bool
    text: dict[str, str]
    options: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    min: int | None
    max: int | None
    ask_if: tuple[str, tuple[str, ...]] | None

    def applies(self, answers: Mapping[str, Answer]) -> bool:
        if self.ask_if is None:
            return True
        q, allowed = self.ask_if
        return answers.get(q) in allowed


@dataclass(frozen=True)
class Instrument:
    name: str
    version: int
    languages: tuple[str, ...]
    questions: dict[str, Question]

    def render(self, language: str) -> dict[str, Any]:
        if language not in self.languages:
            raise DomainError(N_("language %(language)s not offered; offered: %(languages)s"),
                              params={"language": repr(language), "languages": ', '.join(self.languages)}, field="lang",
                              rule="language")
        return {"instrument": self.name, "version": self.version, "language": language, "questions": [
            {"id": q.id, "kind": q.kind, "required": q.required, "text": q.text[language],
             "options": [{"id": o, "label": q.labels[o][language]} for o in q.options],
             **({"min": q.min, "max": q.max} if q.kind == "scale" else {}),
             **({"ask_if": {"question": q.ask_if[0], "in": list(q.ask_if[1])}} if q.ask_if else {})}
            for q in self.questions.values()]}


@cache
def instrument(version: int = 1) -> Instrument:
    path = _CONFIG / f"survey_v{version}.toml"
    if not path.exists():
        raise DomainError(N_("no survey instrument version %(version)s"), params={"version": version},
                          field="survey_version", rule="instrument")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    qs: dict[str, Question] = {}
    for q in data["questions"]:
        opts = q.get("options", [])
        ask = q.get("ask_if")
        qs[q["id"]] = Question(
            id=q["id"], kind=q["kind"], required=bool(q.get("required", False)), text=q["text"],
            options=tuple(o["id"] for o in opts), labels={o["id"]: o["label"] for o in opts},
            min=q.get("min"), max=q.get("max"),
            ask_if=(ask["question"], tuple(ask["in"])) if ask else None)
    return Instrument(data["instrument"], int(data["version"]), tuple(data["languages"]), qs)


def validate_answers(inst: Instrument, answers: Mapping[str, Any], language: str) -> dict[str, Answer]:
    """Every answer must belong to the instrument and be one of its options;
    every required question that applies must be answered; a question that
    does not apply must not be. Errors name the field answers.<question>."""
    if language not in inst.languages:
        raise DomainError(N_("language %(language)s not offered"), params={"language": repr(language)},
                          field="language", rule="language")
    for qid in answers:
        if qid not in inst.questions:
            raise DomainError(N_("no question %(qid)s in survey v%(version)s"),
                              params={"qid": repr(qid), "version": inst.version}, field=f"answers.{qid}",
                              rule="known_question")
    for q in inst.questions.values():
        field = f"answers.{q.id}"
        if q.id not in answers:
            if q.required and q.applies(answers):
                raise DomainError(N_("question %(id)s is required"), params={"id": q.id}, field=field,
                                  rule="required_answer")
            continue
        if not q.applies(answers):
            raise DomainError(N_("question %(id)s does not apply to this respondent"), params={"id": q.id}, field=field,
                              rule="not_applicable")
        v = answers[q.id]
        if q.kind == "single":
            if not isinstance(v, str) or v not in q.options:
                raise DomainError(N_("%(v)s is not an option of %(id)s (%(options)s)"),
                                  params={"v": repr(v), "id": q.id, "options": ', '.join(q.options)}, field=field,
                                  rule="option")
        elif q.kind == "multi":
            if not isinstance(v, list) or any(not isinstance(x, str) or x not in q.options for x in v) \
                    or len(set(v)) != len(v):
                raise DomainError(N_("%(v)s is not a set of options of %(id)s"), params={"v": repr(v), "id": q.id},
                                  field=field, rule="option")
        elif q.kind == "scale":
            if isinstance(v, bool) or not isinstance(v, int) or not (q.min <= v <= q.max):  # type: ignore[operator]
                raise DomainError(N_("%(v)s is outside %(min)s..%(max)s for %(id)s"),
                                  params={"v": repr(v), "min": q.min, "max": q.max, "id": q.id}, field=field,
                                  rule="scale")
    return dict(answers)


def _share(responses: Iterable[Mapping[str, Answer]], among, hit) -> Indicator:  # noqa: ANN001
    den = num = 0
    for a in responses:
        if among(a):
            den += 1
            num += 1 if hit(a) else 0
    if den < MIN_RESPONDENTS:
        return Indicator(suppressed=True)
    return Indicator(value=round(num / den, 4), numerator=num, denominator=den)


def _mean(responses: Iterable[Mapping[str, Answer]], qid: str) -> Indicator:
    vals = [a[qid] for a in responses if isinstance(a.get(qid), int)]
    if len(vals) < MIN_RESPONDENTS:
        return Indicator(suppressed=True)
    return Indicator(value=round(sum(vals) / len(vals), 3), numerator=sum(vals), denominator=len(vals))  # type: ignore[arg-type]


def indicators(responses: list[Mapping[str, Answer]]) -> dict[str, Indicator]:
    """The indicators the seeds quote, from the responses."""
    parent = lambda a: a.get("is_parent") == "yes"  # noqa: E731
    separated = lambda a: a.get("children_live_with") in ("apart", "some_apart")  # noqa: E731
    everyone = lambda a: True  # noqa: E731
    out = {
        "share_parents_cannot_afford_basics": _share(
            responses, lambda a: parent(a) and "afford_basics" in a, lambda a: a["afford_basics"] == "no"),
        "share_separated_parents_feel_guilty": _share(
            responses, lambda a: separated(a) and "feel_guilty" in a, lambda a: a["feel_guilty"] == "yes"),
        "share_women_not_returned_after_pregnancy": _share(
            responses, lambda a: a.get("returned_after_pregnancy") in ("returned", "did_not_return"),
            lambda a: a["returned_after_pregnancy"] == "did_not_return"),
        "share_parents_need_childcare": _share(
            responses, lambda a: parent(a) and "needs_childcare" in a, lambda a: a["needs_childcare"] == "yes"),
        "share_paid_recruitment_fee": _share(responses, everyone, lambda a: a.get("recruitment_fee") == "yes"),
        "share_migrant": _share(responses, everyone, lambda a: a.get("migrant") == "yes"),
        "share_parents": _share(responses, everyone, parent),
        "share_separated_parents": _share(responses, parent, separated),
        "share_female_respondents": _share(responses, everyone, lambda a: a.get("sex") == "female"),
        "share_juvenile_respondents": _share(responses, everyone, lambda a: a.get("age_band") == "16_17"),
        "share_high_stress": _share(responses, lambda a: "stress" in a, lambda a: int(a["stress"]) >= 4),
        "mean_stress": _mean(responses, "stress"),
        "mean_parenting_confidence": _mean(responses, "parenting_confidence"),
    }
    for option in ("childcare", "parenting_skills", "financial_support", "flexible_hours", "breastfeeding_support",
                   "recruitment_support", "young_worker_support", "psychological_support"):
        out[f"share_wanting_{option}"] = _share(
            responses, everyone, lambda a, o=option: o in (a.get("support_needed") or []))
    return out
