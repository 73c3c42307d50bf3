"""The bounded vocabulary of every input: what a command, a part of a
command or a published contract may hold.

- Numbers are finite: NaN and ±Infinity (which Python's JSON parser lets
  through) are refused.
- Every integer and every number has a range, every string a length (at most
  MAX_TEXT characters, list items and keys included, unless a field says
  less), every list and mapping a size. tests/kernel/test_values.py walks the
  JSON Schema of every command to hold that.
- Text is valid Unicode without NUL (PostgreSQL cannot store it) and is
  normalised to NFC, so that the same name typed on two keyboards is one name.

An error names the field (and the place inside it), and nothing is stored:
the command is refused before its handler runs."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

MAX_TEXT = 4096  # characters of a string that declares no bound (test_values wants each to declare one)
MAX_INT = 2**53 - 1  # I-JSON (RFC 7493): integers every JSON reader holds exactly; the bound of any
# integer in a query, a path or a header too (2**63 overflowed the database's integer: 500)
MAX_AMOUNT = 1e12  # the magnitude of any measured or target value

# A measured value, a target or a baseline: finite and within ±MAX_AMOUNT.
Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
# An id or a code (a factory, a session, an activity of the menu, a record type).
Code = Annotated[str, Field(min_length=1, max_length=100)]
# A plan's id: programme.factory.
PLAN_ID = 201
PlanId = Annotated[str, Field(min_length=1, max_length=PLAN_ID)]
# A name: a person's, a buyer's.
Name = Annotated[str, Field(min_length=1, max_length=300)]
# An integer from outside (an answer on a scale, a position...): within I-JSON's exact range.
Int = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]

# Something that happened (delivered, measured, held, closed, checked, withdrawn) has not happened yet
# when its time is ahead of now. A time may be ahead by a clock's skew; a date (a day somewhere on
# earth, its country unknown to a command) is in the future only once it is after today in the
# earliest time zone (UTC+14), so no team anywhere has a day of today refused.
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_ZONE = timedelta(hours=14)


def in_future(when: date | datetime, now: datetime | None = None) -> bool:
    """Whether `when` (a time with its zone, or a date) has not happened yet at `now`."""
    now = now or datetime.now(UTC)
    if isinstance(when, datetime):
        return when > now + CLOCK_SKEW
    return when > (now.astimezone(UTC) + EARLIEST_ZONE).date()


def _happened(d: date) -> date:
    if in_future(d):
        raise PydanticCustomError("not_in_future", "{date} is in the future: a date of something done "
                                  "is today or before", {"date": d.isoformat()})
    return d


# The date of something done: refused (422 naming the field, nothing stored) when it is in the future.
PastDate = Annotated[date, AfterValidator(_happened),
                     Field(description="the day it happened: today or before, not in the future")]


class BadValue(ValueError):
    """A value outside the vocabulary, with where it is inside the field (e.g. 3.answers.q1)."""

    def __init__(self, kind: str, reason: str, value: Any, path: tuple[Any, ...] = ()) -> None:
        self.kind, self.reason, self.value, self.path = kind, reason, value, path
        super().__init__(f"{'.'.join(map(str, path))} {reason}".strip())

    def at(self, key: Any) -> BadValue:
        return BadValue(self.kind, self.reason, self.value, (key, *self.path))


def clean_text(s: str) -> str:
    """`s` as stored: NFC. Refuses a lone surrogate (not Unicode: no UTF-8
    encodes it) and NUL."""
    if "\x00" in s:
        raise BadValue("string_nul", "must not contain the NUL character (U+0000)", s[:100])
    if s.isascii():
        return s  # ASCII is valid and already NFC
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue("string_unicode", "is not valid Unicode (a lone surrogate, e.g. \\ud800)",
                       s[:100].encode("utf-8", "backslashreplace").decode()) from None
    return s if unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)


def clean(value: Any) -> Any:
    """`value` with every string in it cleaned (list items, mapping keys and
    values, parts that are models) and every float finite; the same object
    when nothing changes. Raises BadValue naming the place inside the value
    (the path is made only on the way out of an error)."""
    t = type(value)
    if t is str:
        return clean_text(value)
    if t is float:
        if not math.isfinite(value):
            raise BadValue("finite_number", "should be a finite number", str(value))
        return value
    if t is list or t is tuple:
        out: list[Any] | None = None
        for i, v in enumerate(value):
            try:
                c = clean(v)
            except BadValue as e:
                raise e.at(i) from None
            if c is not v:
                if out is None:
                    out = list(value)
                out[i] = c
        return value if out is None else t(out)
    if t is dict:
        changed: dict[Any, tuple[Any, Any]] = {}
        for k, v in value.items():
            try:
                ck, cv = clean(k), clean(v)
            except BadValue as e:
                raise e.at(k) from None
            if ck is not k or cv is not v:
                changed[k] = (ck, cv)
        if not changed:
            return value
        out = dict(changed.get(k, (k, v)) for k, v in value.items())
        if len(out) < len(value):  # two spellings of one key: which value is meant is unknown
            seen: set[Any] = set()
            for k in value:
                ck = changed[k][0] if k in changed else k
                if ck in seen:
                    raise BadValue("duplicate_key", "is the same key as another once normalised (NFC)", k).at(k)
                seen.add(ck)
        return out
    if isinstance(value, BaseModel):
        update = {}
        for name, v in value.__dict__.items():
            try:
                c = clean(v)
            except BadValue as e:
                raise e.at(name) from None
            if c is not v:
                update[name] = c
        return value.model_copy(update=update) if update else value
    return value  # int, bool, None, dates, times, enums: bounded by their own types


def _fields(o: Any) -> Any:
    if isinstance(o, BaseModel):
        return o.__dict__
    raise TypeError


def _plain_text(values: dict[str, Any]) -> bool:
    """Whether every string in `values` is already as stored: valid Unicode
    (orjson refuses a lone surrogate), no NUL (orjson writes it \\u0000),
    NFC. Checking the whole JSON text for NFC checks every string in it: its
    quotes and separators are ASCII starters, which compose with nothing."""
    try:
        data = orjson.dumps(values, default=_fields)
    except (TypeError, orjson.JSONEncodeError):
        return False  # a lone surrogate, or a value orjson does not know: the walk decides
    if b"\\u0000" in data:
        return False
    return data.isascii() or unicodedata.is_normalized("NFC", data.decode())


class Strict(BaseModel):
    """A part of a contract or a command: no unknown field, immutable, finite
    numbers, strings of at most MAX_TEXT characters."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=MAX_TEXT)


