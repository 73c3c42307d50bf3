"""The console's texts in five languages: every gettext catalogue under
console/locale/<lang>/LC_MESSAGES/*.po (one domain per part of the console,
so that each part keeps its own file), looked up together. Message ids are
the English text; English needs no catalogue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations

from shared.i18n import DEFAULT, LANGUAGES, Catalogue

LOCALE = Path(__file__).parent / "locale"
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "bn": "বাংলা", "vi": "Tiếng Việt", "tr": "Türkçe"}


def domains() -> list[str]:
    """The catalogues' domains: every .po file's name of any language."""
    return sorted({p.stem for p in LOCALE.glob("*/LC_MESSAGES/*.po")})


class Translator:
    """gettext over several catalogues: the first that translates a text wins."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.parts: list[NullTranslations] = []
        if lang != DEFAULT:
            for domain in domains():
                cat = Catalogue(LOCALE, domain)
                if cat.po(lang).exists():
                    self.parts.append(cat.translations(lang))

    def gettext(self, text: str) -> str:
        for t in self.parts:
            out = t.gettext(text)
            if out != text:
                return out
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        for t in self.parts:
            out = t.ngettext(singular, plural, n)
            if out not in (singular, plural):
                return out
        return singular if n == 1 else plural


@cache
def translator(lang: str) -> Translator:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
    return Translator(lang)


def gettext(lang: str, text: str, **params: object) -> str:
    """A text of Python code (a flash message, an error) in the caller's language."""
    out = translator(lang).gettext(text)
    return out % params if params else out
