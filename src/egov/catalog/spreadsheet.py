"""The catalogue as a spreadsheet (xlsx or CSV): one row per procedure, so that the one-stop office can
review and enter procedures in bulk. The format (every column, the multi-line cells) is in
docs/catalogue.md.

:func:`catalogue_export` writes the published versions (or the drafts). :func:`catalogue_import` checks
every row and reports every problem before anything is written; then it writes all rows in one
transaction through :func:`egov.catalog.services.procedure_version_write`. The admin upload page, the API
and the management commands all call these two functions; the import takes a progress callback so that
a background task can report how far it has got.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from egov.accounts.models import Agency
from egov.catalog.eform import PROFILE_KEYS, schema_check
from egov.catalog.models import Fee, ProcedureVersion, RequiredPaper, StepTemplate
from egov.catalog.services import VERSION_FIELDS, procedure_version_write
from egov.core.audit.services import audit_record
from egov.core.permissions import Role
from egov.core.text import fold

logger = structlog.get_logger(__name__)

FORMATS = ("xlsx", "csv")
SHEET_TITLE = "Thủ tục"  # the sheet the importer reads (else the first sheet)
GUIDE_TITLE = "Hướng dẫn"
MAX_ROWS = 10_000
HOURS_PER_WORKING_DAY = 8  # spec §9: one working day counts as 8 working hours

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    description: Promise
    is_required: bool = False
    width: int = 24
    is_multiline: bool = False


# The order of the columns in an export; an import accepts them in any order, but needs all of them.
COLUMNS: tuple[Column, ...] = (
    Column("national_code", gettext_lazy("National code of the procedure, e.g. 1.001193."), True, 12),
    Column("name", gettext_lazy("Name of the procedure."), True, 48, True),
    Column("field", gettext_lazy("Field (lĩnh vực), by name; a new name creates the field."), True, 24),
    Column("level", gettext_lazy("Level: province or commune."), True, 10),
    Column("applicant_type", gettext_lazy("Who may apply: citizen, business or both."), False, 12),
    Column("online_level", gettext_lazy("Online service: full, partial or none."), False, 10),
    Column("plain_summary", gettext_lazy("What the procedure is for, in plain words."), False, 40, True),
    Column("implementing_agency_text", gettext_lazy("Implementing agency, as published."), False, 30, True),
    Column("deciding_agency_text", gettext_lazy("Deciding agency, as published."), False, 30, True),
    Column(
        "implementing_agencies",
        gettext_lazy("Electronic codes of the agencies that process it in this province, one per line."),
        False,
        14,
        True,
    ),
    Column("processing_days", gettext_lazy("Processing time in working days; 0: immediate."), True, 10),
    Column("processing_days_online", gettext_lazy("Processing time online, when it differs."), False, 10),
    Column("processing_time_text", gettext_lazy("Processing time, as published."), False, 30, True),
    Column("fee_text", gettext_lazy("Fees, as published."), False, 30, True),
    Column(
        "fees",
        gettext_lazy("One fee per line: kind | name | amount in đồng | channel | description | exemptions."),
        False,
        40,
        True,
    ),
    Column("result_type", gettext_lazy("Result of the procedure."), True, 30, True),
    Column("result_type_code", gettext_lazy("Result type code, e.g. KS for a birth certificate."), False, 10),
    Column("conditions", gettext_lazy("Conditions."), False, 30, True),
    Column("legal_basis", gettext_lazy("Legal basis."), False, 30, True),
    Column(
        "allows_any_location",
        gettext_lazy("Received regardless of administrative boundary: có or không."),
        False,
        10,
    ),
    Column("source_url", gettext_lazy("Address of the published source."), False, 30),
    Column(
        "papers",
        gettext_lazy(
            "One paper per line: name | originals | copies | mandatory | reusable result type | "
            "from national databases | applies when."
        ),
        False,
        60,
        True,
    ),
    Column(
        "steps",
        gettext_lazy("One step per line, in order: name | agency code | role | time quota in working hours."),
        False,
        60,
        True,
    ),
    Column("form_schema", gettext_lazy("Application e-form, as JSON Schema."), False, 40),
    Column("form_ui", gettext_lazy("Display hints of the e-form, as JSON."), False, 20),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)

_YES = "có"
_NO = "không"
_BOOLEANS = {
    "co": True, "yes": True, "true": True, "1": True, "x": True,
    "khong": False, "no": False, "false": False, "0": False,
}  # fmt: skip
_LEVEL_ALIASES = {"cap tinh": "province", "tinh": "province", "cap xa": "commune", "xa": "commune"}
_APPLICANT_ALIASES = {
    "cong dan": "citizen",
    "ca nhan": "citizen",
    "doanh nghiep": "business",
    "to chuc": "business",
}
_ONLINE_ALIASES = {"toan trinh": "full", "mot phan": "partial", "khong truc tuyen": "none"}
_FEE_KIND_ALIASES = {"phi": "fee", "le phi": "charge"}
FEE_CHANNELS = ("online", "in_person", "postal")
_CHANNEL_ALIASES = {"truc tuyen": "online", "truc tiep": "in_person", "buu chinh": "postal"}
_NATIONAL_CODE = re.compile(r"^[0-9]+(\.[0-9A-Za-z]+)+$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting so runs as a formula in Excel
_PAPER_PARTS = 7
_FEE_PARTS = 6
_STEP_PARTS = 4


# --- the content of one row ---------------------------------------------------------------------------


@dataclass
class ProcedureContent:
    """What one row holds, in the shape the service writes (steps name their agency by code)."""

    national_code: str
    field_name: str
    data: dict[str, Any]
    agency_codes: list[str] = field(default_factory=list)
    papers: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)


def content_from_version(version: ProcedureVersion) -> ProcedureContent:
    """The row of a version: papers and steps renumbered 1…n in their order, agencies sorted by code."""
    papers = sorted(version.papers.all(), key=lambda paper: (paper.order, paper.pk))
    steps = sorted(version.steps.all(), key=lambda step: step.order)
    return ProcedureContent(
        national_code=version.procedure.national_code,
        field_name=version.field.name,
        data={key: getattr(version, key) for key in VERSION_FIELDS},
        agency_codes=sorted(agency.code for agency in version.implementing_agencies.all()),
        papers=[
            {
                "order": number,
                "name": paper.name,
                "originals": paper.originals,
                "copies": paper.copies,
                "is_mandatory": paper.is_mandatory,
                "reusable_result_type": paper.reusable_result_type,
                "from_national_database": paper.from_national_database,
                "case_note": paper.case_note,
            }
            for number, paper in enumerate(papers, start=1)
        ],
        fees=[
            {
                "kind": fee.kind,
                "name": fee.name,
                "amount": fee.amount,
                "channel": fee.channel,
                "description": fee.description,
                "exemption": fee.exemption,
            }
            for fee in sorted(version.fees.all(), key=lambda fee: fee.pk)
        ],
        steps=[
            {
                "order": number,
                "name": step.name,
                "agency_code": step.agency.code if step.agency is not None else "",
                "role": step.role,
                "quota_hours": step.quota_hours,
            }
            for number, step in enumerate(steps, start=1)
        ],
    )


def content_write(
    *, content: ProcedureContent, actor: Any, publish: bool, agencies: Mapping[str, Agency] | None = None
) -> ProcedureVersion:
    """Write one row's content as the procedure's draft (and publish it when asked)."""
    codes = {*content.agency_codes, *(step["agency_code"] for step in content.steps if step["agency_code"])}
    known = dict(agencies) if agencies is not None else {}
    missing = codes - set(known)
    if missing:
        known.update({agency.code: agency for agency in Agency.objects.filter(code__in=missing)})
    return procedure_version_write(
        actor=actor,
        national_code=content.national_code,
        field_name=content.field_name,
        data=content.data,
        papers=content.papers,
        fees=content.fees,
        steps=[
            {
                "order": step["order"],
                "name": step["name"],
                "agency_id": known[step["agency_code"]].pk if step["agency_code"] else None,
                "role": step["role"],
                "quota_hours": step["quota_hours"],
            }
            for step in content.steps
        ],
        agency_ids=[known[code].pk for code in content.agency_codes],
        publish=publish,
    )


# --- cells: writing -----------------------------------------------------------------------------------


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "\\n")


def _line(parts: Sequence[Any]) -> str:
    return " | ".join(_escape(part) for part in parts).rstrip()


def _yes_no(value: bool) -> str:
    return _YES if value else _NO


def decimal_text(value: Decimal | int | float) -> str:
    """4.00 → "4", 4.50 → "4.5" (never an exponent)."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def cells_from_content(content: ProcedureContent) -> dict[str, Any]:
    """The cells of a row: text, except whole numbers for the day counts."""
    data = content.data
    return {
        "national_code": content.national_code,
        "name": data["name"],
        "field": content.field_name,
        "level": data["level"],
        "applicant_type": data["applicant_type"],
        "online_level": data["online_level"],
        "plain_summary": data["plain_summary"],
        "implementing_agency_text": data["implementing_agency_text"],
        "deciding_agency_text": data["deciding_agency_text"],
        "implementing_agencies": "\n".join(content.agency_codes),
        "processing_days": data["processing_days"],
        "processing_days_online": data["processing_days_online"],
        "processing_time_text": data["processing_time_text"],
        "fee_text": data["fee_text"],
        "fees": "\n".join(
            _line(
                [
                    fee["kind"],
                    fee["name"],
                    "" if fee["amount"] is None else fee["amount"],
                    fee["channel"],
                    fee["description"],
                    fee["exemption"],
                ]
            )
            for fee in content.fees
        ),
        "result_type": data["result_type"],
        "result_type_code": data["result_type_code"],
        "conditions": data["conditions"],
        "legal_basis": data["legal_basis"],
        "allows_any_location": _yes_no(data["allows_any_location"]),
        "source_url": data["source_url"],
        "papers": "\n".join(
            _line(
                [
                    paper["name"],
                    paper["originals"],
                    paper["copies"],
                    _yes_no(paper["is_mandatory"]),
                    paper["reusable_result_type"],
                    _yes_no(paper["from_national_database"]),
                    paper["case_note"],
                ]
            )
            for paper in content.papers
        ),
        "steps": "\n".join(
            _line([step["name"], step["agency_code"], step["role"], decimal_text(step["quota_hours"])])
            for step in content.steps
        ),
        "form_schema": _json_text(data["form_schema"]),
        "form_ui": _json_text(data["form_ui"]),
    }


