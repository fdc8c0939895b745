"""Searching the published catalogue: Vietnamese with or without diacritics (đ = d), ranked, filtered,
the same answers in the same order on SQLite and PostgreSQL (docs/search.md).

Matching: every word of the query must begin a word of the version's folded ``search_text`` (national
code, name, field, result, implementing agency; folded by ``egov.core.text.fold``). Words are runs of
letters and digits, so quotes, ``*``, ``NEAR``, ``OR`` or ``%`` never reach a query language: they are
dropped, or they are words.

Ranking, best first: the national code exactly; the query as a phrase in the name with its diacritics
(folding over-matches: "hồ" finds "hỗ", so the words as typed win); all words in the name; a match
elsewhere (field, result, agency). Then by name in Vietnamese alphabetical order, then by id.

Both databases search ``catalog_search_entry``, a narrow table of published versions that triggers keep
in sync (migration 0003): FTS5 tables beside it on SQLite; on PostgreSQL, a term index read in name order
for queries of one to three words (``search_terms``, migration 0004, ADR 0003) and ``LIKE '% word%'``
over the entry's word columns, with a trigram GIN index, for longer ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol

from django.db import connections, router

from egov.catalog import search_terms
from egov.catalog.models import Procedure, ProcedureVersion
from egov.core.text import fold

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 tokenizer cuts words
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}")  # what a national code looks like (1.001193)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # PostgreSQL refuses NUL in text; none of them helps a search


class Rank(IntEnum):
    CODE = 0
    PHRASE_IN_NAME = 1
    ALL_WORDS_IN_NAME = 2
    ELSEWHERE = 3


@dataclass(frozen=True)
class SearchResult:
    total: int
    items: list[ProcedureVersion]


@dataclass(frozen=True)
class SearchQuery:
    """The query as typed (NFC, trimmed), its words lower-case with their diacritics, and folded."""

    text: str
    words: tuple[str, ...]
    folded_words: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> SearchQuery:
        text = _CONTROL.sub(" ", unicodedata.normalize("NFC", query or "")[:MAX_QUERY_LENGTH]).strip()
        return cls(
            text=text,
            words=tuple(_WORD.findall(text.lower()))[:MAX_WORDS],
            folded_words=tuple(_WORD.findall(fold(text)))[:MAX_WORDS],
        )

    @property
    def is_empty(self) -> bool:
        return not self.folded_words

    @property
    def code(self) -> str | None:
        return self.text if _CODE.fullmatch(self.text) else None


@dataclass(frozen=True)
class SearchFilters:
    field_id: int | None = None
    agency_id: int | None = None
    level: str | None = None
    online_level: str | None = None


def procedure_search(
    *,
    query: str = "",
    field_id: int | None = None,
    agency_id: int | None = None,
    level: str | None = None,
    online_level: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Published procedure versions matching ``query`` and the filters, best first, with the exact total.
    A query without any letter or digit lists everything the filters let through, by name."""
    parsed = SearchQuery.parse(query)
    filters = SearchFilters(field_id=field_id, agency_id=agency_id, level=level, online_level=online_level)
    limit, offset = max(limit, 0), max(offset, 0)
    connection = connections[router.db_for_read(ProcedureVersion)]
    if connection.vendor == "postgresql":
        terms = search_terms.TermQuery.of(parsed.words, parsed.folded_words)
        if terms is not None:
            return term_search(parsed, terms, filters, limit=limit, offset=offset)
    return entry_search(parsed, filters, limit=limit, offset=offset)


def entry_search(parsed: SearchQuery, filters: SearchFilters, *, limit: int, offset: int) -> SearchResult:
    """One statement over the entry table: FTS5 on SQLite; on PostgreSQL, ``LIKE`` on every entry the
    filters let through (queries without words, or of more than ``search_terms.MAX_WORDS`` words)."""
    connection = connections[router.db_for_read(ProcedureVersion)]
    dialect: _Dialect = _SQLITE if connection.vendor == "sqlite" else _POSTGRESQL
    # The SQL is made of this module's constants only; what the user typed travels as parameters.
    filtered = _filters(filters, agency_array=False)
    conditions = [filtered.sql.format(t="e")] if filtered.sql else []
    match, match_params = ("", []) if parsed.is_empty else dialect.matches(parsed.folded_words)
    where = " AND ".join([*conditions, match] if match else conditions) or "1 = 1"
    params = [*filtered.params, *match_params]
    rank, rank_params = _rank(dialect, parsed) if match else ("", [])
    count_in_page = ", count(*) OVER ()" if dialect.counts_in_page and match else ""
    page = (
        f"SELECT e.version_id{count_in_page} FROM catalog_search_entry e WHERE {where} "  # noqa: S608
        f"ORDER BY {rank}{dialect.name_order}, e.version_id LIMIT %s OFFSET %s"
    )
    if match and not conditions:
        count, count_params = dialect.count_matches(parsed.folded_words)
    else:
        count, count_params = f"SELECT count(*) FROM catalog_search_entry e WHERE {where}", params  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(page, [*params, *rank_params, limit, offset])
        rows = cursor.fetchall()
        if rows and count_in_page:
            total = rows[0][1]
        else:  # no window count, or past the end of the list
            cursor.execute(count, count_params)
            total = cursor.fetchone()[0]
    return _result(total, [row[0] for row in rows])


