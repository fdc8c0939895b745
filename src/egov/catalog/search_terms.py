"""PostgreSQL: a search page read from ``catalog_search_term`` (migration 0004, docs/search.md).

The ranked list is four segments, each in name order (``name_key``, then the version id):

0. the version whose national code is the query;
1. the query as a phrase in the name, as written;
2. all the words in the name (folded), not in segment 1;
3. the other matches (a word found only in the field, result or agency).

One statement counts the matches, those with all words in the name and those with the phrase (index
entries only: no row of the entry table is read unless a phrase of three words needs checking); near the
top of the list the phrase segment is walked instead of counted. The page then walks the terms of one
word in name order — the index's order — checking the other words of each row with index probes, and
stops when the page is full: a broad word ("cấp": 7,408 of 10,000) costs what a narrow one costs. Up to
``MAX_WORDS`` words; longer queries are narrow and take the one statement over the entry table
(``search.entry_search``). ``test_search_terms.py`` holds the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from egov.core.text import fold

MAX_WORDS = 3
DRIVER_ROWS = 3_000  # a walk starts from the term with the fewest rows, counted up to this many
PHRASE_WALK = 100  # pages ending within this many rows walk the phrase rank instead of counting it
_TERM = "catalog_search_term"


@dataclass(frozen=True)
class TermQuery:
    """The words as terms: ``folded`` prefixes (distinct), ``exact`` phrase terms (``'=word'`` for one
    word, ``'=word word'`` for each adjacent pair), and the phrase itself when pairs cannot prove it."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]
    phrase: str | None  # LIKE pattern on name_phrase, for three words or more

    @classmethod
    def of(cls, words: tuple[str, ...], folded_words: tuple[str, ...]) -> TermQuery | None:
        folded = tuple(dict.fromkeys(folded_words))
        if not folded or len(folded_words) > MAX_WORDS:
            return None
        # The phrase rank is a subset of the matches only when each word as typed folds to its term.
        if len(words) != len(folded_words):
            return None
        if any(fold(word) != term for word, term in zip(words, folded_words, strict=True)):
            return None
        if len(words) == 1:
            exact: tuple[str, ...] = (f"={words[0]}",)
        else:
            exact = tuple(dict.fromkeys(f"={a} {b}" for a, b in pairwise(words)))
        phrase = f"% {' '.join(words)} %" if len(words) > 2 else None
        return cls(folded=folded, exact=exact, phrase=phrase)


@dataclass(frozen=True)
class Filters:
    sql: str  # conditions on the alias "{t}", joined with AND, or ""
    params: list[Any]

    def on(self, alias: str) -> str:
        return f" AND {self.sql.format(t=alias)}" if self.sql else ""


