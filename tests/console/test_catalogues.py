"""Every text the console shows has its translation in Chinese, Bengali,
Vietnamese and Turkish, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from console.i18n import LOCALE

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2] / "console"
LITERAL = r'"((?:[^"\\]|\\.)+)"' + "|" + r"'((?:[^'\\]|\\.)+)'"
IN_TEMPLATES = re.compile(r"\b_\(\s*(?:" + LITERAL + r")\s*[,)]")
IN_CODE = re.compile(r"(?:\bN_\(|\bgettext\([^,()]+,|HTTPException\(\d+,)\s*(?:" + LITERAL + r")\s*[,)]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def texts() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.html"):
        found |= {a or b for a, b in IN_TEMPLATES.findall(path.read_text(encoding="utf-8"))}
    for path in ROOT.rglob("*.py"):
        found |= {a or b for a, b in IN_CODE.findall(path.read_text(encoding="utf-8"))}
    return {t.replace("\\'", "'").replace('\\"', '"') for t in found}


def translations(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for po in (LOCALE / lang / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            out.update({m.id: m.string for m in read_po(f) if m.id and isinstance(m.id, str)})
    return out


@pytest.mark.parametrize("lang", ["zh", "bn", "vi", "tr"])
def test_every_text_of_the_console_is_translated(lang: str):
    wanted = texts()
    assert len(wanted) > 20  # the scan finds the texts (it would pass vacuously otherwise)
    have = translations(lang)
    missing = sorted(t for t in wanted if not have.get(t))
    assert not missing, f"{lang}: {len(missing)} texts without a translation: {missing[:20]}"
    wrong = sorted(t for t in wanted if set(PLACEHOLDER.findall(t)) != set(PLACEHOLDER.findall(have[t])))
    assert not wrong, f"{lang}: placeholders differ: {wrong}"