def term_search(
    parsed: SearchQuery, terms: search_terms.TermQuery, filters: SearchFilters, *, limit: int, offset: int
) -> SearchResult:
    """PostgreSQL, up to ``search_terms.MAX_WORDS`` words: the page read from the term index."""
    connection = connections[router.db_for_read(ProcedureVersion)]
    term_filters = _filters(filters)
    with connection.cursor() as cursor:
        code_version = None
        if parsed.code:
            cursor.execute(_code_versions(), [parsed.code])
            row = cursor.fetchone()
            code_version = row[0] if row else None
        total, ids = search_terms.term_page(
            cursor, terms, term_filters, code_version, limit=limit, offset=offset
        )
    return _result(total, ids)


def _result(total: int, ids: list[int]) -> SearchResult:
    found = ProcedureVersion.objects.select_related("procedure", "field").order_by().in_bulk(ids)
    return SearchResult(total=total, items=[found[pk] for pk in ids if pk in found])


def _code_versions() -> str:
    versions, procedures = ProcedureVersion._meta.db_table, Procedure._meta.db_table
    return (
        f"SELECT v.id FROM {versions} v JOIN {procedures} p ON p.id = v.procedure_id"  # noqa: S608
        " WHERE p.national_code = %s AND v.status = 'published'"
    )


def _filters(filters: SearchFilters, *, agency_array: bool = True) -> search_terms.Filters:
    return search_terms.term_filters(
        field_id=filters.field_id,
        agency_id=filters.agency_id,
        level=filters.level,
        online_level=filters.online_level,
        links=ProcedureVersion.implementing_agencies.through._meta.db_table,
        agency_array=agency_array,
    )


def _rank(dialect: _Dialect, query: SearchQuery) -> tuple[str, list[Any]]:
    cases: list[str] = []
    params: list[Any] = []
    if query.code:
        cases.append(f"WHEN e.version_id IN ({_code_versions()}) THEN {int(Rank.CODE)}")
        params.append(query.code)
    for rank, (condition, condition_params) in (
        (Rank.PHRASE_IN_NAME, dialect.phrase_in_name(query.words)),
        (Rank.ALL_WORDS_IN_NAME, dialect.all_words_in_name(query.folded_words)),
    ):
        cases.append(f"WHEN {condition} THEN {int(rank)}")
        params += condition_params
    return f"CASE {' '.join(cases)} ELSE {int(Rank.ELSEWHERE)} END, ", params


class _Dialect(Protocol):
    name_order: str
    counts_in_page: bool

    def matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]: ...

    def count_matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]: ...

    def all_words_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]: ...

    def phrase_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]: ...


class _SQLite:
    """FTS5 expressions made only of quoted words, so the input never reaches FTS5's query syntax."""

    name_order = "e.sort_key, e.tone_key"
    # A window count would stop SQLite from walking the sort-key index or using a top-N sort.
    counts_in_page = False

    @staticmethod
    def _fts(table: str, expression: str) -> tuple[str, list[Any]]:
        return f"e.version_id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [expression]  # noqa: S608

    @staticmethod
    def _prefixes(words: tuple[str, ...]) -> str:
        return " AND ".join(f'"{word}"*' for word in words)

    def matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        return self._fts("catalog_search", f"body : ({self._prefixes(words)})")

    def count_matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        """Without filters, FTS5 counts its own matches: no look-up in the entry table per row."""
        return "SELECT count(*) FROM catalog_search WHERE catalog_search MATCH %s", [
            f"body : ({self._prefixes(words)})"
        ]

    def all_words_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        return self._fts("catalog_search", f"name : ({self._prefixes(words)})")

    def phrase_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        if not words:
            return "0 = 1", []
        phrase = " ".join(words)
        decomposed = unicodedata.normalize("NFD", phrase)  # a name pasted in decomposed form still counts
        expression = f'"{phrase}"' if decomposed == phrase else f'"{phrase}" OR "{decomposed}"'
        return self._fts("catalog_search_exact", expression)


class _PostgreSQL:
    """The entry's word columns read ``' word word … '``, so ``LIKE '% cap%'`` is "a word that starts with
    cap". The words are letters and digits only, never ``%``, ``_`` or ``\\``."""

    name_order = "e.name_key"  # SQLite's sort_key and tone_key in one column (migration 0004)
    # Matching scans the rows anyway; counting them in the same pass saves a second scan. Without words
    # the page walks the name index instead, and counting apart is cheaper.
    counts_in_page = True

    @staticmethod
    def _all(column: str, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        return " AND ".join(f"e.{column} LIKE %s" for _ in words), [f"% {word}%" for word in words]

    def matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        return self._all("words", words)

    def count_matches(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        condition, params = self._all("words", words)
        return f"SELECT count(*) FROM catalog_search_entry e WHERE {condition}", params  # noqa: S608

    def all_words_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        return self._all("name_words", words)

    def phrase_in_name(self, words: tuple[str, ...]) -> tuple[str, list[Any]]:
        if not words:
            return "0 = 1", []
        return "e.name_phrase LIKE %s", [f"% {' '.join(words)} %"]


_SQLITE = _SQLite()
_POSTGRESQL = _PostgreSQL()

__all__ = ["Rank", "SearchFilters", "SearchQuery", "SearchResult", "procedure_search"]