def term_filters(
    *,
    field_id: int | None,
    agency_id: int | None,
    level: str | None,
    online_level: str | None,
    links: str,
    agency_array: bool = True,
) -> Filters:
    """The filters as conditions on an alias that has the entry's filter columns (the term rows and the
    entry table both do). The agency is an array computed once (``agency_array``: PostgreSQL's walks
    must keep the index's order, which a semi-join would lose) or an ``IN`` subquery (SQLite has no
    ``ARRAY()``)."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("field_id", field_id), ("level", level), ("online_level", online_level)):
        if value is not None and value != "":
            where.append(f"{{t}}.{column} = %s")
            params.append(value)
    if agency_id is not None:
        versions = f"SELECT procedureversion_id FROM {links} WHERE agency_id = %s"  # noqa: S608
        among = f"= ANY (ARRAY({versions}))" if agency_array else f"IN ({versions})"
        where.append(f"{{t}}.version_id {among}")
        params.append(agency_id)
    return Filters(" AND ".join(where), params)


@dataclass(frozen=True)
class Counts:
    matches: int
    all_in_name: int  # includes the phrase matches
    phrase: int | None  # None: not counted (the page finds it by walking)
    rows: dict[str, int]  # term → its rows, for the terms a walk may start from (more than one to choose)

    def segments(self) -> tuple[int, int, int]:
        phrase = self.phrase or 0
        return phrase, self.all_in_name - phrase, self.matches - self.all_in_name


def counts(
    cursor: Any, query: TermQuery, filters: Filters, *, with_phrase: bool = True, only: int | None = None
) -> Counts:
    """The counts in one statement, from index entries; ``only`` restricts them to one version."""
    first, *others = query.folded
    joins = "".join(
        f" JOIN {_TERM} a{i} ON a{i}.term = %s AND a{i}.version_id = a0.version_id"
        for i in range(1, len(others) + 1)
    )
    in_name = " AND ".join(f"a{i}.in_name" for i in range(len(query.folded)))
    restrict = " AND a0.version_id = %s" if only is not None else ""
    phrase_sql, phrase_params = _phrase_count(query, filters, only) if with_phrase else ("NULL", [])
    # A walk starts from the term with the fewest rows: it meets the page's rows soonest.
    drivers = [terms for terms in (query.folded, query.exact) if len(terms) > 1]
    sized = [term for terms in drivers for term in terms]
    # Counted up to DRIVER_ROWS: past that the longest will do, and counting on would cost a scan.
    row_counts = "".join(
        f", (SELECT count(*) FROM (SELECT FROM {_TERM} WHERE term = %s LIMIT {DRIVER_ROWS}) c)"  # noqa: S608
        for _ in sized
    )
    statement = (
        f"SELECT count(*), count(*) FILTER (WHERE {in_name}), {phrase_sql}{row_counts}"  # noqa: S608
        f" FROM {_TERM} a0{joins} WHERE a0.term = %s{filters.on('a0')}{restrict}"
    )
    params = [*phrase_params, *sized, *others, first, *filters.params, *([only] if only is not None else [])]
    cursor.execute(statement, params)
    matches, all_in_name, phrase, *rows = cursor.fetchone()
    return Counts(
        matches=matches, all_in_name=all_in_name, phrase=phrase, rows=dict(zip(sized, rows, strict=True))
    )


def _phrase_count(query: TermQuery, filters: Filters, only: int | None) -> tuple[str, list[Any]]:
    """How many matches have the phrase in their name: the versions with every phrase term (and every
    word: the phrase rank is a rank of the matches), the phrase itself checked for three words."""
    x_first, *x_others = query.exact
    joins = "".join(
        f" JOIN {_TERM} x{i} ON x{i}.term = %s AND x{i}.version_id = x0.version_id"
        for i in range(1, len(x_others) + 1)
    )
    params: list[Any] = list(x_others)
    checks = ""
    if query.phrase:
        # Three words: the pairs leave few candidates, each probed (a join of six tables would cost more
        # to plan than to run).
        checks = f" AND mod({_probe(query.folded, 'x0')}, 16) = %s AND {_phrase_check('x0')} IS TRUE"
    else:
        joins += "".join(
            f" JOIN {_TERM} m{i} ON m{i}.term = %s AND m{i}.version_id = x0.version_id"
            for i in range(len(query.folded))
        )
        params += query.folded
    params += [x_first, *filters.params]
    if query.phrase:
        params += [list(query.folded), len(query.folded), query.phrase]
    restrict = ""
    if only is not None:
        restrict = " AND x0.version_id = %s"
        params.append(only)
    where = f"x0.term = %s{filters.on('x0')}{checks}{restrict}"
    return f"(SELECT count(*) FROM {_TERM} x0{joins} WHERE {where})", params  # noqa: S608


def _probe(terms: tuple[str, ...], alias: str = "d") -> str:
    """How many of ``terms`` the walked row's version has, + 16 × how many of them begin a word of its
    name (at most 7 terms: the two counts never mix)."""
    return (
        f"(SELECT count(*) + 16 * count(*) FILTER (WHERE p.in_name) FROM {_TERM} p"  # noqa: S608
        f" WHERE p.term = ANY (%s) AND p.version_id = {alias}.version_id)"
    )


def _phrase_check(alias: str = "d") -> str:
    return (
        "(SELECT e.name_phrase LIKE %s FROM catalog_search_entry e"  # noqa: S608
        f" WHERE e.version_id = {alias}.version_id)"
    )


def segment_page(
    cursor: Any,
    query: TermQuery,
    filters: Filters,
    segment: int,
    *,
    rows: dict[str, int],
    skip: list[int],
    limit: int,
    offset: int,
) -> list[int]:
    """Version ids of ``segment`` (1, 2 or 3) in name order, ``offset`` and ``limit`` within it."""
    conditions: list[str] = []
    params: list[Any] = []
    if segment == 1:
        # Walk the phrase term with the fewest rows; the other terms are probed.
        driver = min(query.exact, key=lambda term: (rows.get(term, 0), -len(term)))
        other_exact = tuple(term for term in query.exact if term != driver)
        if other_exact:
            conditions.append(f"mod({_probe(other_exact)}, 16) = %s")
            params += [list(other_exact), len(other_exact)]
        conditions.append(f"mod({_probe(query.folded)}, 16) = %s")
        params += [list(query.folded), len(query.folded)]
        if query.phrase:
            conditions.append(f"{_phrase_check()} IS TRUE")
            params.append(query.phrase)
    else:
        driver = min(query.folded, key=lambda term: (rows.get(term, 0), -len(term)))
        others = tuple(term for term in query.folded if term != driver)
        if segment == 2:
            conditions.append("d.in_name")
            if others:
                conditions.append(f"{_probe(others)} = %s")
                params += [list(others), 17 * len(others)]
            phrase = [f"mod({_probe(query.exact)}, 16) = %s"]
            params += [list(query.exact), len(query.exact)]
            if query.phrase:
                phrase.append(f"{_phrase_check()} IS TRUE")
                params.append(query.phrase)
            conditions.append(f"NOT ({' AND '.join(phrase)})")
        elif others:
            # All the other words, and not all of the words in the name: one probe, a set of answers.
            every = len(others)
            conditions.append(f"{_probe(others)} = ANY (CASE WHEN d.in_name THEN %s ELSE %s END)")
            params += [
                list(others),
                [every + 16 * in_name for in_name in range(every)],
                [every + 16 * in_name for in_name in range(every + 1)],
            ]
        else:
            conditions.append("NOT d.in_name")
    if skip:
        conditions.append("d.version_id <> ALL (%s)")
        params.append(skip)
    statement = (
        f"SELECT d.version_id FROM {_TERM} d WHERE d.term = %s{filters.on('d')}"  # noqa: S608
        f" AND {' AND '.join(conditions)} ORDER BY d.name_key, d.version_id LIMIT %s OFFSET %s"
    )
    cursor.execute(statement, [driver, *filters.params, *params, limit, offset])
    return [row[0] for row in cursor.fetchall()]


def term_page(
    cursor: Any, query: TermQuery, filters: Filters, code_version: int | None, *, limit: int, offset: int
) -> tuple[int, list[int]]:
    """(total, the page's version ids) for a query of up to ``MAX_WORDS`` words; ``code_version`` is the
    published version of the procedure whose national code the query is (one at most: a constraint)."""
    end = offset + limit
    # Near the top of the list the phrase rank is cheaper to walk than to count: a walk that stops short
    # of the page's end has found all of it.
    walk_phrase = code_version is None and end <= PHRASE_WALK
    found = counts(cursor, query, filters, with_phrase=not walk_phrase)
    if not found.matches or not limit:
        return found.matches, []
    ready: dict[int, list[int]] = {}  # segment → its rows from its start, already read
    first: list[int] = []
    sizes = list(found.segments())
    if walk_phrase:
        ready[1] = segment_page(cursor, query, filters, 1, rows=found.rows, skip=[], limit=end, offset=0)
        if len(ready[1]) == end:
            return found.matches, ready[1][offset:]
        sizes = [len(ready[1]), found.all_in_name - len(ready[1]), found.matches - found.all_in_name]
    elif code_version is not None:
        mine = counts(cursor, query, filters, only=code_version)
        if mine.matches:
            first = [code_version]
            sizes = [size - own for size, own in zip(sizes, mine.segments(), strict=True)]
    ids: list[int] = []
    position = 0
    for segment, size in ((0, len(first)), (1, sizes[0]), (2, sizes[1]), (3, sizes[2])):
        low, high = max(offset, position), min(end, position + size)
        if low < high:
            if segment == 0:
                ids += first[low - position : high - position]
            elif segment in ready:
                ids += ready[segment][low - position : high - position]
            else:
                ids += segment_page(
                    cursor,
                    query,
                    filters,
                    segment,
                    rows=found.rows,
                    skip=first,
                    limit=high - low,
                    offset=low - position,
                )
        position += size
        if position >= end:
            break
    return found.matches, ids
