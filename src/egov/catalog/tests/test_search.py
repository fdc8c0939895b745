"""procedure_search on whichever database the suite runs on (SQLite by default, PostgreSQL in CI): the same
answers, in the same order, on both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.db import connection

from egov.accounts.models import Agency
from egov.catalog import selectors
from egov.catalog.models import ProcedureVersion
from egov.catalog.search import SearchQuery, procedure_search
from egov.catalog.services import (
    procedure_version_new_draft,
    procedure_version_publish,
    procedure_version_write,
)

pytestmark = pytest.mark.django_db


def publish(
    code: str,
    name: str,
    *,
    field: str = "Hộ tịch",
    result: str = "Giấy chứng nhận",
    agency_text: str = "",
    agencies: Iterable[Agency] = (),
    level: str = "commune",
    online_level: str = "partial",
    is_published: bool = True,
    **data: Any,
) -> ProcedureVersion:
    """A procedure with one version, published unless ``is_published=False`` (then it stays a draft)."""
    return procedure_version_write(
        actor=None,
        national_code=code,
        field_name=field,
        data={
            "name": name,
            "level": level,
            "online_level": online_level,
            "processing_days": 3,
            "result_type": result,
            "implementing_agency_text": agency_text,
            **data,
        },
        agency_ids=[agency.pk for agency in agencies],
        publish=is_published,
    )


def agency(code: str, name: str) -> Agency:
    return Agency.objects.create(code=code, name=name, level=Agency.Level.COMMUNE)


def names(query: str = "", **filters: Any) -> list[str]:
    return [version.name for version in procedure_search(query=query, limit=100, **filters).items]


@pytest.fixture
def civil_status() -> None:
    """A small catalogue where "đăng ký khai sinh" is in some names as written, in one only without its
    diacritics' help, and in one only in the result."""
    publish("1.001193", "Thủ tục đăng ký khai sinh")
    publish("1.004884", "Đăng ký lại khai sinh")
    publish("2.000528", "Đăng ký khai sinh có yếu tố nước ngoài", level="province")
    publish("1.001022", "Cấp bản sao trích lục hộ tịch", result="Bản sao trích lục đăng ký khai sinh")
    publish("1.000894", "Đăng ký kết hôn", online_level="full")
    publish("1.003583", "Thủ tục đăng ký khai sinh lưu động", is_published=False)


@pytest.mark.usefixtures("civil_status")
def test_words_with_diacritics_rank_the_phrase_as_written_in_the_name_first():
    assert names("đăng ký khai sinh") == [
        "Đăng ký khai sinh có yếu tố nước ngoài",  # the phrase in the name, then by name
        "Thủ tục đăng ký khai sinh",
        "Đăng ký lại khai sinh",  # every word in the name
        "Cấp bản sao trích lục hộ tịch",  # only in the result
    ]


@pytest.mark.usefixtures("civil_status")
def test_words_without_diacritics_find_the_same_procedures_with_d_for_đ():
    assert names("dang ky khai sinh") == [
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký lại khai sinh",
        "Thủ tục đăng ký khai sinh",
        "Cấp bản sao trích lục hộ tịch",
    ]


@pytest.mark.usefixtures("civil_status")
@pytest.mark.parametrize("query", ["Đăng ký", "đăng ký", "ĐĂNG KÝ", "Dang ky", "dang ky", "DANG KY"])
def test_dang_ky_is_found_with_and_without_marks_and_in_any_case(query):
    found = names(query)

    assert sorted(found) == sorted(
        [
            "Thủ tục đăng ký khai sinh",
            "Đăng ký lại khai sinh",
            "Đăng ký khai sinh có yếu tố nước ngoài",
            "Cấp bản sao trích lục hộ tịch",
            "Đăng ký kết hôn",
        ]
    )
    assert found[-1] == "Cấp bản sao trích lục hộ tịch"  # "đăng ký" only in its result


