"""Defects found by the attack review of the merged #21 work: each test failed
on the merge it reviews (798b6e2) and passes with the fix beside it."""

from __future__ import annotations

import pytest

from shared.i18n import LANGUAGES, negotiate


@pytest.mark.unit
@pytest.mark.parametrize(("header", "lang"), [("ZH-Hant-TW", "zh"), ("TR-tr", "tr"), ("Bn", "bn"),
                                              ("fr;q=0.9, VI;q=0.5", "vi"), ("EN-GB", "en")])
def test_accept_language_is_matched_without_regard_to_case(header: str, lang: str) -> None:
    """Language tags are case-insensitive (RFC 4647): `Accept-Language: TR-tr` is Turkish,
    not a language "TR" that has no catalogue (the report then failed with a 500)."""
    got = negotiate(None, header)
    assert got == lang and got in LANGUAGES
