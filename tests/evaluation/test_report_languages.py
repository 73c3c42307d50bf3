"""The report in the reader's language (en, zh, bn, vi, tr), and every
character of it drawn with a font that has it: Chinese and Bengali factory
names printed as boxes when only DejaVu was installed.

Two glyph checks, each failing with the fonts hidden (FONTCONFIG_FILE naming
a configuration with DejaVu only) on the Chinese and Bengali text:
- WeasyPrint says so when it draws a .notdef box for a character no font has;
- in the rendered PDF, each character is in the cmap of the font pdfium says
  draws it (the embedded subset's name; the installed file fontconfig lists).
  Lohit Bengali's characters are left to the first check: its conjuncts are
  glyphs for several characters, whose text the PDF maps back to others.
One WeasyPrint load for all five languages."""

from __future__ import annotations

import ctypes
import logging
import re
import subprocess
from functools import cache

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from fontTools.ttLib import TTCollection, TTFont

from services.evaluation import reports
from shared.i18n import LANGUAGES, negotiate

pytestmark = pytest.mark.unit

NAMES = {"cn-dg": "东莞玩具厂", "bd-dk": "ঢাকা নিটওয়্যার লিমিটেড", "vn-bd": "Giày Bình Dương",
         "tr-iz": "İzmir Tekstil Ğüşç"}


def _figure(key: str, value: float | None, unit: str = "") -> dict:
    return {"key": key, "label": key, "value": value, "unit": unit, "suppressed": value is None, "sources": ["e1"]}


def _factory(fid: str, evaluated: bool) -> dict:
    kpis = [{"indicator": "share_high_stress", "baseline": 0.575, "target": 0.39, "endline": 0.48,
             "achievement": 0.5135, "achieved": False}] if evaluated else []
    return {"factory_id": fid, "country": fid[:2], "evaluated": evaluated, "baseline_on": "2026-03-02",
            "endline_on": "2026-11-16" if evaluated else None, "closed_on": None, "kpis": kpis, "kpis_met": 0,
            "sustainability": [], "follow_ups": [], "figures": [_figure("delivery.sessions", 2)]}


DATA = {"factories": [_factory(fid, i % 2 == 0) for i, fid in enumerate(NAMES)],
        "figures": [_figure("impact.retention_rate.baseline", 77.0), _figure("impact.retention_rate.endline", 84.75),
                    _figure("impact.parenting_confidence.baseline", 3.26),
                    _figure("impact.parenting_confidence.endline", 3.8), _figure("delivery.sessions", 9),
                    _figure("delivery.attendances", 137), _figure("delivery.people_reached", 126),
                    _figure("delivery.by_role.manager", 37), _figure("delivery.by_role.parent_worker", 100),
                    _figure("trainings_delivered", 7, "sessions"), _figure("workers_reached", 126, "people"),
                    _figure("workers_reached_female", 79, "people"), _figure("workers_reached_male", 21, "people")]}
LIGATURES = set(range(0xFB00, 0xFB07))
SAME = {"KPI", "16-17", "18-24", "25-34", "35-44", "Video"}  # written alike in some of the languages
PAGE = {"kind": "portfolio", "subject": "Otto Group", "country": None, "names": NAMES, "journey": [], "assets": []}


@cache
def _cmaps() -> dict[str, set[int]]:
    """The characters of every font fontconfig lists, by the name a PDF subset carries (family, spaces as -)."""
    out: dict[str, set[int]] = {}
    listing = subprocess.run(["fc-list", "--format", "%{family[0]}|%{style[0]}|%{file}|%{index}\n"],
                             capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        family, style, path, index = line.split("|")
        try:
            font = TTCollection(path).fonts[int(index)] if path.endswith(".ttc") else TTFont(path, lazy=True)
            cmap = font.getBestCmap() or {}
        except Exception:  # noqa: BLE001, S112 - a font fontTools cannot read covers nothing here
            continue
        for key in (family, f"{family} {style}"):
            out.setdefault(key.replace(" ", "-"), set()).update(cmap)
    return out


def missing_glyphs(pdf: bytes) -> list[tuple[str, str]]:
    """(character, font) for each character drawn with a font that has no glyph for it."""
    doc = pypdfium2.PdfDocument(pdf)
    cmaps, name, flags, out = _cmaps(), ctypes.create_string_buffer(256), ctypes.c_int(), []
    for page in doc:
        text = page.get_textpage()
        for i in range(text.count_chars()):
            char = pdfium.FPDFText_GetUnicode(text, i)
            if char <= 0x20 or pdfium.FPDFText_GetFontInfo(text, i, name, 256, ctypes.byref(flags)) == 0:
                continue
            font = re.sub(r"^[A-Z]{6}\+", "", name.value.decode(errors="replace"))
            if font.startswith("Lohit-Bengali"):
                continue  # shaped: a glyph per conjunct, mapped back to several characters (WeasyPrint's check)
            cmap = cmaps.get(font, cmaps.get(font.rsplit("-", 1)[0], set()))
            if char not in cmap and not (chr(char) in "fil" and cmap & LIGATURES):  # fi, fl: one glyph for two
                out.append((chr(char), font))
    return out


def test_each_language_renders_with_every_glyph_and_in_that_language(caplog: pytest.LogCaptureFixture) -> None:
    seen = {}
    for lang in LANGUAGES:
        html = reports.html(DATA, lang=lang, **PAGE)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            pdf = reports.pdf(html)
        boxes = [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]
        assert not boxes, f"{lang}: WeasyPrint drew boxes: {boxes[:10]}"
        missing = missing_glyphs(pdf)
        assert not missing, f"{lang}: characters with no glyph in their font: {sorted(set(missing))[:20]}"
        text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))
        for name in (n for fid, n in NAMES.items() if fid != "bd-dk"):  # pdfium gives shaped Bengali reordered
            assert name.replace(" ", "") in text.replace(" ", "").replace("\r\n", ""), (lang, name)
        seen[lang] = html  # the words, as written (the PDF's text of shaped Bengali comes back reordered)
    assert "Summary" in seen["en"] and "摘要" in seen["zh"] and "সারসংক্ষেপ" in seen["bn"]
    assert "Tóm tắt" in seen["vi"] and "Özet" in seen["tr"]
    assert "84,8%" in seen["vi"] and "%84,8" in seen["tr"] and "84.8%" in seen["en"]  # numbers as each writes them
    assert "share_high_stress" not in seen["en"].split("Appendix")[0]  # names, not codes, in the body
    assert 'lang="bn"' in seen["bn"] and "KPI লক্ষ্য অর্জিত" in seen["bn"]
    assert "Workers highly stressed by work and family" in seen["en"] and "0.5135" not in seen["en"]


