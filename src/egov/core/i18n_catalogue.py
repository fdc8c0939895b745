"""The Vietnamese message catalogue: extraction, update, compilation and the completeness check.

One catalogue per domain lives in ``src/egov/locale/vi/LC_MESSAGES/``. ``manage.py messages_update``
(``make messages``) refreshes it from the code; ``manage.py messages_check`` (``make lint``) and
``egov.core.tests.test_messages`` fail when it is incomplete or out of date.

Extraction always runs Django's ``makemessages`` on a temporary copy of ``src/egov``, in a separate
process without project settings, so that it never writes temporary files into the source tree, never
creates app-level ``locale`` directories and never touches the process's translation state.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

SOURCE_ROOT = Path(__file__).resolve().parents[1]  # src/egov
LOCALE_ROOT = SOURCE_ROOT / "locale"
LANGUAGE = "vi"
NPLURALS = 1  # Vietnamese has one plural form

# Not user-facing, or a snapshot of code that is extracted elsewhere (models hold their own strings).
IGNORE_PATTERNS = ("tests", "test_*.py", "conftest.py", "migrations", "vendor", "locale", "node_modules")
_COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "locale", "node_modules")
_MSGFMT_OPTIONS = ("--check-format",)  # what Django's compilemessages passes
_JS_GETTEXT = re.compile(r"\b(?:gettext|ngettext|pgettext|npgettext|gettext_noop|interpolate)\s*\(")

HEADER = """\
# Vietnamese messages of egov-vn (tiếng Việt).
# Update from the code with `make messages` (manage.py messages_update), then translate every empty
# or fuzzy entry in the official register (docs/glossary.md). `make lint` (manage.py messages_check)
# fails while an entry is untranslated or fuzzy, or django.mo is stale.
#
msgid ""
msgstr ""
"Project-Id-Version: egov-vn\\n"
"Language-Team: Vietnamese\\n"
"Language: vi\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


class CatalogueError(Exception):
    """A gettext tool failed or is missing."""


# --- reading .po files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: tuple[str, ...]
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def label(self) -> str:
        text = repr(self.msgid) if self.msgid_plural is None else f"{self.msgid!r} / {self.msgid_plural!r}"
        return text if self.msgctxt is None else f"[{self.msgctxt}] {text}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(literal: str) -> str:
    if not (len(literal) >= 2 and literal[0] == literal[-1] == '"'):
        raise ValueError(f"not a PO string: {literal}")
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match[1], "\\" + match[1]), literal[1:-1])