@pytest.mark.usefixtures("civil_status")
def test_the_national_code_finds_its_procedure_first():
    result = procedure_search(query="1.001193")

    assert [(version.procedure.national_code, version.name) for version in result.items] == [
        ("1.001193", "Thủ tục đăng ký khai sinh")
    ]
    assert result.total == 1


def test_an_exact_code_ranks_above_names_that_mention_it():
    publish("1.000001", "Thủ tục B")
    publish("1.000002", "Thủ tục A thay thế thủ tục 1.000001")

    assert names("1.000001") == ["Thủ tục B", "Thủ tục A thay thế thủ tục 1.000001"]


def test_words_as_typed_rank_first_because_folding_over_matches():
    """Without diacritics "hồ" is "ho", which "hỗ" and "hộ" also are: the word as typed comes first."""
    publish("1.0001", "Hỗ trợ chi phí học tập", field="Giáo dục")
    publish("1.0002", "Cấp phép khai thác nước hồ chứa", field="Tài nguyên nước")
    publish("1.0003", "Cấp bản sao trích lục hộ tịch")
    publish("1.0004", "Cấp giấy phép xây dựng", field="Xây dựng")

    assert names("hồ") == [
        "Cấp phép khai thác nước hồ chứa",
        "Cấp bản sao trích lục hộ tịch",
        "Hỗ trợ chi phí học tập",
    ]
    assert names("ho")[:1] == ["Cấp bản sao trích lục hộ tịch"]


def test_matches_in_field_result_and_agency_come_after_matches_in_the_name():
    publish("1.1", "Cấp giấy phép kinh doanh karaoke", field="Văn hóa")
    publish("1.2", "Thủ tục X", field="Văn hóa cơ sở")
    publish("1.3", "Thủ tục Y", result="Giấy phép hoạt động văn hóa")
    publish("1.4", "Thủ tục Z", agency_text="Sở Văn hóa, Thể thao và Du lịch")
    publish("1.5", "Hỗ trợ văn hóa", field="Khác")

    assert names("văn hóa") == [
        "Hỗ trợ văn hóa",
        "Cấp giấy phép kinh doanh karaoke",  # field "Văn hóa"
        "Thủ tục X",  # field "Văn hóa cơ sở"
        "Thủ tục Y",  # result
        "Thủ tục Z",  # agency
    ]
    assert names("karaoke") == ["Cấp giấy phép kinh doanh karaoke"]


def test_every_word_must_match_and_words_match_from_their_start():
    publish("1.1", "Đăng ký kết hôn")
    publish("1.2", "Đăng ký khai tử")

    assert names("dang ket") == ["Đăng ký kết hôn"]
    assert names("đăng k") == ["Đăng ký kết hôn", "Đăng ký khai tử"]  # ê before h
    assert names("ang") == []  # inside a word ("đăng") is not the start of one
    assert names("kết hôn khai") == []


def test_names_sort_in_vietnamese_alphabetical_order():
    """a < ă < â, d < đ, e < ê …; tones (none, huyền, hỏi, ngã, sắc, nặng) only after all the letters."""
    expected = ["An", "Az", "Ăn", "Ấp", "Bà", "Bả", "Bá x", "Ba y", "Dương", "Đà", "E", "Ê"]
    for number, name in enumerate(reversed(expected)):
        publish(f"9.{number:06d}", name)

    assert names() == expected
    assert names("b") == ["Bà", "Bả", "Bá x", "Ba y"]


@pytest.mark.usefixtures("civil_status")
def test_an_empty_query_lists_every_published_procedure_by_name():
    result = procedure_search()

    assert result.total == 5
    assert [version.name for version in result.items] == [
        "Cấp bản sao trích lục hộ tịch",
        "Đăng ký kết hôn",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký lại khai sinh",
        "Thủ tục đăng ký khai sinh",
    ]


