from datetime import date

import pytest
from django.core.exceptions import ValidationError

from egov.accounts import validators
from egov.accounts.tests.factories import personal_id_for, tax_code_for
from egov.accounts.validators import (
    BIRTH_PROVINCE_CODES,
    normalise_tax_code,
    personal_id_birth_year,
    validate_agency_code,
    validate_personal_id,
    validate_tax_code,
)

TODAY = date(2026, 11, 27)


# Personal identification number ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "birth_year"),
    [
        ("037090001234", 1990),  # Ninh Bình, male, 1990
        ("036195004567", 1995),  # Nam Định, female, 1995
        ("001300000001", 2000),  # Hà Nội, female, 2000
        ("079226000123", 2026),  # born this year
        ("096099999999", 1999),  # highest birth province code
    ],
)
def test_valid_personal_id_is_accepted(value, birth_year):
    # given a well-formed number

    # when it is validated
    validate_personal_id(value, today=TODAY)

    # then it passes and the birth year is read from digits 4 to 6
    assert personal_id_birth_year(value) == birth_year


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("03709000123", "personal_id_format"),  # 11 digits
        ("0370900012345", "personal_id_format"),  # 13 digits
        ("03709000123A", "personal_id_format"),  # a letter
        ("037 90001234", "personal_id_format"),  # a space
        (" 037090001234", "personal_id_format"),  # surrounding space
        ("037090001234\n", "personal_id_format"),  # trailing newline
        ("037٠90001234", "personal_id_format"),  # an Arabic-Indic digit
        ("", "personal_id_format"),
        (None, "personal_id_format"),
        ("003090001234", "personal_id_province"),  # 003 is not a province code
        ("000090001234", "personal_id_province"),
        ("097090001234", "personal_id_province"),  # above the highest code
        ("037299001234", "personal_id_year"),  # century digit 2 + 99 = born 2099
        ("037227001234", "personal_id_year"),  # born next year
        ("037426001234", "personal_id_year"),  # century digit 4 = 2100s
    ],
)
def test_invalid_personal_id_is_refused_with_its_code(value, code):
    # given a malformed number

    # when it is validated
    with pytest.raises(ValidationError) as raised:
        validate_personal_id(value, today=TODAY)

    # then the error names what is wrong
    assert raised.value.code == code


def test_personal_id_year_in_the_future_is_refused_without_an_explicit_day():
    # given a number giving a birth year of 2099

    # when it is validated against the real date
    with pytest.raises(ValidationError) as raised:
        validate_personal_id("037299001234")

    # then it is refused
    assert raised.value.code == "personal_id_year"


def test_personal_id_born_130_years_ago_is_accepted():
    # given the year 2031: 1901 is 130 years before
    validate_personal_id("001001000001", today=date(2031, 1, 1))


def test_personal_id_born_more_than_130_years_ago_is_refused():
    # given the year 2031: 1900 is 131 years before

    # when a number giving 1900 is validated
    with pytest.raises(ValidationError) as raised:
        validate_personal_id("001000000001", today=date(2031, 1, 1))

    # then it is refused
    assert raised.value.code == "personal_id_year"


def test_birth_province_codes_are_the_63_provinces_before_2025():
    assert len(BIRTH_PROVINCE_CODES) == 63
    assert {"001", "035", "036", "037", "079", "096"} <= BIRTH_PROVINCE_CODES
    assert {"000", "003", "005", "097"} & BIRTH_PROVINCE_CODES == set()


def test_generated_personal_ids_of_the_factory_are_valid_and_unique():
    # given the numbers the UserFactory generates
    values = [personal_id_for(n) for n in range(200)]

    # when each is validated
    for value in values:
        validate_personal_id(value, today=TODAY)

    # then they are all distinct
    assert len(set(values)) == 200


# Tax code -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0100112437",  # a real code
        "0100109106",  # a real code
        "2700123459",  # the demo business
        "0100112437-001",  # branch, dashed
        "0100112437001",  # branch, digits only
        "0100112437 - 001",  # branch with spaces
        "0000000200",  # remainder 10: check digit 0
    ],
)
def test_valid_tax_code_is_accepted(value):
    # given a well-formed code

    # when it is validated, then it passes
    validate_tax_code(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("010011243", "tax_code_format"),  # 9 digits
        ("01001124370", "tax_code_format"),  # 11 digits
        ("010011243701", "tax_code_format"),  # 12 digits
        ("0100112437-01", "tax_code_format"),  # branch with 2 digits
        ("0100112437-0011", "tax_code_format"),  # branch with 4 digits
        ("01001-12437001", "tax_code_format"),  # hyphen in the wrong place
        ("0100112437-", "tax_code_format"),  # dangling hyphen
        ("010011243A", "tax_code_format"),  # a letter
        ("０100112437", "tax_code_format"),  # a full-width digit
        ("", "tax_code_format"),
        (None, "tax_code_format"),
        ("0100112438", "tax_code_check"),  # wrong check digit
        ("0100109107", "tax_code_check"),
        ("0100112438-001", "tax_code_check"),  # branch of a wrong code
        ("0000000000", "tax_code_check"),  # remainder 0: never issued
    ],
)
def test_invalid_tax_code_is_refused_with_its_code(value, code):
    # given a malformed code

    # when it is validated
    with pytest.raises(ValidationError) as raised:
        validate_tax_code(value)

    # then the error names what is wrong
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("0100112437", "0100112437"),
        ("0100112437001", "0100112437-001"),
        ("0100112437-001", "0100112437-001"),
        ("0100112437 001", "0100112437-001"),
    ],
)
def test_tax_code_is_normalised_to_the_dashed_branch_form(value, normalised):
    assert normalise_tax_code(value) == normalised


def test_generated_tax_codes_of_the_factory_are_valid_and_unique():
    # given the codes the UserFactory generates
    values = [tax_code_for(n) for n in range(200)]

    # when each is validated
    for value in values:
        validate_tax_code(value)

    # then they are all distinct
    assert len(set(values)) == 200


# Agency code --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["H37", "H37.21", "H37.01.01", "000.00.00.H37", "A" * 35])
def test_valid_agency_code_is_accepted(value):
    validate_agency_code(value)


@pytest.mark.parametrize(
    "value",
    ["h37", "H37.", ".H37", "H37..21", "H37-21", "H37 21", "H37\n", "Đ37", "A" * 36, "", None],
)
def test_invalid_agency_code_is_refused(value):
    # given a malformed code

    # when it is validated
    with pytest.raises(ValidationError) as raised:
        validate_agency_code(value)

    # then the error names what is wrong
    assert raised.value.code == "agency_code"


# Messages go through gettext -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validate", "value", "code"),
    [
        (validate_personal_id, "12", "personal_id_format"),
        (validate_personal_id, "003090001234", "personal_id_province"),
        (validate_personal_id, "037299001234", "personal_id_year"),
        (validate_personal_id, "001000000001", "personal_id_year"),  # 1900: more than 130 years ago by 2031
        (validate_tax_code, "12", "tax_code_format"),
        (validate_tax_code, "0100112438", "tax_code_check"),
        (validate_agency_code, "h37", "agency_code"),
    ],
)
def test_every_validation_message_is_translatable(monkeypatch, time_machine, validate, value, code):
    # given a gettext that marks what it translates, in 2031
    monkeypatch.setattr(validators, "_", lambda message: f"[vi] {message}")
    time_machine.move_to(date(2031, 1, 1))

    # when a value is refused
    with pytest.raises(ValidationError) as raised:
        validate(value)

    # then its message went through gettext
    assert raised.value.code == code
    assert raised.value.message.startswith("[vi] ")
