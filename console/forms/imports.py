"""Importing what a team collected elsewhere with the same forms (the
XLSForm downloaded from /forms/<id>/form.xlsx and published there):

- a KoboToolbox export: CSV (XML values and headers, groups joined by "/",
  `,` or `;` between columns) or JSON as Kobo's API gives it (`results`,
  repeats as lists);
- an ODK Central export: the CSV of the submissions (groups joined by "-",
  `meta-instanceID`, `KEY`), or its zip (the submissions' CSV and one CSV
  per repeat group, its rows joined to their submission by PARENT_KEY).

Each row goes to the same endpoint a submission goes to (the services'
batch endpoints), under its instanceID: a row imported again, or already
sent from a phone, records nothing. Each row is answered: recorded, already
recorded, or refused with the form's field named (that row stores nothing;
the others go on). A repeat group travels in Kobo's JSON; a CSV carries the
main table only (Central writes repeats to files of their own)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from console.forms.mapping import Record
from console.forms.targets import Outcome, form_for, refused, send
from console.forms.xlsform import INSTANCE_ID, XLSForm

router = APIRouter(tags=["field capture (imports)"], include_in_schema=False)

MAX_BYTES = 4 * 2**20  # an export file (under the gateway's body limit)
MAX_ROWS = 5000
META = {"meta/instanceID", "meta-instanceID", "instanceID"}
KEYS = ("meta/instanceID", "meta-instanceID", "KEY", "instanceID", "_uuid", "meta/rootUuid")


class ImportError_(ValueError):  # noqa: N801 - not the builtin
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Row:
    number: int  # 1 for the first data row
    instance_id: str | None
    record: Record


def _instance_id(raw: dict[str, Any]) -> str | None:
    for k in KEYS:
        v = raw.get(k)
        if isinstance(v, str) and v.strip():
            v = v.strip()
            return v if v.startswith("uuid:") or k not in ("_uuid", "meta/rootUuid") else f"uuid:{v}"
    return None


def _columns(form: XLSForm) -> dict[str, str]:
    """An export's column -> the form's field: its full path with "/" (Kobo) or "-" (Central), or its bare name."""
    out: dict[str, str] = {}
    for f in form.fields.values():
        out[f.path] = out[f.path.replace("/", "-")] = out.setdefault(f.name, f.name)
    return out


def _record(form: XLSForm, raw: dict[str, Any], columns: dict[str, str]) -> Record:
    rec: Record = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        short = key.rsplit("/", 1)[-1]
        if short in form.repeats and isinstance(value, list):  # Kobo's JSON: a repeat's entries
            rows = []
            for entry in value[:2000]:
                if isinstance(entry, dict):
                    rows.append({columns.get(k, k.rsplit("/", 1)[-1]): ("" if v is None else str(v))
                                 for k, v in entry.items() if isinstance(k, str)})
            rec[short] = rows
            continue
        name = columns.get(key)
        if name is None:
            continue
        if isinstance(value, list | dict):
            raise ImportError_(name, f"{name}: one answer expected")
        rec[name] = "" if value is None else str(value)
    return rec


MAX_TABLE_ROWS = 20 * MAX_ROWS  # a repeat's table of Central's zip (its rows: several per submission)


def _csv_rows(text: str, limit: int = MAX_TABLE_ROWS) -> tuple[list[str], list[dict[str, Any]]]:
    """A CSV's header and rows; more than `limit` rows is refused before they are all read (a 16 MB text of
    short lines is millions of dicts)."""
    try:
        delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(itertools.islice(reader, limit + 1))
    except csv.Error as e:  # a field over the csv module's limit, a broken quote
        raise ImportError_("file", f"the CSV cannot be read: {e}") from None
    if len(rows) > limit:
        raise ImportError_("file", f"an export holds at most {MAX_ROWS} rows here; split it")
    return list(reader.fieldnames or []), rows


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_("file", "the export is not UTF-8 text") from None


def _central_zip(form: XLSForm, data: bytes) -> list[dict[str, Any]]:
    """Central's zip: the submissions' CSV, and a CSV per repeat whose rows name their submission (PARENT_KEY)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in z.infolist() if i.filename.lower().endswith(".csv")]
        if sum(i.file_size for i in members) > 4 * MAX_BYTES:  # what it unpacks to is bounded too
            raise ImportError_("file", "the zip unpacks to more than this import takes")
        tables = [_csv_rows(_text(z.read(i))) for i in members]
    except ImportError_:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError) as e:
        # broken, encrypted (a password), or a compression this reader has not
        raise ImportError_("file", f"the zip cannot be read: {str(e)[:200]}") from None
    main = [rows for header, rows in tables if "PARENT_KEY" not in header and any(k in header for k in KEYS)]
    if len(main) != 1:
        raise ImportError_("file", "the zip holds no submissions' CSV (meta-instanceID or KEY)")
    children = [rows for header, rows in tables if "PARENT_KEY" in header]
    by_key = {r.get("KEY"): r for r in main[0]}
    columns = _columns(form)
    for rows in children:
        for r in rows:
            parent = by_key.get(r.get("PARENT_KEY"))
            if parent is None:
                continue
            names = {columns.get(k, k.rsplit("-", 1)[-1]) for k in r}
            repeat = next((n for n, f in form.fields.items() if f.repeat and n in names), None)
            if repeat is None:
                continue
            parent.setdefault(form.fields[repeat].repeat, []).append(
                {columns.get(k, k.rsplit("-", 1)[-1]): v for k, v in r.items() if k not in ("KEY", "PARENT_KEY")})
    return main[0]


