"""The console's page of field forms (/<country>/forms): the address and
account a phone is pointed at, the caller's forms with their XForm and
XLSForm, and the import of a KoboToolbox or ODK Central export, answered
row by row. A plain HTML form: it works without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from console.forms.imports import ImportError_, read_upload, run_import
from console.forms.targets import targets
from console.forms.xlsform import build
from console.web import Caller, caller, check_csrf, check_same_origin, in_scope, language, render, state
from shared.i18n import N_

router = APIRouter(include_in_schema=False)

KIND_NAMES = {"survey": N_("Needs survey"), "checklist": N_("Policies checklist"),
              "demographics": N_("Worker demographics"), "management": N_("Management interview"),
              "attendance": N_("Session and attendance")}
STATUS_NAMES = {"recorded": N_("recorded"), "already recorded": N_("already recorded"), "refused": N_("refused")}
PAGE_TEXTS = [
    N_("Field forms"), N_("Fill forms offline with ODK Collect or KoboCollect"),
    N_("In the app's server settings: the server URL below, your user name and your password of this console. "
       "The app then lists your forms and sends what you filled when it has a connection."),
    N_("Server URL"), N_("Your forms"), N_("Form"), N_("Version"), N_("Download"),
    N_("No form to fill: no open assessment or plan."),
    N_("Import an export from KoboToolbox or ODK Central"),
    N_("Publish the form's XLSForm there, collect, then export the data (CSV with XML values and headers, or "
       "JSON) and import it here. A row already imported or sent from a phone is not recorded twice."),
    N_("Export file (CSV or JSON)"), N_("Import"), N_("Row"), N_("Result"), N_("Field"),
    N_("%(recorded)s recorded, %(already)s already recorded, %(refused)s refused"),
    *KIND_NAMES.values(), *STATUS_NAMES.values(),
]


def _server(request: Request) -> str:
    return (state(request).public_url or str(request.base_url)).rstrip("/")


async def _page(request: Request, c: Caller, country: str, status_code: int = 200, **ctx: object) -> HTMLResponse:
    forms = [build(t) for t in await targets(state(request).upstream, c.token, c.principal, country)]
    accounts = state(request).accounts
    has_account = accounts is not None and accounts.get(c.username) is not None
    devices = accounts.device_keys(c.username) if accounts is not None and has_account else []
    return render(request, "forms/import.html", status_code=status_code, forms=forms,
                  server=_server(request), kind_names=KIND_NAMES, status_names=STATUS_NAMES,
                  devices=devices, has_account=has_account, revoked=request.query_params.get("revoked") == "1",
                  **ctx)


@router.get("/{country}/forms")
async def forms_page(request: Request, country: str, c: Caller = Depends(caller)) -> HTMLResponse:
    in_scope(c, country)
    return await _page(request, c, country)


@router.post("/{country}/forms/import")
async def import_page(request: Request, country: str, c: Caller = Depends(caller)) -> HTMLResponse:
    in_scope(c, country)
    check_same_origin(request)
    try:
        fields, data = await read_upload(request)
    except ImportError_ as e:
        return await _page(request, c, country, 400, error=e.message)
    check_csrf(c, fields.get("csrf"))
    form_id = fields.get("form_id", "")
    status, body = await run_import(state(request).upstream, c.principal, c.token, form_id, data,
                                    language(request))
    if status != 200:
        return await _page(request, c, country, status, error=body["detail"], chosen=form_id)
    return await _page(request, c, country, result=body, chosen=form_id)