# --- export -------------------------------------------------------------------------------------------


def _versions_for_export(*, include_drafts: bool) -> list[ProcedureVersion]:
    statuses = [ProcedureVersion.Status.PUBLISHED]
    if include_drafts:
        statuses.append(ProcedureVersion.Status.DRAFT)
    versions = _with_parts(ProcedureVersion.objects.filter(status__in=statuses)).order_by(
        "procedure__national_code", "-number"
    )
    chosen: dict[int, ProcedureVersion] = {}
    for version in versions:
        current = chosen.get(version.procedure_id)
        # With drafts: the draft where there is one, else the published version.
        if current is None or (
            version.status == ProcedureVersion.Status.DRAFT
            and current.status != ProcedureVersion.Status.DRAFT
        ):
            chosen[version.procedure_id] = version
    return sorted(chosen.values(), key=lambda version: version.procedure.national_code)


def _with_parts(queryset: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return queryset.select_related("procedure", "field").prefetch_related(
        "papers",
        "fees",
        Prefetch("steps", queryset=StepTemplate.objects.select_related("agency")),
        "implementing_agencies",
    )


def catalogue_rows(*, include_drafts: bool = False) -> list[dict[str, Any]]:
    """The cells of every exported row, in national-code order."""
    return [
        cells_from_content(content_from_version(version))
        for version in _versions_for_export(include_drafts=include_drafts)
    ]


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _export_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMN_KEYS)
    for row in rows:
        writer.writerow(["" if row[key] is None else _csv_safe(row[key]) for key in COLUMN_KEYS])
    # With a byte-order mark Excel reads the file as UTF-8 (Vietnamese letters intact).
    return buffer.getvalue().encode("utf-8-sig")


