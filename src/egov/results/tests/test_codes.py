"""E-result codes (Decree 118/2025 Art. 22.4; Decree 45/2020 Art. 14.3) and document symbols."""

from __future__ import annotations

import pytest

from egov.results.codes import agency_abbreviation, e_result_code_for, holder_personal_id, legacy_code_for


def test_the_art_22_4_code_is_the_personal_id_followed_by_the_result_type_code():
    legacy = legacy_code_for(dossier_code="H37.01.01-260305-0007", number=2)

    assert legacy == "H37.01.01-260305-0007-KQ2"
    assert e_result_code_for(personal_id="037090001234", result_type_code="KS", legacy_code=legacy) == (
        "037090001234KS"
    )


@pytest.mark.parametrize(("personal_id", "type_code"), [("", "KS"), ("037090001234", ""), ("", "")])
def test_without_both_parts_the_older_form_is_used(personal_id, type_code):
    assert (
        e_result_code_for(personal_id=personal_id, result_type_code=type_code, legacy_code="X-KQ1") == "X-KQ1"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("037090001234", "037090001234"), (" 037090001234 ", "037090001234"), ("0100112437", ""), ("", "")],
)
def test_only_a_valid_personal_identification_number_counts(raw, expected):
    assert holder_personal_id(raw) == expected


@pytest.mark.parametrize(
    ("name", "abbreviation"),
    [
        ("Sở Tư pháp", "STP"),
        ("Ủy ban nhân dân tỉnh Ninh Bình", "UBND"),
        ("Uỷ ban nhân dân phường Hoa Lư", "UBND"),
        ("Trung tâm Phục vụ hành chính công tỉnh Ninh Bình", "TTPVHCC"),
        ("Trung tâm Phục vụ hành chính công thành phố Huế", "TTPVHCC"),
        ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
        ("Sở Giáo dục và Đào tạo", "SGDĐT"),
        ("Công an tỉnh", "CAT"),
    ],
)
def test_agency_abbreviation_for_document_symbols(name, abbreviation):
    assert agency_abbreviation(name) == abbreviation