def test_every_text_of_the_report_is_in_every_catalogue() -> None:
    from babel.messages.extract import extract_from_file

    from shared.i18n import Catalogue
    wanted = {m if isinstance(m, str) else m[0] for m in reports.dynamic_messages()}
    for path, method in (("services/evaluation/templates/report.html", "jinja2.ext:babel_extract"),
                         ("services/evaluation/reports.py", "python"),
                         ("services/evaluation/projections.py", "python")):  # the journey's lines
        wanted |= {m if isinstance(m, str) else m[0] for _, m, _, _ in
                   extract_from_file(method, path, keywords={"_": None, "N_": None, "ngettext": (1, 2)})}
    for lang in LANGUAGES[1:]:
        t = reports.CATALOGUE.translations(lang)
        untranslated = sorted(m for m in wanted if t.gettext(m) == m and m not in SAME)
        assert not untranslated, (lang, untranslated)
    assert isinstance(Catalogue, type)


@pytest.mark.parametrize(("asked", "header", "lang"), [
    (None, None, "en"), (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"), (None, "fr-FR, bn;q=0.5", "bn"),
    (None, "tr-TR", "tr"), ("vi", "zh-CN", "vi"), (None, "fr, de;q=0.8", "en"), (None, "zh;q=0, tr;q=0.1", "tr")])
def test_the_language_is_the_one_asked_then_accept_language_then_english(asked, header, lang) -> None:
    assert negotiate(asked, header) == lang


def test_the_journeys_lines_are_in_the_readers_language() -> None:
    """The journey's lines were English text written by the projection, so a Chinese
    report told the programme's story in English. Each line now keeps its message and
    values: the report translates the message and writes the counts in the language.
    A line stored before (no message kept) is shown as it was written."""
    from datetime import UTC, datetime
    from types import SimpleNamespace as E

    from services.evaluation.projections import STEPS
    from shared.projections import json_text

    def step(event_type: str, event: E) -> dict:
        kind, line = STEPS[event_type]
        message, params = line(event)
        return {"factory_id": "cn-dg", "occurred_at": datetime(2026, 11, 30, tzinfo=UTC), "step": kind,
                "summary": message % params, "args": json_text({"message": message, "params": params})}

    journey = [step("MilestoneReached", E(milestone="Smart watches with 50 children", on_time=False)),
               step("ImpactEvaluated", E(kpis=[E(achieved=True), E(achieved=False), E(achieved=True)])),
               step("ProgrammeClosed", E()),
               {"factory_id": "cn-dg", "occurred_at": datetime(2026, 3, 2, tzinfo=UTC), "step": "assessed",
                "summary": "needs assessment completed; high needs: childcare", "args": None}]
    assert [j["summary"] for j in journey[:3]] == [
        "milestone reached: Smart watches with 50 children (late)", "impact evaluated: 2 of 3 KPI targets met",
        "cycle closed"]
    zh = reports.html(DATA, lang="zh", **{**PAGE, "journey": journey})
    for text in ("里程碑达成：Smart watches with 50 children（逾期）", "影响已评估：3 个 KPI 目标中达成 2 个",
                 "周期已结束", "needs assessment completed; high needs: childcare"):
        assert text in zh, text
    for english in ("milestone reached", "KPI targets met", "cycle closed"):
        assert english not in zh, english
    bn = reports.html(DATA, lang="bn", **{**PAGE, "journey": journey})
    assert "প্রভাব মূল্যায়িত: 3টি KPI লক্ষ্যের মধ্যে 2টি অর্জিত" in bn  # numbers as the report writes them