def parse_po(text: str) -> list[Entry]:
    """The live (non-obsolete) entries of a PO file, header included, in file order."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    plural_strings: dict[int, str] = {}
    flags: set[str] = set()
    current: tuple[str, int | None] | None = None

    def flush() -> None:
        nonlocal fields, plural_strings, flags, current
        if "msgid" in fields:
            msgstr = (
                tuple(plural_strings[index] for index in sorted(plural_strings))
                if plural_strings
                else (fields.get("msgstr", ""),)
            )
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgstr=msgstr,
                    msgctxt=fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural"),
                    flags=frozenset(flags),
                )
            )
        fields, plural_strings, flags, current = {}, {}, set(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # blank line or obsolete entry
            if "msgid" in fields and ("msgstr" in fields or plural_strings):
                flush()
            continue
        if line.startswith("#"):
            if "msgid" in fields and ("msgstr" in fields or plural_strings):
                flush()
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        try:
            if line.startswith('"'):
                if current is None:
                    raise ValueError("continuation line without a keyword")
                name, index = current
                if index is None:
                    fields[name] += _unquote(line)
                else:
                    plural_strings[index] += _unquote(line)
                continue
            match = _KEYWORD.match(line)
            if not match:
                raise ValueError(f"unexpected line: {line}")
            name, index_text, literal = match.groups()
            if name in ("msgctxt", "msgid") and ("msgstr" in fields or plural_strings):
                flush()
            if index_text is not None:
                current = ("msgstr", int(index_text))
                plural_strings[int(index_text)] = _unquote(literal)
            else:
                current = (name, None)
                fields[name] = _unquote(literal)
        except ValueError as error:
            raise CatalogueError(f"line {number}: {error}") from error
    flush()
    return entries


def header_fields(entries: Iterable[Entry]) -> dict[str, str]:
    for entry in entries:
        if entry.is_header:
            pairs = (line.split(":", 1) for line in entry.msgstr[0].splitlines() if ":" in line)
            return {name.strip(): value.strip() for name, value in pairs}
    return {}


# --- running the gettext tools ------------------------------------------------------------------------


def catalogue_path(domain: str = "django", suffix: str = "po", locale_root: Path = LOCALE_ROOT) -> Path:
    return locale_root / LANGUAGE / "LC_MESSAGES" / f"{domain}.{suffix}"


def domains(source_root: Path = SOURCE_ROOT) -> list[str]:
    """``django`` always; ``djangojs`` as soon as our own JavaScript (not vendored) marks strings."""
    found = ["django"]
    for path in _files(source_root, "*.js"):
        if _JS_GETTEXT.search(path.read_text(encoding="utf-8", errors="replace")):
            found.append("djangojs")
            break
    return found


def _files(root: Path, pattern: str) -> Iterator[Path]:
    for path in sorted(root.rglob(pattern)):
        parts = path.relative_to(root).parts
        if not any(part in ("vendor", "tests", "node_modules", "__pycache__") for part in parts):
            yield path


def _run(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise CatalogueError(f"{args[0]} is not installed: install GNU gettext ({error}).") from error
    if result.returncode != 0:
        raise CatalogueError(
            f"{' '.join(args[:4])} … failed:\n{result.stderr.strip() or result.stdout.strip()}"
        )
    return result.stdout


def _makemessages(source_copy: Path, domain: str) -> None:
    """Django's makemessages on a copy of the tree, without settings: every string goes to the copy's
    ``locale`` directory (merged into the .po there, if any) and nowhere else."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    # -P: the copied tree is the working directory; its packages must not shadow anything importable
    args = [sys.executable, "-P", "-m", "django", "makemessages", "--locale", LANGUAGE, "--domain", domain]
    args += ["--no-location", "--no-obsolete", "--no-wrap", "--verbosity", "0"]
    for pattern in IGNORE_PATTERNS:
        args += ["--ignore", pattern]
    (source_copy / "locale").mkdir(exist_ok=True)
    _run(args, cwd=source_copy, env=env)
    stray = sorted(
        str(path.relative_to(source_copy))
        for path in source_copy.rglob("*.po")
        if path != catalogue_path(domain, locale_root=source_copy / "locale")
    )
    if stray:
        raise CatalogueError(f"makemessages wrote more than one catalogue: {', '.join(stray)}")


def _copy_sources(source_root: Path, work_dir: Path) -> Path:
    copy = work_dir / source_root.name
    shutil.copytree(source_root, copy, ignore=_COPY_IGNORE)
    if (copy / "conf" / "locale").exists():  # makemessages would take the tree for Django itself
        raise CatalogueError("src/egov/conf/locale must not exist: the only catalogue is src/egov/locale.")
    return copy


def extract(domain: str = "django", source_root: Path = SOURCE_ROOT) -> list[Entry]:
    """The messages the code marks for translation now (msgstr empty), without touching the tree."""
    with tempfile.TemporaryDirectory(prefix="egov-messages-") as work_dir:
        copy = _copy_sources(source_root, Path(work_dir))
        _makemessages(copy, domain)
        po = catalogue_path(domain, locale_root=copy / "locale")
        text = po.read_text(encoding="utf-8") if po.exists() else ""
    return [entry for entry in parse_po(text) if not entry.is_header]


