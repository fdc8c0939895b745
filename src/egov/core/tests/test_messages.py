"""The Vietnamese catalogue covers every string in the code, and it is what people see."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from egov.accounts.validators import validate_personal_id, validate_tax_code
from egov.core.i18n_catalogue import (
    CatalogueError,
    catalogue_path,
    check_catalogue,
    compile_catalogue,
    parse_po,
    update_catalogue,
)


def test_every_string_in_the_code_has_a_vietnamese_translation():
    result = check_catalogue()

    if not result.is_complete:
        pytest.fail(
            "The Vietnamese catalogue is incomplete: run `make messages`, translate, run it again.\n"
            + result.report(),
            pytrace=False,
        )
    assert result.messages > 0


def test_missing_page_shows_the_vietnamese_404_page():
    with translation.override("vi"):
        response = Client().get("/khong-co-trang-nay")

    content = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in content
    assert "Mã lỗi: 404" in content
    assert "Page not found" not in content


@pytest.mark.parametrize(
    ("validator", "value", "vietnamese", "english"),
    [
        (
            validate_personal_id,
            "12345",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            "The personal identification number must have exactly 12 digits.",
        ),
        (
            validate_tax_code,
            "0100112438",
            "Chữ số kiểm tra của mã số thuế không khớp; vui lòng kiểm tra lại mã số thuế.",
            "The tax code's check digit does not match; please check the number.",
        ),
    ],
)
def test_validator_messages_follow_the_active_language(validator, value, vietnamese, english):
    with translation.override("vi"), pytest.raises(ValidationError) as in_vietnamese:
        validator(value)
    with translation.override("en"), pytest.raises(ValidationError) as in_english:
        validator(value)

    assert in_vietnamese.value.messages == [vietnamese]
    assert in_english.value.messages == [english]


@pytest.mark.django_db
def test_admin_form_shows_the_personal_id_error_in_vietnamese():
    from egov.accounts.models import User

    admin = User.objects.create_superuser("quantri", password="x", kind=User.Kind.OFFICIAL)
    client = Client()
    client.force_login(admin)

    with translation.override("vi"):
        response = client.post(f"/admin/accounts/user/{admin.pk}/change/", {"personal_id": "12345"})

    assert response.status_code == 200
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()


# --- the commands' logic, on a small throwaway tree -----------------------------------------------

SOURCE = """from django.utils.translation import gettext_lazy as _, ngettext_lazy

