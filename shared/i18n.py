"""The reader's language: which one (`?lang=`, then Accept-Language, then
English), the translations of a catalogue, and numbers and dates written
as that language writes them (Babel, CLDR's data).

Catalogues are gettext .po files, the sources translators edit, kept beside
the code that uses them: <directory>/<lang>/LC_MESSAGES/<domain>.po (the
evaluation service's reports: services/evaluation/locale/*/reports.po). They
are read and compiled in memory on first use in a process (Babel's
read_po, then write_mo), so no compiled .mo file is kept in the repository
or made at build time, and a .po edited is a .po served. Message ids are the
English text: English needs no catalogue.

General for every service and tool: the evaluation's reports use it, the
console has catalogues of its own, and the API speaks the caller's language
with it: a problem's texts and the names beside codes are Texts (a message id
and its named values) looked up in the service's catalogue
(services/<svc>/locale/<lang>/LC_MESSAGES/api.po), then the kernel's
(shared/locale/...: the kernel's texts, the menu's and the KPIs' names), and
English when neither has one (shared/http.py answers with them)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

LANGUAGES: tuple[str, ...] = ("en", "zh", "bn", "vi", "tr")
DEFAULT = "en"
LANGUAGE_PATTERN = "^(" + "|".join(LANGUAGES) + ")$"  # for a `lang` query parameter: another is a 422
LOCALES = {"en": "en", "zh": "zh_Hans", "bn": "bn", "vi": "vi", "tr": "tr"}  # CLDR's locale for each language


def N_(text: str) -> str:  # noqa: N802 - gettext's name: marks a text for a catalogue, translated where shown
    """A text for a catalogue, not translated here (babel's extraction finds it)."""
    return text


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, most preferred first (RFC 9110: q=0 is 'not this one')."""
    out: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if tag.strip() and tag.strip() != "*" and q > 0:
            out.append((-q, i, tag.strip()))
    return [t for _, _, t in sorted(out)]


def negotiate(asked: str | None, accept_language: str | None, available: tuple[str, ...] = LANGUAGES) -> str:
    """The language to answer in: the one asked (`?lang=`), else the best of
    Accept-Language that we have (zh-CN is zh, tr-TR is tr), else English."""
    if asked:
        if asked not in available:
            raise ValueError(f"lang must be one of {', '.join(available)}")
        return asked
    found = negotiate_locale(parse_accept_language(accept_language), list(available), sep="-")
    # Babel answers with the tag as the client wrote it ("ZH" for ZH-Hant, "TR" for TR-tr), and
    # language tags are case-insensitive (RFC 4647): ours is the one it names, as we spell it
    return {a.lower(): a for a in available}.get((found or "").lower(), DEFAULT)


class Catalogue:
    """One domain's translations, from <directory>/<lang>/LC_MESSAGES/<domain>.po."""

    def __init__(self, directory: Path, domain: str, fallback: Catalogue | None = None) -> None:
        self.directory, self.domain, self.fallback = directory, domain, fallback

    def po(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / f"{self.domain}.po"

    @cache  # noqa: B019 - a catalogue lives as long as the process
    def translations(self, lang: str) -> NullTranslations:
        if lang == DEFAULT or not self.po(lang).exists():
            return NullTranslations()
        with self.po(lang).open("rb") as f:
            catalog = read_po(f, locale=LOCALES[lang], domain=self.domain)
        mo = io.BytesIO()
        write_mo(mo, catalog)
        mo.seek(0)
        out = Translations(mo, domain=self.domain)
        if self.fallback is not None:  # a text another catalogue translates (one translation per text)
            out.add_fallback(self.fallback.translations(lang))
        return out


KERNEL_LOCALE = Path(__file__).parent / "locale"  # the kernel's API texts: shared/locale/<lang>/LC_MESSAGES/api.po
API_DOMAIN = "api"


def fill(text: str, params: Mapping[str, Any] | None) -> str:
    """A message's text with its named values (`%(used)s`); a text without values is left as it is."""
    return text % dict(params) if params else text


@dataclass(frozen=True)
class Text:
    """A message for a person, translated where it is shown: its id (the English
    text, `%(name)s` for each value) and its values. str() is the English one
    (`english`, when the English comes from elsewhere: pydantic's own message)."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    english: str | None = None

    def __str__(self) -> str:
        return self.english if self.english is not None else fill(self.msgid, _english(self.params))


@dataclass(frozen=True)
class Join:
    """Texts written one after the other (a value of a Text: "photo_voice needs migrant_parents_training;
    smart_watch needs ..."), each translated, with a separator that is a text too (" and ")."""

    separator: str
    parts: tuple[str | Text, ...]

    def __str__(self) -> str:
        return self.separator.join(map(str, self.parts))


def _english(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Text | Join) else v for k, v in params.items()}


class Texts:
    """The API's texts: catalogues looked up in order (a service's own, then the kernel's), English otherwise."""

    def __init__(self, *directories: Path, domain: str = API_DOMAIN) -> None:
        self.catalogues = tuple(Catalogue(d, domain) for d in directories)

    def gettext(self, lang: str, msgid: str) -> str | None:
        """The translation of `msgid`, None when no catalogue has it."""
        if lang == DEFAULT or not msgid:
            return None
        for c in self.catalogues:
            found = c.translations(lang).gettext(msgid)
            if found != msgid:
                return found
        return None

    def __call__(self, lang: str, text: str | Text | Join) -> str:
        """`text` in `lang`: a Text translated and filled (its English if no catalogue has it, or the
        translation's placeholders do not fit), a plain string translated if a catalogue has it."""
        if isinstance(text, Join):
            return self(lang, text.separator).join(self(lang, p) for p in text.parts)
        if not isinstance(text, Text):
            return self.gettext(lang, text) or text
        translated = self.gettext(lang, text.msgid)
        if translated is None or lang == DEFAULT:
            return str(text)
        try:
            return fill(translated, {k: self(lang, v) if isinstance(v, Text | Join) else v
                                     for k, v in text.params.items()})
        except (KeyError, ValueError, TypeError):
            return str(text)


KERNEL_TEXTS = Texts(KERNEL_LOCALE)


def language_of(query_lang: str | None, accept_language: str | None) -> str:
    """The language of an answer: `?lang=` when it is one of ours, else the best of Accept-Language, else English."""
    asked = (query_lang or "").strip().lower()
    return negotiate(asked if asked in LANGUAGES else None, accept_language)


@dataclass(frozen=True)
class Formats:
    """Numbers, percentages, money and dates as the language writes them (Bengali with its digits)."""

    lang: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LOCALES[self.lang])

    def date(self, d: date | str | None) -> str:
        if d is None:
            return ""
        return format_date(date.fromisoformat(d) if isinstance(d, str) else d, "medium", locale=self.locale)

    def datetime(self, t: datetime) -> str:
        return format_datetime(t, "medium", tzinfo=t.tzinfo, locale=self.locale)

    def number(self, x: float | int, digits: int = 0) -> str:
        return format_decimal(x, format="#,##0" + ("." + "#" * digits if digits else ""), locale=self.locale)

    def percent(self, fraction: float, digits: int = 0) -> str:
        """0.2333 as 23% (digits=0) or 23.3% (digits=1), in the language's pattern (Turkish: %23)."""
        pattern = self.locale.percent_formats[None].pattern.split(";")[0]
        return format_percent(fraction, format=pattern.replace("#,##0", "#,##0" + ("." + "#" * digits if digits
                                                                                    else ""), 1), locale=self.locale)

    def money(self, x: float, currency: str = "USD") -> str:
        return format_currency(x, currency, locale=self.locale)


@cache
def formats(lang: str) -> Formats:
    return Formats(lang)