def test_filters_by_field_agency_level_and_online_level_alone_and_together():
    ward, commune = agency("H37.21.01", "UBND phường Một"), agency("H37.21.02", "UBND xã Hai")
    birth = publish("1.1", "Đăng ký khai sinh", agencies=[ward, commune])
    publish("1.2", "Đăng ký kết hôn", agencies=[ward], online_level="full")
    publish("1.3", "Đăng ký khai sinh có yếu tố nước ngoài", level="province")
    publish("1.4", "Cấp giấy phép xây dựng", field="Xây dựng", agencies=[commune], online_level="none")

    assert names(field_id=birth.field_id) == [
        "Đăng ký kết hôn",
        "Đăng ký khai sinh",
        "Đăng ký khai sinh có yếu tố nước ngoài",
    ]
    assert names(agency_id=ward.pk) == ["Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert names(agency_id=commune.pk) == ["Cấp giấy phép xây dựng", "Đăng ký khai sinh"]
    assert names(level="province") == ["Đăng ký khai sinh có yếu tố nước ngoài"]
    assert names(online_level="full") == ["Đăng ký kết hôn"]
    assert names("khai sinh", agency_id=ward.pk, level="commune", online_level="partial") == [
        "Đăng ký khai sinh"
    ]
    assert names("khai sinh", field_id=birth.field_id, online_level="none") == []


def test_limit_and_offset_page_through_the_ranked_list_with_the_exact_total():
    for number in range(7):
        publish(f"1.{number}", f"Cấp giấy phép loại {chr(ord('A') + number)}")

    first = procedure_search(query="giấy phép", limit=3)
    third = procedure_search(query="giấy phép", limit=3, offset=6)
    beyond = procedure_search(query="giấy phép", limit=3, offset=7)

    assert (first.total, [version.name[-1] for version in first.items]) == (7, ["A", "B", "C"])
    assert (third.total, [version.name[-1] for version in third.items]) == (7, ["G"])
    assert (beyond.total, beyond.items) == (7, [])


def test_drafts_and_superseded_versions_never_appear():
    publish("1.1", "Đăng ký khai sinh bản nháp", is_published=False)
    current = publish("1.2", "Đăng ký khai sinh cũ")
    procedure_version_new_draft(actor=None, procedure=current.procedure)
    draft = procedure_version_write(
        actor=None,
        national_code="1.2",
        field_name="Hộ tịch",
        data={"name": "Đăng ký khai sinh mới"},
    )

    assert names("khai sinh") == ["Đăng ký khai sinh cũ"]
    assert names("mới") == names("nháp") == []

    procedure_version_publish(actor=None, version=draft)

    assert names("khai sinh") == ["Đăng ký khai sinh mới"]
    assert names("cũ") == []
    assert ProcedureVersion.objects.get(pk=current.pk).status == ProcedureVersion.Status.SUPERSEDED


def test_a_renamed_draft_published_replaces_the_old_name_and_keeps_the_code():
    old = publish("1.001193", "Thủ tục đăng ký khai sinh")
    procedure_version_new_draft(actor=None, procedure=old.procedure)
    procedure_version_write(
        actor=None,
        national_code="1.001193",
        field_name="Hộ tịch",
        data={"name": "Đăng ký khai sinh (liên thông)"},
        publish=True,
    )

    result = procedure_search(query="1.001193")

    assert [(version.number, version.name) for version in result.items] == [
        (2, "Đăng ký khai sinh (liên thông)")
    ]


MALICIOUS = [
    '"',
    "'",
    '""',
    "*",
    "khai*",
    "NEAR(khai sinh)",
    "khai NEAR sinh",
    "AND OR NOT",
    "name : khai",
    "body:khai",
    "{name body}: sinh",
    "^khai",
    "khai sinh)",
    "(",
    "'); DROP TABLE catalog_procedureversion; --",
    "% _",
    "\\m.*",
    "a\x00b",
    "\u0301\u0300",
    "🙂",
    "khai" * 300,
    " ".join(["khai"] * 50),
]


@pytest.mark.usefixtures("civil_status")
@pytest.mark.parametrize("query", MALICIOUS)
def test_hostile_queries_are_only_words(query):
    result = procedure_search(query=query)

    assert result.total == len(result.items)
    assert ProcedureVersion.objects.count() == 6


@pytest.mark.usefixtures("civil_status")
def test_quotes_and_operators_around_words_still_find_the_words():
    assert names('"khai" AND "sinh"') == []  # "and" is a word too, and no name has it
    assert names('"khai sinh*"') == names("khai sinh")
    assert names("NEAR") == []


@pytest.mark.usefixtures("civil_status")
def test_a_query_without_letters_or_digits_lists_everything():
    assert procedure_search(query='"*()').total == 5


@pytest.mark.parametrize(
    ("query", "words", "folded"),
    [
        ("Đăng ký khai sinh", ("đăng", "ký", "khai", "sinh"), ("dang", "ky", "khai", "sinh")),
        ("1.001193", ("1", "001193"), ("1", "001193")),
        ('khai" NEAR(sinh*', ("khai", "near", "sinh"), ("khai", "near", "sinh")),
        ("Thu\u0309 tu\u0323c", ("thủ", "tục"), ("thu", "tuc")),  # typed in decomposed form
        (" ".join("abcdefghij"), tuple("abcdefgh"), tuple("abcdefgh")),  # at most 8 words
    ],
)
def test_how_a_query_is_read(query, words, folded):
    parsed = SearchQuery.parse(query)

    assert (parsed.words, parsed.folded_words) == (words, folded)


def test_a_name_stored_in_decomposed_form_still_ranks_as_written():
    publish("1.1", "Thu\u0309 tu\u0323c đăng ký khai sinh")  # NFD, as some editors paste it
    publish("1.2", "Thủ tục cấp lại, đăng ký khai sinh")

    assert names("thủ tục") == ["Thủ tục cấp lại, đăng ký khai sinh", "Thu\u0309 tu\u0323c đăng ký khai sinh"]


def test_selectors_expose_the_search():
    assert selectors.procedure_search is procedure_search


def test_the_index_holds_exactly_the_published_versions():
    """On SQLite, Django remakes a table for most column changes, which drops its triggers: a later
    migration on catalog_procedureversion that forgets to reinstall them fails here."""
    publish("1.1", "Đăng ký khai sinh")
    old = publish("1.2", "Đăng ký kết hôn")
    procedure_version_new_draft(actor=None, procedure=old.procedure)
    procedure_version_write(actor=None, national_code="1.2", field_name="Hộ tịch", data={}, publish=True)
    publish("1.3", "Cấp giấy phép", is_published=False)
    published = sorted(
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).values_list("id", flat=True)
    )
    tables = [("catalog_search_entry", "version_id")]
    if connection.vendor == "sqlite":
        tables += [("catalog_search", "rowid"), ("catalog_search_exact", "rowid")]
    else:
        tables += [("catalog_search_term", "DISTINCT version_id")]

    with connection.cursor() as cursor:
        indexed = {}
        for table, column in tables:
            cursor.execute(f"SELECT {column} FROM {table} ORDER BY 1")
            indexed[table] = [row[0] for row in cursor.fetchall()]

    assert len(published) == 2
    assert indexed == {table: published for table, _column in tables}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_sqlite_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_procedureversion'"
        )
        triggers = sorted(row[0] for row in cursor.fetchall())

    assert triggers == ["catalog_search_delete", "catalog_search_insert", "catalog_search_update"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL objects")
def test_postgresql_has_the_extensions_the_function_the_collation_and_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm') ORDER BY 1")
        extensions = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT f_unaccent('Đăng ký Ủy ban'), provolatile FROM pg_proc WHERE proname = 'f_unaccent'"
        )
        folded, volatility = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_collation WHERE collname = 'vi-VN'")
        collations = cursor.fetchone()[0]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_search_entry_words'")
        index = cursor.fetchone()[0]

    assert extensions == ["pg_trgm", "unaccent"]
    assert (folded, volatility) == ("Dang ky Uy ban", "i")
    assert collations == 1
    assert "gin (words gin_trgm_ops)" in index
