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


@pytest.mark.unit
async def test_a_client_chosen_http_method_adds_no_metric_series(in_process) -> None:
    """The method is the client's (any token); as a label value it made one series (and 14 histogram
    buckets) per invented method: unbounded cardinality from input, as a raw path would be."""
    from prometheus_client.parser import text_string_to_metric_families

    _, c = await in_process("assessment")
    for i in range(5):
        assert (await c.request(f"PROBE{i}", "/bd/factories")).status_code == 405
        assert (await c.request(f"PROBE{i}", "/no/such/path")).status_code == 404
    assert (await c.request("PUT", "/bd/factories")).status_code == 405
    methods = {s.labels["method"] for f in text_string_to_metric_families((await c.get("/metrics")).text)
               if f.name.startswith("wecare_http_") for s in f.samples}
    assert "PROBE0" not in methods and methods <= {"GET", "PUT", "_OTHER"}, methods
    assert {"PUT", "_OTHER"} <= methods