def _export_xlsx(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.key)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = row[column.key]
            cell = sheet.cell(row=row_number, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            cell.alignment = wrap if column.is_multiline else top
    sheet.freeze_panes = "B2"

    guide = workbook.create_sheet(GUIDE_TITLE)
    guide.append([_("Column"), _("Required"), _("What it holds")])
    for cell in guide[1]:
        cell.font = bold
    for column in COLUMNS:
        guide.append([column.key, _yes_no(column.is_required), str(column.description)])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 100

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalogue_export(*, file_format: str, include_drafts: bool = False) -> bytes:
    """The catalogue as an xlsx or CSV file: each procedure's published version, or with
    ``include_drafts`` its draft where it has one (procedures never published included)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {file_format!r}")
    rows = catalogue_rows(include_drafts=include_drafts)
    logger.info("catalogue_exported", file_format=file_format, rows=len(rows), include_drafts=include_drafts)
    return _export_xlsx(rows) if file_format == "xlsx" else _export_csv(rows)


def file_format_for(filename: str) -> str | None:
    """ "xlsx" or "csv" from a file name, or None."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


# --- the import report --------------------------------------------------------------------------------


class Action:
    CREATE = "create"  # a new procedure
    NEW_VERSION = "new_version"  # written and published as the next version
    NEW_DRAFT = "new_draft"  # written as a new draft next to the published version
    UPDATE_DRAFT = "update_draft"  # the existing draft rewritten
    UNCHANGED = "unchanged"  # same content as now: nothing to write


ACTION_LABELS: dict[str, Promise] = {
    Action.CREATE: gettext_lazy("New procedure"),
    Action.NEW_VERSION: gettext_lazy("New version, published"),
    Action.NEW_DRAFT: gettext_lazy("New draft version"),
    Action.UPDATE_DRAFT: gettext_lazy("Draft updated"),
    Action.UNCHANGED: gettext_lazy("Unchanged"),
}


@dataclass
class ImportIssue:
    """One problem: the spreadsheet row (as Excel numbers it; the header is row 1), the column, and for
    a multi-line cell the line within it."""

    row: int
    column: str
    code: str
    message: str
    line: int | None = None


@dataclass
class RowReport:
    row: int
    national_code: str
    name: str
    action: str = ""
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, ""))

    @property
    def is_valid(self) -> bool:
        return not self.issues


