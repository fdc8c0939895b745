"""PostgreSQL: the page read from the term index (search_terms) is exactly the page of the one-statement
search over the entry table — same total, same versions, same order — for one to three words, typed with
or without diacritics, half typed, with filters and deep offsets; and the terms follow every change of a
version."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection

from egov.accounts.models import Agency
from egov.catalog import search_terms
from egov.catalog.models import Field, Procedure, ProcedureVersion
from egov.catalog.search import SearchFilters, SearchQuery, entry_search, term_search
from egov.catalog.services import version_search_text
from egov.core.text import fold

pytestmark = [
    pytest.mark.django_db,
    # SQLite has no term index (migration 0004 is a no-op there: FTS5 plays its part, test_search.py);
    # .ci/run runs the suite on PostgreSQL too, where these run.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the term index exists on PostgreSQL only; .ci/run runs these on PostgreSQL",
    ),
]

ACTIONS = ["Cấp", "Cấp lại", "Cấp đổi", "Đăng ký", "Đăng ký lại", "Gia hạn", "Thủ tục cấp", "Xác nhận"]
OBJECTS = [
    "giấy phép xây dựng",
    "giấy phép kinh doanh",
    "giấy chứng nhận hộ kinh doanh",
    "hồ sơ hộ tịch",
    "hộ chiếu",
    "khai sinh",
    "khai sinh có yếu tố nước ngoài",
    "chứng chỉ hành nghề dược",
    "cáp treo",
    "cập nhật thông tin",
]
CASES = ["", "", " do bị mất", " cho tổ chức", " cấp xã"]


def _catalogue(size: int, seed: int) -> tuple[list[str], list[int], list[int]]:
    """``size`` procedures named from a small vocabulary (many ties and overlaps), a few with a draft
    or superseded version; returns the names, the field ids and the agency ids."""
    rng = random.Random(seed)
    fields = Field.objects.bulk_create(Field(code=f"f{n}", name=f"Lĩnh vực {n} hộ tịch") for n in range(3))
    agencies = Agency.objects.bulk_create(
        Agency(code=f"T{n:02d}", name=f"UBND xã {n}", level=Agency.Level.COMMUNE) for n in range(4)
    )
    procedures = Procedure.objects.bulk_create(
        Procedure(national_code=f"{1 + n % 2}.{n:06d}") for n in range(size)
    )
    versions = []
    for procedure in procedures:
        for number, status in enumerate(rng.choice([("published",)] * 4 + [("superseded", "published")]), 1):
            version = ProcedureVersion(
                procedure=procedure,
                number=number,
                status=status,
                name=f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}{rng.choice(CASES)}",
                field=rng.choice(fields),
                level=rng.choice(["province", "commune"]),
                online_level=rng.choice(["full", "partial", "none"]),
                processing_days=3,
                result_type=rng.choice(["Giấy phép", "Giấy chứng nhận khai sinh", "Bản sao"]),
                implementing_agency_text=rng.choice(["UBND cấp xã", "Sở Tư pháp", ""]),
            )
            version.search_text = version_search_text(version)
            versions.append(version)
    ProcedureVersion.objects.bulk_create(versions)
    through = ProcedureVersion.implementing_agencies.through
    through.objects.bulk_create(
        through(procedureversion_id=version.pk, agency_id=rng.choice(agencies).pk)
        for version in versions
        if version.status == "published"
    )
    names = [version.name for version in versions if version.status == "published"]
    return names, [field.pk for field in fields], [agency.pk for agency in agencies]


def _queries(names: list[str], codes: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    found: list[str] = ["cap", "cấp", "cáp", "ho", "hộ", "hồ sơ", "k", "c", "gia h", "cap l", "1", "000"]
    for _ in range(150):
        words = rng.choice(names).lower().split()
        length = rng.choice([1, 1, 2, 2, 3])
        start = rng.randrange(max(1, len(words) - length + 1))
        chosen = words[start : start + length]
        if rng.random() < 0.3:
            chosen[-1] = chosen[-1][: rng.randint(1, len(chosen[-1]))]  # half typed
        if rng.random() < 0.2:
            chosen = [rng.choice(words) for _ in chosen]  # not adjacent
        text = " ".join(chosen)
        found.append(fold(text) if rng.random() < 0.4 else text)
    return [*found, *rng.sample(codes, 5)]


def test_the_term_index_gives_the_entry_statements_pages():
    names, field_ids, agency_ids = _catalogue(240, seed=11)
    codes = list(Procedure.objects.values_list("national_code", flat=True))
    rng = random.Random(3)
    checked = 0
    for text in _queries(names, codes, seed=5):
        parsed = SearchQuery.parse(text)
        terms = search_terms.TermQuery.of(parsed.words, parsed.folded_words)
        assert terms is not None, text
        for _ in range(2):
            filters: dict[str, Any] = {}
            if rng.random() < 0.3:
                filters["level"] = rng.choice(["province", "commune"])
            if rng.random() < 0.2:
                filters["online_level"] = rng.choice(["full", "partial", "none"])
            if rng.random() < 0.15:
                filters["field_id"] = rng.choice(field_ids)
            if rng.random() < 0.15:
                filters["agency_id"] = rng.choice(agency_ids)
            limit, offset = rng.choice([(20, 0), (20, 0), (7, 3), (20, 20), (50, 40), (5, 150)])
            page = term_search(parsed, terms, SearchFilters(**filters), limit=limit, offset=offset)
            expected = entry_search(parsed, SearchFilters(**filters), limit=limit, offset=offset)
            assert page.total == expected.total, (text, filters)
            assert [v.pk for v in page.items] == [v.pk for v in expected.items], (text, filters, offset)
            checked += bool(expected.items)
    assert checked > 150  # most of them found something to compare


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("cấp", ("cap",)),
        ("Đăng ký khai", ("dang", "ky", "khai")),
        ("cap cap", ("cap",)),
    ],
)
def test_a_query_of_up_to_three_words_reads_the_term_index(query, terms):
    parsed = SearchQuery.parse(query)
    term_query = search_terms.TermQuery.of(parsed.words, parsed.folded_words)

    assert term_query is not None
    assert term_query.folded == terms


def test_longer_queries_take_the_entry_statement():
    parsed = SearchQuery.parse("đăng ký khai sinh có yếu tố")

    assert search_terms.TermQuery.of(parsed.words, parsed.folded_words) is None


def _terms_of(version: ProcedureVersion) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM catalog_search_term WHERE version_id = %s ORDER BY term", [version.pk]
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_terms_follow_a_version_published_renamed_and_superseded():
    field = Field.objects.create(code="ht", name="Hộ tịch")
    procedure = Procedure.objects.create(national_code="1.000001")
    version = ProcedureVersion(
        procedure=procedure,
        number=1,
        status="published",
        name="Đăng ký khai sinh",
        field=field,
        level="commune",
        processing_days=3,
    )
    version.search_text = version_search_text(version)
    version.save()

    terms = _terms_of(version)
    assert {"d", "da", "dan", "dang", "k", "kh", "khai", "s", "sinh", "=đăng", "=đăng ký", "=ký khai"} <= set(
        terms
    )
    assert "dangky" not in terms
    assert "=khai" in terms

    version.name = "Đăng ký kết hôn"
    version.search_text = version_search_text(version)
    version.save()
    assert "sinh" not in _terms_of(version)
    assert "=kết hôn" in _terms_of(version)

    version.status = "superseded"
    version.save()
    assert _terms_of(version) == []