def normalise_header(text: str) -> str:
    """Replace the header entry by ours: no dates or tool versions, so that a re-run without new
    strings leaves the file byte for byte as it was."""
    match = re.search(r'^msgid ""\nmsgstr ""\n(?:".*"\n)*', text, flags=re.MULTILINE)
    rest = text[match.end() :] if match and not text[: match.start()].count("\nmsgid ") else text
    return HEADER + "\n" + rest.lstrip("\n")


def compile_catalogue(po: Path, mo: Path) -> None:
    """msgfmt exactly as Django's compilemessages runs it, written atomically."""
    temporary = mo.with_name(f".{mo.name}.tmp")
    try:
        _run(["msgfmt", *_MSGFMT_OPTIONS, "-o", str(temporary), str(po)])
        os.replace(temporary, mo)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass
class UpdateResult:
    domain: str
    messages: int
    untranslated: list[str]
    changed: bool


def update_catalogue(domain: str = "django", source_root: Path = SOURCE_ROOT) -> UpdateResult:
    """Merge the code's messages into the committed catalogue (new ones empty, removed ones dropped,
    near matches fuzzy for review), then compile it."""
    po = catalogue_path(domain, locale_root=source_root / "locale")
    with tempfile.TemporaryDirectory(prefix="egov-messages-") as work_dir:
        copy = _copy_sources(source_root, Path(work_dir))
        if po.exists():
            target = catalogue_path(domain, locale_root=copy / "locale")
            target.parent.mkdir(parents=True)
            shutil.copyfile(po, target)
        _makemessages(copy, domain)
        merged = catalogue_path(domain, locale_root=copy / "locale")
        text = normalise_header(merged.read_text(encoding="utf-8")) if merged.exists() else HEADER
    old_text = po.read_text(encoding="utf-8") if po.exists() else None
    if text != old_text:
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_text(text, encoding="utf-8")
    compile_catalogue(po, po.with_suffix(".mo"))
    entries = [entry for entry in parse_po(text) if not entry.is_header]
    return UpdateResult(
        domain=domain,
        messages=len(entries),
        untranslated=[entry.label() for entry in entries if _is_untranslated(entry) or entry.is_fuzzy],
        changed=text != old_text,
    )


# --- the check ----------------------------------------------------------------------------------------


_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def _placeholders(text: str, flags: frozenset[str]) -> list[str]:
    found: list[str] = []
    if "python-format" in flags:
        found += [
            f"%({name})s" if name else "%" + kind for name, kind in _PERCENT.findall(text) if kind != "%"
        ]
    if "python-brace-format" in flags:
        found += ["{" + name + "}" for name in _BRACE.findall(text)]
    return sorted(found)


def _is_untranslated(entry: Entry) -> bool:
    expected = NPLURALS if entry.msgid_plural is not None else 1
    return len(entry.msgstr) < expected or any(not text.strip() for text in entry.msgstr[:expected])


def _placeholder_problem(entry: Entry) -> str | None:
    wanted = _placeholders(entry.msgid_plural or entry.msgid, entry.flags)
    for text in entry.msgstr:
        if text and _placeholders(text, entry.flags) != wanted:
            return f"{entry.label()}: the translation must keep exactly the placeholders {wanted or 'none'}"
    return None


@dataclass
class CheckResult:
    messages: int = 0
    missing: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # a warning: messages_update drops them

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            (
                "Messages in the code but missing from the catalogue (run `make messages`, then translate)",
                self.missing,
            ),
            ("Entries with an empty translation", self.untranslated),
            ("Entries marked fuzzy (review the translation, then delete the '#, fuzzy' line)", self.fuzzy),
            ("Translations whose placeholders differ from the English", self.placeholders),
            ("Other problems", self.other),
        ]

    @property
    def problems(self) -> list[str]:
        return [f"{title}: {item}" for title, items in self.sections() for item in items]

    @property
    def is_complete(self) -> bool:
        return not self.problems

    def report(self) -> str:
        lines: list[str] = []
        for title, items in self.sections():
            if items:
                lines.append(f"{title}:")
                lines += [f"  - {item}" for item in items]
        return "\n".join(lines)


