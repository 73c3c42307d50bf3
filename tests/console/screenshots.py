"""Screenshots of the console's main pages, to look at: `python -m tests.console.screenshots OUTDIR`.

Starts the whole stack (wecare.launcher.Launcher, in a temporary folder), puts a Bangladesh
factory with an approved plan and three trainings of trainers in it, and writes PNGs of the
sign-in, worklist, factory, plan editor, session entry (offline, with a queue waiting) and
progress pages at 360 px (a cheap phone) and 1280 px (a laptop) wide, in English and Bengali:
OUTDIR/<page>-<width>-<lang>.png. Debian's Chromium, headless."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from console.state import Accounts
from tests.console.test_browser import (
    BD_FACTORY,
    BD_NAME,
    CHROMIUM,
    PASSWORD,
    Stack,
    _ok,
    approved_plan,
    offline,
    settled,
    sync_api,
)
from wecare.launcher import Launcher

WIDTHS = (360, 1280)
LANGS = ("en", "bn")


def seed(s: Stack) -> str:
    plan_id = approved_plan(s, "bd", BD_FACTORY, BD_NAME, "Otto Group", assessed=True)
    sessions = [{"session_id": f"shot-tot-{i}", "activity": "training_of_trainers", "local_start": f"2026-05-{d}T09:00",
                 "venue": "training room", "trainers": ["wecare:rahima"], "capacity": 20, "expected_participants": n,
                 "attendance": {"delivered_at": f"2026-05-{d}T09:00", "counts": [
                     {"role": "manager", "sex": "female", "age_band": "25_34", "count": n - 2},
                     {"role": "manager", "sex": "male", "age_band": "35_44", "count": 2}]}}
                for i, (d, n) in enumerate((("04", 5), ("11", 5), ("18", 4)), start=1)]
    _ok(s.api("delivery", "POST", f"/bd/deliveries/{plan_id}/batch", json={"sessions": sessions}))
    settled(s)
    return plan_id


def pages(plan_id: str) -> list[tuple[str, str]]:
    return [("worklist", "/bd/"), ("factories", "/bd/factories"), ("factory", f"/bd/factories/{BD_FACTORY}"),
            ("assessment", f"/bd/assessments/a-{BD_FACTORY}"), ("plans", "/bd/plans"),
            ("plan-editor", f"/bd/plans/{plan_id}"), ("sessions", "/bd/deliveries"), ("progress", "/bd/progress"),
            ("reports", "/bd/reports"), ("field-forms", "/bd/forms")]


def shoot(s: Stack, plan_id: str, out: Path) -> list[Path]:
    made: list[Path] = []
    pw = sync_api.sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
    try:
        for width in WIDTHS:
            for lang in LANGS:
                context = browser.new_context(viewport={"width": width, "height": 800 if width < 1000 else 900},
                                              locale="bn-BD" if lang == "bn" else "en-GB")
                context.add_cookies([{"name": "wecare_lang", "value": lang, "url": s.url}])
                page = context.new_page()
                page.goto(f"{s.url}/signin")
                made.append(_shot(page, out, "signin", width, lang))
                page.locator("#username").fill("rahima")
                page.locator("#password").fill(PASSWORD)
                page.locator("form[action='/signin'] button[type=submit]").first.click()
                page.wait_for_url(lambda u: "/signin" not in u)
                for name, path in pages(plan_id):
                    page.goto(s.url + path)
                    made.append(_shot(page, out, name, width, lang))
                # session entry out of coverage: a session waiting in the queue on the phone
                page.goto(f"{s.url}/bd/deliveries/{plan_id}")
                page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
                offline(context, True)
                page.locator("#activity").select_option("training_of_trainers")
                page.locator("#date").fill("2026-05-25")
                page.locator("#time").fill("09:00")
                page.locator("#venue").fill("training room")
                page.locator("#trainers").fill("wecare:rahima")
                page.locator("#capacity").fill("20")
                page.locator("#n-manager-female-25_34").fill("3")
                page.locator("#session-form button[type=submit]").click()
                page.locator("#queue-items li").first.wait_for()
                made.append(_shot(page, out, "session-entry-offline", width, lang))
                context.close()  # still offline: the queue stays on that (throwaway) phone
    finally:
        browser.close()
        pw.stop()
    return made


def _shot(page: object, out: Path, name: str, width: int, lang: str) -> Path:
    path = out / f"{name}-{width}-{lang}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    wide = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    if wide > width:
        print(f"  {path.name}: the page is {wide} px wide in a {width} px window (scrolls sideways)")
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wecare-shots-") as tmp:
        launcher = Launcher(Path(tmp), env={"WECARE_LOG_LEVEL": "WARNING", "WECARE_RELAY_POLL_S": "0.2"})
        info = launcher.start()
        try:
            assert info.console
            s = Stack(info, info.console)
            Accounts(Path(tmp) / "console" / "accounts.db").add("rahima", PASSWORD, "country_team", ("bd",),
                                                                 name="Rahima")
            plan_id = seed(s)
            for p in shoot(s, plan_id, out):
                print(p)
        finally:
            launcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