TITLE = _("Page not found")
RECEIVED = _("Dossier %(code)s received")
DAYS = ngettext_lazy("%(count)s working day", "%(count)s working days", "count")
"""
TEMPLATE = '{% load i18n %}<p>{% translate "Back to the home page" %}</p>'
VIETNAMESE = {
    "Page not found": "Không tìm thấy trang",
    "Dossier %(code)s received": "Đã tiếp nhận hồ sơ %(code)s",
    "Back to the home page": "Về trang chủ",
}


def _translate(
    tree: Path, translations: dict[str, str], *, fuzzy: frozenset[str] = frozenset(), compile_mo: bool = True
) -> None:
    po = catalogue_path(locale_root=tree / "locale")
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in translations.items():
        entry = f'msgid "{msgid}"\nmsgstr "'
        flagged = f"#, fuzzy\n{entry}" if msgid in fuzzy else entry
        text = re.sub(rf"(?:#, fuzzy\n)?{re.escape(entry)}[^\n]*\"\n", flagged + msgstr + '"\n', text)
    text = text.replace('msgstr[0] ""', 'msgstr[0] "%(count)s ngày làm việc"')
    po.write_text(text, encoding="utf-8")
    if compile_mo:
        compile_catalogue(po, po.with_suffix(".mo"))


@pytest.fixture
def tree(tmp_path) -> Path:
    """An app tree whose catalogue messages_update has made and a translator has completed."""
    root = tmp_path / "egov"
    (root / "core" / "templates").mkdir(parents=True)
    (root / "core" / "__init__.py").write_text("")
    (root / "core" / "strings.py").write_text(SOURCE, encoding="utf-8")
    (root / "core" / "templates" / "page.html").write_text(TEMPLATE, encoding="utf-8")
    update_catalogue(source_root=root)
    _translate(root, VIETNAMESE)
    return root


def test_update_makes_one_catalogue_and_leaves_no_temporary_files(tree):
    files = sorted(str(path.relative_to(tree)) for path in tree.rglob("*") if path.is_file())

    assert files == [
        "core/__init__.py",
        "core/strings.py",
        "core/templates/page.html",
        "locale/vi/LC_MESSAGES/django.mo",
        "locale/vi/LC_MESSAGES/django.po",
    ]
    assert check_catalogue(tree).is_complete
    assert check_catalogue(tree).messages == 4


def test_update_without_new_strings_changes_nothing(tree):
    po = catalogue_path(locale_root=tree / "locale")
    before = po.read_bytes()

    result = update_catalogue(source_root=tree)

    assert result.changed is False
    assert result.untranslated == []
    assert po.read_bytes() == before


def test_update_adds_new_strings_untranslated_and_drops_removed_ones(tree):
    strings = tree / "core" / "strings.py"
    strings.write_text(SOURCE.replace("Page not found", "A brand new heading"), encoding="utf-8")

    result = update_catalogue(source_root=tree)

    entries = {
        entry.msgid: entry for entry in parse_po(catalogue_path(locale_root=tree / "locale").read_text())
    }
    assert "Page not found" not in entries
    assert entries["A brand new heading"].msgstr in {("",), ("Không tìm thấy trang",)}
    assert result.untranslated == ["'A brand new heading'"]
    assert entries["Dossier %(code)s received"].msgstr == ("Đã tiếp nhận hồ sơ %(code)s",)


def test_check_lists_a_new_string_missing_from_the_catalogue(tree):
    (tree / "core" / "more.py").write_text(
        'from django.utils.translation import gettext as _\n\nMORE = _("Nobody translated this yet")\n'
    )

    result = check_catalogue(tree)

    assert result.missing == ["'Nobody translated this yet'"]
    assert not result.is_complete


def test_check_lists_empty_and_fuzzy_translations(tree):
    _translate(
        tree, {"Page not found": "", "Back to the home page": "Về trang chủ"}, fuzzy={"Back to the home page"}
    )

    result = check_catalogue(tree)

    assert result.missing == []
    assert result.untranslated == ["'Page not found'"]
    assert result.fuzzy == ["'Back to the home page'"]


def test_check_lists_a_translation_that_drops_a_placeholder(tree):
    _translate(tree, {"Dossier %(code)s received": "Đã tiếp nhận hồ sơ"}, compile_mo=False)

    result = check_catalogue(tree)

    assert result.placeholders == [
        "'Dossier %(code)s received': the translation must keep exactly the placeholders ['%(code)s']"
    ]
    assert "argument 'code' doesn't exist in 'msgstr'" in result.other[0]  # msgfmt refuses it too


def test_check_lists_a_stale_compiled_catalogue(tree):
    po = catalogue_path(locale_root=tree / "locale")
    po.write_text(
        po.read_text(encoding="utf-8").replace("Về trang chủ", "Trở về trang chủ"), encoding="utf-8"
    )

    result = check_catalogue(tree)

    assert result.other == [
        "locale/vi/LC_MESSAGES/django.mo is not the compiled django.po: run `make messages`"
    ]


def test_check_lists_an_app_level_catalogue(tree):
    stray = tree / "core" / "locale" / "vi" / "LC_MESSAGES"
    stray.mkdir(parents=True)
    (stray / "django.po").write_text("")

    result = check_catalogue(tree)

    assert result.other == ["core/locale: an extra catalogue; the only one is locale/"]


def test_po_parser_reads_plurals_context_flags_and_continuations():
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "dossier"\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
        'msgstr[0] "%(n)s "\n"ngày"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Cũ"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr "Chào"\n'
    )

    header, plural, quoted = parse_po(text)

    assert header.is_header
    assert (plural.msgctxt, plural.msgid, plural.msgid_plural) == ("dossier", "%(n)s day", "%(n)s days")
    assert plural.msgstr == ("%(n)s ngày",)
    assert plural.flags == {"fuzzy", "python-format"}
    assert quoted.msgid == 'Say "hi"'


def test_po_parser_refuses_a_malformed_line():
    with pytest.raises(CatalogueError, match="line 2"):
        parse_po('msgid "a"\nmsgstr oops\n')