class Input(Strict):
    """A whole input (a command): every string in it, however deep, is valid
    Unicode without NUL, and normalised to NFC before any field is checked
    (NFC may lengthen a string: its length is checked on what is stored)."""

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        if not isinstance(data, dict) or _plain_text(data):
            return data  # the common case: one pass in C over the whole input
        out: dict[Any, Any] = {}
        errors: list[InitErrorDetails] = []
        for name, v in data.items():
            try:
                out[name] = clean(v)
            except BadValue as e:
                errors.append(InitErrorDetails(
                    type=PydanticCustomError(e.kind, "Input {reason}", {"reason": e.reason}),
                    loc=(name, *e.path), input=e.value))
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return out


# -- stored history ---------------------------------------------------------------------------
# Before inputs were bounded, NaN and ±Infinity could reach an event; stored as
# JSON they became null, and the event no longer loaded (nor did its stream).
# Upcasters (shared/contracts/<context>.py) read such events with the value
# left out and named, with the reason, in the event's `refused`: a measurement
# refused. The stored event keeps what was written, for the audit.


def refusal(v: Any) -> str | None:
    """Why a stored value cannot be read as an amount (None: it can)."""
    if v is None:
        return "not a finite number (NaN or Infinity, stored as null)"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return f"not a number ({type(v).__name__})"
    if not math.isfinite(v):
        return "not a finite number"
    if abs(v) > MAX_AMOUNT:
        return f"out of range (beyond ±{MAX_AMOUNT:g})"
    return None


def measured(values: Mapping[str, Any] | None, field: str, refused: dict[str, str]) -> dict[str, Any]:
    """The readable amounts of a stored mapping; the others are named in `refused` as field.key."""
    out: dict[str, Any] = {}
    for k, v in (values or {}).items():
        why = refusal(v)
        if why is None:
            out[k] = v
        else:
            refused[f"{field}.{k}"] = why
    return out