def _same_catalogue(first: Path, second: Path) -> bool:
    with first.open("rb") as one, second.open("rb") as other:
        a, b = gettext.GNUTranslations(one), gettext.GNUTranslations(other)
    # _catalog holds every message, plural forms and the header (charset, Plural-Forms) as parsed
    return bool(a._catalog == b._catalog)  # type: ignore[attr-defined]


def check_catalogue(source_root: Path = SOURCE_ROOT) -> CheckResult:
    """Compare the committed catalogue with the code and with its compiled form; change nothing."""
    result = CheckResult()
    locale_root = source_root / "locale"
    configured = {Path(path).resolve() for path in settings.LOCALE_PATHS}
    if source_root.resolve() == SOURCE_ROOT and locale_root.resolve() not in configured:
        result.other.append(f"settings.LOCALE_PATHS does not contain {locale_root}")
    for path in sorted(source_root.rglob("locale")):
        if path.is_dir() and path.resolve() != locale_root.resolve() and any(path.rglob("*.po")):
            result.other.append(
                f"{path.relative_to(source_root)}: an extra catalogue; the only one is locale/"
            )

    for domain in domains(source_root):
        po = catalogue_path(domain, locale_root=locale_root)
        name = po.relative_to(source_root)
        code = extract(domain, source_root)
        if not po.exists():
            result.other.append(f"{name} does not exist: run `make messages`")
            result.missing += [entry.label() for entry in code]
            continue
        try:
            committed = parse_po(po.read_text(encoding="utf-8"))
        except (CatalogueError, UnicodeDecodeError) as error:
            result.other.append(f"{name} cannot be read: {error}")
            continue

        header = header_fields(committed)
        header_entry = next((entry for entry in committed if entry.is_header), None)
        if header_entry is None or header_entry.is_fuzzy:
            result.other.append(f"{name}: the header is missing or fuzzy: run `make messages`")
        if "charset=UTF-8" not in header.get("Content-Type", ""):
            result.other.append(f"{name}: the header must declare charset=UTF-8")
        if header.get("Plural-Forms", "").replace(" ", "") != "nplurals=1;plural=0;":
            result.other.append(f"{name}: the header must declare Plural-Forms: nplurals=1; plural=0;")

        entries = {entry.key: entry for entry in committed if not entry.is_header}
        for entry in code:
            known = entries.get(entry.key)
            if known is None:
                result.missing.append(entry.label())
            elif known.msgid_plural != entry.msgid_plural:
                result.missing.append(f"{entry.label()} (the plural form changed)")
        code_keys = {entry.key for entry in code}
        for entry in entries.values():
            result.messages += 1
            if entry.is_fuzzy:
                result.fuzzy.append(entry.label())
            elif _is_untranslated(entry):
                result.untranslated.append(entry.label())
            elif problem := _placeholder_problem(entry):
                result.placeholders.append(problem)
            if entry.key not in code_keys:
                result.unused.append(entry.label())

        mo = po.with_suffix(".mo")
        if not mo.exists():
            result.other.append(f"{mo.relative_to(source_root)} does not exist: run `make messages`")
            continue
        with tempfile.TemporaryDirectory(prefix="egov-messages-") as work_dir:
            fresh = Path(work_dir) / mo.name
            try:
                compile_catalogue(po, fresh)
            except CatalogueError as error:
                result.other.append(f"{name} does not compile: {error}")
                continue
            try:
                same = _same_catalogue(fresh, mo)
            except (OSError, UnicodeDecodeError) as error:
                result.other.append(f"{mo.relative_to(source_root)} cannot be read: {error}")
                continue
            if not same:
                result.other.append(
                    f"{mo.relative_to(source_root)} is not the compiled {po.name}: run `make messages`"
                )
    return result