def read_export(form: XLSForm, data: bytes) -> list[Row]:
    """The rows of an export file (CSV, JSON or Central's zip, told apart by their content)."""
    if len(data) > MAX_BYTES:
        raise ImportError_("file", f"an export is at most {MAX_BYTES} bytes")
    columns = _columns(form)
    raws: list[Any]
    if data[:4] == b"PK\x03\x04":
        raws = _central_zip(form, data)
    else:
        text = _text(data)
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            try:
                doc = json.loads(stripped)
            except (ValueError, RecursionError) as e:  # RecursionError: nested deeper than the parser goes
                raise ImportError_("file", f"the JSON cannot be read: {str(e)[:200]}") from None
            items = doc.get("results") if isinstance(doc, dict) else doc
            if not isinstance(items, list):
                raise ImportError_("file", "a JSON export is a list of submissions, or an object with `results`")
            raws = items
        else:
            header, raws = _csv_rows(text, MAX_ROWS)
            if not any(k in header for k in KEYS):
                raise ImportError_("file", "the CSV has no instanceID column (meta/instanceID, _uuid, "
                                           "meta-instanceID or KEY)")
    if len(raws) > MAX_ROWS:
        raise ImportError_("file", f"an export holds at most {MAX_ROWS} rows here; split it")
    rows = []
    for i, raw in enumerate(raws, start=1):
        if not isinstance(raw, dict):
            rows.append(Row(i, None, {"__error__": "a submission is an object"}))
            continue
        if not any((v or "").strip() if isinstance(v, str) else v for v in raw.values()):
            continue  # an empty line
        try:
            rows.append(Row(i, _instance_id(raw), _record(form, raw, columns)))
        except ImportError_ as e:
            rows.append(Row(i, _instance_id(raw), {"__error__": e.message, "__field__": e.field}))
    return rows


async def import_rows(upstream: Any, token: str, form: XLSForm, rows: list[Row], lang: str | None = None
                      ) -> dict[str, Any]:
    out = []
    tally = {"recorded": 0, "already recorded": 0, "refused": 0}
    for row in rows:
        if "__error__" in row.record:
            o: Outcome = refused(row.record.get("__field__", "row"), row.record["__error__"])
        elif not row.instance_id:
            o = refused(INSTANCE_ID, "the row has no instanceID (meta/instanceID, _uuid, meta-instanceID or KEY)")
        else:
            o = await send(upstream, token, form, row.record, row.instance_id, lang)
        if o.status in ("not found", "forbidden", "unavailable"):
            o = Outcome("refused", None, o.message or o.status, o.http)
        tally[o.status] = tally.get(o.status, 0) + 1
        out.append({"row": row.number, "instance_id": row.instance_id, **o.as_dict()})
    return {"form_id": form.form_id, "rows": out, "recorded": tally["recorded"],
            "already_recorded": tally["already recorded"], "refused": tally["refused"]}


def _problem(status: int, detail: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": "import refused", "status": status, "detail": detail}
    if field:
        body["errors"] = [{"field": field, "message": detail}]
    return JSONResponse(body, status, media_type="application/problem+json")


async def read_upload(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The multipart body's text fields and its `file` (None if there is none). ImportError_ if unreadable."""
    try:
        parts = await request.form(max_files=1, max_fields=10, max_part_size=MAX_BYTES)
    except Exception:
        raise ImportError_("file", "the multipart body cannot be read") from None
    try:
        fields = {k: v for k, v in parts.multi_items() if isinstance(v, str)}
        upload = parts.get("file")
        data = None if upload is None or isinstance(upload, str) else await upload.read(MAX_BYTES + 1)
    finally:
        await parts.close()
    return fields, data


async def run_import(upstream: Any, principal: Any, token: str, form_id: str, data: bytes | None,
                     lang: str | None = None) -> tuple[int, dict[str, Any]]:
    """An export's rows into form `form_id`: (status, answer); 404 for a form the caller has not."""
    form = await form_for(upstream, token, principal, form_id)
    if form is None:
        return 404, {"detail": f"no form {form_id[:100]}"}
    if not data:
        return 400, {"detail": "send the export in the multipart part `file`", "field": "file"}
    try:
        rows = read_export(form, data)
    except ImportError_ as e:
        return 400, {"detail": e.message, "field": e.field}
    return 200, await import_rows(upstream, token, form, rows, lang)


@router.post("/imports/{form_id}")
async def import_export(request: Request, form_id: str) -> JSONResponse:
    """An export (multipart `file`) into the form's service; per row: recorded, already recorded or refused.
    Authenticated like a device (Basic with a console account, or a bearer token)."""
    from console.forms.openrosa import NotAuthenticated, challenge, device
    from console.web import from_another_site

    if from_another_site(request):  # a page elsewhere posting with the browser's remembered Basic credentials
        return _problem(403, "an import from another site's page is refused")
    try:
        who = await device(request)
    except NotAuthenticated:
        return challenge()  # type: ignore[return-value]
    try:
        _, data = await read_upload(request)
    except ImportError_ as e:
        return _problem(400, e.message, e.field)
    status, body = await run_import(request.app.state.console.upstream, who.principal, who.token, form_id, data,
                                    request.headers.get("accept-language"))
    if status != 200:
        return _problem(status, body["detail"], body.get("field"))
    return JSONResponse(body)