@dataclass
class ImportReport:
    file_format: str
    is_dry_run: bool
    publish: bool
    rows: list[RowReport] = field(default_factory=list)
    file_issues: list[ImportIssue] = field(default_factory=list)
    written: int = 0

    @property
    def issues(self) -> list[ImportIssue]:
        return [*self.file_issues, *(issue for row in self.rows for issue in row.issues)]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_issues) or any(row.issues for row in self.rows)

    @property
    def is_written(self) -> bool:
        return self.written > 0

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.issues)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the API and background tasks."""
        return {
            "file_format": self.file_format,
            "dry_run": self.is_dry_run,
            "publish": self.publish,
            "has_errors": self.has_errors,
            "written": self.written,
            "file_issues": [asdict(issue) for issue in self.file_issues],
            "rows": [
                {
                    "row": row.row,
                    "national_code": row.national_code,
                    "name": row.name,
                    "action": row.action,
                    "issues": [asdict(issue) for issue in row.issues],
                }
                for row in self.rows
            ],
        }


class _CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- cells: reading -----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text whatever Excel made of it (numbers, booleans); newlines as \\n, ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]  # the guard written by the CSV export
    return text


def _national_code_text(value: Any) -> str:
    # Excel turns 1.001193 typed into a cell into a number; national codes have six digits after the dot.
    if isinstance(value, float):
        return f"{value:.6f}"
    return cell_text(value)


def _split_line(line: str) -> list[str]:
    """Split a multi-line cell's line at unescaped "|"; "\\|", "\\n" and "\\\\" are a pipe, a new line
    and a backslash inside a value."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(line)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append("\n" if following == "n" else following)
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _lines(text: str) -> list[tuple[int, str]]:
    return [(number, line) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _choice(text: str, choices: type[Any], aliases: Mapping[str, str]) -> str:
    values = [value for value, _label in choices.choices]
    if text in values:
        return text
    folded = fold(text)
    if folded in aliases:
        return aliases[folded]
    raise _CellError(
        "bad_choice",
        _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": ", ".join(values)},
    )


def _boolean(text: str) -> bool:
    folded = fold(text)
    if folded in _BOOLEANS:
        return _BOOLEANS[folded]
    raise _CellError("bad_boolean", _("“%(value)s” must be “có” or “không”.") % {"value": text})


def _whole_number(text: str) -> int:
    cleaned = text.replace(" ", "")
    if re.fullmatch(r"-?[0-9]+", cleaned) is None:
        raise _CellError("not_integer", _("“%(value)s” is not a whole number.") % {"value": text})
    number = int(cleaned)
    if number < 0:
        raise _CellError("negative", _("“%(value)s” must not be negative.") % {"value": text})
    return number


def _amount(text: str) -> int:
    # 135.000 and 135 000 are how amounts in đồng are written; amounts are whole đồng.
    cleaned = re.sub(r"(đồng|đ|VND)$", "", text, flags=re.IGNORECASE).strip()
    cleaned = re.sub(r"[.,\s]", "", cleaned)
    return _whole_number(cleaned or text)


def _quota(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise _CellError("bad_number", _("“%(value)s” is not a number of hours.") % {"value": text}) from None
    if not number.is_finite() or number < 0:
        raise _CellError("negative", _("“%(value)s” must not be negative.") % {"value": text})
    return number


def _json_object(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise _CellError(
            "bad_json",
            _("Not valid JSON: %(error)s (line %(line)s, column %(column)s).")
            % {"error": error.msg, "line": error.lineno, "column": error.colno},
        ) from None
    if not isinstance(value, dict):
        raise _CellError("bad_json", _("Must be a JSON object ({…})."))
    return value


def _prefill_problems(schema: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        source = spec.get("x-prefill")
        if source is not None and source not in PROFILE_KEYS:
            problems.append(
                _("Field “%(field)s”: x-prefill “%(source)s” is not one of: %(keys)s.")
                % {"field": key, "source": source, "keys": ", ".join(PROFILE_KEYS)}
            )
        if spec.get("type") == "object":
            problems.extend(_prefill_problems(spec))
    return problems


def _parsed(parser: Callable[[str], Any], text: str, default: Any, errors: list[str]) -> Any:
    """``parser(text)``, or ``default`` when the text is empty or wrong (the problem added to errors)."""
    if not text:
        return default
    try:
        return parser(text)
    except _CellError as error:
        errors.append(error.message)
        return default


def _validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(name, message) for name, messages in error.message_dict.items() for message in messages]
    return [("", message) for message in error.messages]


# --- reading a whole file -----------------------------------------------------------------------------


class _FileError(Exception):
    pass


def _payload(file: bytes | IO[bytes] | str | Path) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _read_csv(payload: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileError(_("The CSV file is not UTF-8 text; in Excel save it as “CSV UTF-8”.")) from None
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese writes ";" between cells.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return list(enumerate(reader, start=1))
    except csv.Error as error:
        raise _FileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None


def _read_xlsx(payload: bytes) -> list[tuple[int, list[Any]]]:
    try:
        workbook = load_workbook(io.BytesIO(payload), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
        raise _FileError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
        return [
            (number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _read_table(payload: bytes, file_format: str) -> list[tuple[int, list[Any]]]:
    if file_format == "csv":
        return _read_csv(payload)
    if file_format == "xlsx":
        return _read_xlsx(payload)
    raise _FileError(_("Unknown file format “%(format)s”: use xlsx or csv.") % {"format": file_format})


def _header(values: list[Any]) -> tuple[dict[int, str], list[ImportIssue]]:
    positions: dict[int, str] = {}
    issues: list[ImportIssue] = []
    for index, value in enumerate(values):
        key = cell_text(value).lower()
        if not key:
            continue
        if key not in COLUMN_KEYS:
            issues.append(
                ImportIssue(1, key, "unknown_column", _("Unknown column “%(column)s”.") % {"column": key})
            )
        elif key in positions.values():
            issues.append(
                ImportIssue(
                    1, key, "duplicate_column", _("Column “%(column)s” appears twice.") % {"column": key}
                )
            )
        else:
            positions[index] = key
    for key in COLUMN_KEYS:
        if key not in positions.values():
            issues.append(
                ImportIssue(1, key, "missing_column", _("Column “%(column)s” is missing.") % {"column": key})
            )
    return positions, issues


# --- checking one row ---------------------------------------------------------------------------------


class RowChecker:
    """Parses and checks rows against the agencies and roles of this installation; reads, never writes."""

    def __init__(self) -> None:
        self.agencies: dict[str, Agency] = {agency.code: agency for agency in Agency.objects.all()}
        self.today = timezone.localdate()
        self.roles = {value for value, _label in Role.choices}

    def agency(self, code: str) -> Agency:
        agency = self.agencies.get(code.strip().upper())
        if agency is None:
            raise _CellError("unknown_agency", _("Unknown agency code “%(code)s”.") % {"code": code})
        if not agency.is_active_on(self.today):
            raise _CellError(
                "ended_agency",
                _("Agency “%(code)s” (%(name)s) is not in operation today; use its successor.")
                % {"code": agency.code, "name": agency.name},
            )
        return agency

    def check(self, row: int, cells: Mapping[str, str]) -> tuple[ProcedureContent | None, list[ImportIssue]]:
        issues: list[ImportIssue] = []

        def problem(column: str, code: str, message: str, line: int | None = None) -> None:
            issues.append(ImportIssue(row, column, code, message, line))

        for column in COLUMNS:
            if column.is_required and not cells.get(column.key):
                problem(column.key, "required", _("This cell must not be empty."))

        def parse(column: str, parser: Callable[[str], Any], default: Any = None) -> Any:
            text = cells.get(column, "")
            if not text:
                return default
            try:
                return parser(text)
            except _CellError as error:
                problem(column, error.code, error.message)
                return default

        national_code = cells.get("national_code", "")
        if national_code and (len(national_code) > 32 or _NATIONAL_CODE.match(national_code) is None):
            problem(
                "national_code",
                "bad_code",
                _("“%(value)s” is not a procedure code like 1.001193.") % {"value": national_code},
            )
        data: dict[str, Any] = {
            "name": cells.get("name", ""),
            "plain_summary": cells.get("plain_summary", ""),
            "level": parse("level", lambda t: _choice(t, ProcedureVersion.Level, _LEVEL_ALIASES), ""),
            "applicant_type": parse(
                "applicant_type",
                lambda t: _choice(t, ProcedureVersion.Applicant, _APPLICANT_ALIASES),
                ProcedureVersion.Applicant.CITIZEN.value,
            ),
            "online_level": parse(
                "online_level",
                lambda t: _choice(t, ProcedureVersion.OnlineLevel, _ONLINE_ALIASES),
                ProcedureVersion.OnlineLevel.PARTIAL.value,
            ),
            "implementing_agency_text": cells.get("implementing_agency_text", ""),
            "deciding_agency_text": cells.get("deciding_agency_text", ""),
            "processing_days": parse("processing_days", _whole_number, None),
            "processing_days_online": parse("processing_days_online", _whole_number, None),
            "processing_time_text": cells.get("processing_time_text", ""),
            "fee_text": cells.get("fee_text", ""),
            "result_type": cells.get("result_type", ""),
            "result_type_code": cells.get("result_type_code", ""),
            "conditions": cells.get("conditions", ""),
            "legal_basis": cells.get("legal_basis", ""),
            "allows_any_location": parse("allows_any_location", _boolean, True),
            "source_url": cells.get("source_url", ""),
            "form_schema": parse("form_schema", _json_object, {}),
            "form_ui": parse("form_ui", _json_object, {}),
        }
        for message in schema_check(data["form_schema"]):
            problem("form_schema", "bad_schema", message)
        for message in _prefill_problems(data["form_schema"]):
            problem("form_schema", "bad_prefill", message)

        agency_codes: list[str] = []
        for code in re.split(r"[\s,;]+", cells.get("implementing_agencies", "")):
            if not code:
                continue
            try:
                agency = self.agency(code)
            except _CellError as error:
                problem("implementing_agencies", error.code, error.message)
                continue
            if agency.code not in agency_codes:
                agency_codes.append(agency.code)

        papers = self._papers(cells.get("papers", ""), problem)
        fees = self._fees(cells.get("fees", ""), problem)
        steps = self._steps(cells.get("steps", ""), problem)

        # The model's own rules (lengths, web address…), on an unsaved instance: nothing is written.
        candidate = ProcedureVersion(**data)
        try:
            candidate.clean_fields(
                exclude=["procedure", "field", "number", "status", "published_at", "search_text", "level"]
            )
        except ValidationError as error:
            reported = {issue.column for issue in issues}
            for name, message in _validation_messages(error):
                if name not in reported:  # an empty required cell is reported once, above
                    problem(name or "name", "invalid", message)
        field_name = cells.get("field", "")
        if len(field_name) > 255:
            problem("field", "invalid", _("At most 255 characters."))

        step_problems = any(issue.column == "steps" for issue in issues)
        if steps and data["processing_days"] is not None and not step_problems:
            total = sum((step["quota_hours"] for step in steps), Decimal(0))
            expected = data["processing_days"] * HOURS_PER_WORKING_DAY
            if total != expected:
                problem(
                    "steps",
                    "quota_mismatch",
                    _(
                        "The steps' time quotas add up to %(total)s working hours, but the processing time "
                        "is %(days)s working days = %(expected)s hours."
                    )
                    % {"total": decimal_text(total), "days": data["processing_days"], "expected": expected},
                )

        if issues:
            return None, issues
        content = ProcedureContent(
            national_code=national_code,
            field_name=field_name,
            data=data,
            agency_codes=sorted(agency_codes),
            papers=papers,
            fees=fees,
            steps=steps,
        )
        return content, issues

    def _parts(
        self,
        column: str,
        number: int,
        line: str,
        count: int,
        problem: Callable[..., None],
    ) -> list[str] | None:
        parts = _split_line(line)
        if len(parts) > count:
            problem(
                column,
                "bad_line",
                _(
                    "Line %(line)s has %(found)s parts separated by “|”; at most %(count)s "
                    "(write a “|” inside a value as “\\|”)."
                )
                % {"line": number, "found": len(parts), "count": count},
                number,
            )
            return None
        return parts + [""] * (count - len(parts))

    def _papers(self, text: str, problem: Callable[..., None]) -> list[dict[str, Any]]:
        papers: list[dict[str, Any]] = []
        for number, line in _lines(text):
            parts = self._parts("papers", number, line, _PAPER_PARTS, problem)
            if parts is None:
                continue
            name, originals, copies, mandatory, reusable, national, case_note = parts
            errors: list[str] = []
            paper = {
                "order": len(papers) + 1,
                "name": name,
                "originals": _parsed(_whole_number, originals, 1, errors),
                "copies": _parsed(_whole_number, copies, 0, errors),
                "is_mandatory": _parsed(_boolean, mandatory, True, errors),
                "reusable_result_type": reusable,
                "from_national_database": _parsed(_boolean, national, False, errors),
                "case_note": case_note,
            }
            if not name:
                errors.append(_("The paper has no name."))
            try:
                RequiredPaper(**paper).clean_fields(exclude=["version", "template"])
            except ValidationError as error:
                errors.extend(
                    f"{name}: {message}" if name else message for name, message in _validation_messages(error)
                )
            for message in dict.fromkeys(errors):
                problem(
                    "papers",
                    "bad_line",
                    _("Line %(line)s: %(message)s") % {"line": number, "message": message},
                    number,
                )
            papers.append(paper)
        return papers

    def _fees(self, text: str, problem: Callable[..., None]) -> list[dict[str, Any]]:
        fees: list[dict[str, Any]] = []
        for number, line in _lines(text):
            parts = self._parts("fees", number, line, _FEE_PARTS, problem)
            if parts is None:
                continue
            kind, name, amount, channel, description, exemption = parts
            errors: list[str] = []
            fee: dict[str, Any] = {
                "kind": kind,
                "name": name,
                "amount": None,
                "channel": "",
                "description": description,
                "exemption": exemption,
            }
            fee["kind"] = _parsed(lambda t: _choice(t, Fee.Kind, _FEE_KIND_ALIASES), kind, kind, errors)
            fee["amount"] = _parsed(_amount, amount, None, errors)
            if not kind:
                errors.append(_("The fee has no kind (fee or charge)."))
            if channel:
                folded = fold(channel)
                if channel in FEE_CHANNELS:
                    fee["channel"] = channel
                elif folded in _CHANNEL_ALIASES:
                    fee["channel"] = _CHANNEL_ALIASES[folded]
                else:
                    errors.append(
                        _("“%(value)s” is not one of: %(choices)s.")
                        % {"value": channel, "choices": ", ".join(FEE_CHANNELS)}
                    )
            if not name:
                errors.append(_("The fee has no name."))
            try:
                Fee(**fee).clean_fields(exclude=["version", "kind"])
            except ValidationError as error:
                errors.extend(
                    f"{name}: {message}" if name else message for name, message in _validation_messages(error)
                )
            for message in dict.fromkeys(errors):
                problem(
                    "fees",
                    "bad_line",
                    _("Line %(line)s: %(message)s") % {"line": number, "message": message},
                    number,
                )
            fees.append(fee)
        return fees

    def _steps(self, text: str, problem: Callable[..., None]) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = []
        for number, line in _lines(text):
            parts = self._parts("steps", number, line, _STEP_PARTS, problem)
            if parts is None:
                continue
            name, agency_code, role, quota = parts
            step: dict[str, Any] = {
                "order": len(steps) + 1,
                "name": name,
                "agency_code": "",
                "role": role,
                "quota_hours": Decimal(0),
            }

            def report(code: str, message: str, number: int = number) -> None:
                problem(
                    "steps",
                    code,
                    _("Line %(line)s: %(message)s") % {"line": number, "message": message},
                    number,
                )

            if not name:
                report("bad_line", _("The step has no name."))
            if agency_code:
                try:
                    step["agency_code"] = self.agency(agency_code).code
                except _CellError as error:
                    report(error.code, error.message)
            if role not in self.roles:
                report(
                    "bad_role",
                    _("“%(value)s” is not a role; use one of: %(roles)s.")
                    % {"value": role, "roles": ", ".join(sorted(self.roles))},
                )
            if not quota:
                report("required", _("The step has no time quota."))
            else:
                try:
                    step["quota_hours"] = _quota(quota)
                except _CellError as error:
                    report(error.code, error.message)
            try:
                StepTemplate(**{k: v for k, v in step.items() if k != "agency_code"}).clean_fields(
                    exclude=["version", "agency", "role"]
                )
            except ValidationError as error:
                for name, message in _validation_messages(error):
                    report("invalid", f"{name}: {message}" if name else message)
            steps.append(step)
        return steps


# --- import -------------------------------------------------------------------------------------------


def existing_contents(codes: list[str]) -> dict[str, dict[str, ProcedureContent]]:
    """national code → {"draft": …, "published": …} for the procedures the file names."""
    found: dict[str, dict[str, ProcedureContent]] = {}
    versions = _with_parts(
        ProcedureVersion.objects.filter(
            procedure__national_code__in=codes,
            status__in=[ProcedureVersion.Status.DRAFT, ProcedureVersion.Status.PUBLISHED],
        )
    )
    for version in versions:
        found.setdefault(version.procedure.national_code, {})[version.status] = content_from_version(version)
    return found


def content_action(
    content: ProcedureContent, existing: Mapping[str, ProcedureContent] | None, *, publish: bool
) -> str:
    """What writing ``content`` would do, given the procedure's current draft and published version."""
    if existing is None:
        return Action.CREATE
    draft = existing.get(ProcedureVersion.Status.DRAFT)
    published = existing.get(ProcedureVersion.Status.PUBLISHED)
    if publish:
        if draft is None and published == content:
            return Action.UNCHANGED
        return Action.NEW_VERSION
    if draft is not None:
        return Action.UNCHANGED if draft == content else Action.UPDATE_DRAFT
    if published == content:
        return Action.UNCHANGED
    return Action.NEW_DRAFT


def catalogue_import(
    file: bytes | IO[bytes] | str | Path,
    *,
    file_format: str,
    dry_run: bool,
    publish: bool,
    actor: Any,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check every row of a catalogue spreadsheet and report every problem; unless ``dry_run``, and only
    if no row has a problem, write all rows in one transaction (each as the procedure's draft, published
    when ``publish``). Rows with the same content as now are left alone.

    ``progress(done, total)`` is called after each row checked and, for a real import, each row written
    (total = rows, or 2 × rows for a real import); its last call has done == total."""
    file_format = file_format.lower().lstrip(".")
    report = ImportReport(file_format=file_format, is_dry_run=dry_run, publish=publish)
    try:
        payload = _payload(file)
        table = _read_table(payload, file_format)
    except _FileError as error:
        report.file_issues.append(ImportIssue(0, "", "bad_file", str(error)))
        return report
    if not table:
        report.file_issues.append(ImportIssue(1, "", "empty_file", _("The file is empty.")))
        return report
    positions, header_issues = _header(table[0][1])
    if header_issues:
        report.file_issues.extend(header_issues)
        return report
    records = [(number, values) for number, values in table[1:] if any(cell_text(value) for value in values)]
    if len(records) > MAX_ROWS:
        report.file_issues.append(
            ImportIssue(0, "", "too_many_rows", _("At most %(count)s rows per file.") % {"count": MAX_ROWS})
        )
        return report

    total = len(records) * (1 if dry_run else 2)
    done = 0
    checker = RowChecker()
    contents: list[tuple[RowReport, ProcedureContent]] = []
    first_row_of: dict[str, int] = {}
    parsed: list[tuple[RowReport, ProcedureContent | None]] = []
    for number, values in records:
        cells = {
            key: (_national_code_text(values[index]) if key == "national_code" else cell_text(values[index]))
            if index < len(values)
            else ""
            for index, key in positions.items()
        }
        row = RowReport(row=number, national_code=cells["national_code"], name=cells["name"])
        content, row.issues = checker.check(number, cells)
        code = cells["national_code"]
        if code in first_row_of:
            row.issues.insert(
                0,
                ImportIssue(
                    number,
                    "national_code",
                    "duplicate_code",
                    _("Procedure %(code)s is already in row %(row)s of this file.")
                    % {"code": code, "row": first_row_of[code]},
                ),
            )
            content = None
        elif code:
            first_row_of[code] = number
        report.rows.append(row)
        parsed.append((row, content))
        done += 1
        if progress is not None:
            progress(done, total)

    existing = existing_contents([content.national_code for _row, content in parsed if content is not None])
    for row, content in parsed:
        if content is not None and not row.issues:
            row.action = content_action(content, existing.get(content.national_code), publish=publish)
            contents.append((row, content))

    if dry_run or report.has_errors:
        logger.info(
            "catalogue_import_checked",
            rows=len(report.rows),
            issues=len(report.issues),
            dry_run=dry_run,
        )
        if progress is not None and done != total:
            progress(total, total)
        return report

    written = 0
    failed_row: RowReport | None = None
    try:
        with transaction.atomic():
            for row, content in contents:
                failed_row = row
                if row.action != Action.UNCHANGED:
                    content_write(content=content, actor=actor, publish=publish, agencies=checker.agencies)
                    written += 1
                done += 1
                if progress is not None:
                    progress(done, total)
            failed_row = None
            if written:
                audit_record(
                    actor=actor,
                    action="catalogue.imported",
                    target_type="catalog.procedure",
                    target_id="*",
                    target_label=_("Catalogue import"),
                    changes={
                        "file_sha256": [None, hashlib.sha256(payload).hexdigest()],
                        "rows": [None, len(report.rows)],
                        "written": [None, written],
                        "published": [None, publish],
                    },
                )
    except ValidationError as error:  # a rule the check did not foresee: nothing is written
        row = failed_row or report.rows[0]
        for name, message in _validation_messages(error):
            row.issues.append(ImportIssue(row.row, name or "", "invalid", message))
        written = 0
    report.written = written
    if progress is not None and done != total:
        progress(total, total)
    logger.info(
        "catalogue_imported",
        rows=len(report.rows),
        written=written,
        publish=publish,
        issues=len(report.issues),
    )
    return report
