"""Uploads are judged by their bytes, size-limited, and kept with a checksum that detects changes."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from egov.core.models import StoredFile
from egov.core.uploads import stored_file_create, stored_file_verify, upload_check
from egov.estore.management.commands.load_demo_estore import demo_pdf

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("scan.pdf", PDF, "application/pdf"), ("photo.JPG", JPEG, "image/jpeg"), ("anh.png", PNG, "image/png"),
     ("no-extension", PDF, "application/pdf"), ("wrong-name.png", PDF, "application/pdf")],
)  # fmt: skip
def test_accepted_kinds_are_recognised_by_content(name, content, content_type):
    assert upload_check(SimpleUploadedFile(name, content)).content_type == content_type


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03", b"<html><script>alert(1)</script>", b"PK\x03\x04word/document.xml", b"GIF89a"],
)
def test_other_content_is_refused_whatever_the_name(content):
    with pytest.raises(ValidationError) as error:
        upload_check(SimpleUploadedFile("giay-to.pdf", content))

    assert error.value.code == "upload_type"
    assert "giay-to.pdf" in error.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        upload_check(SimpleUploadedFile("a.pdf", b""))

    assert error.value.code == "upload_empty"


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_too_large_file_is_refused_with_the_limit_in_the_message():
    with pytest.raises(ValidationError) as error:
        upload_check(SimpleUploadedFile("a.pdf", PDF + b"0" * 2048))

    assert error.value.code == "upload_too_large"


@pytest.mark.django_db
def test_stored_file_keeps_a_checksum_that_detects_a_changed_byte():
    stored = stored_file_create(uploaded=SimpleUploadedFile("scan.pdf", PDF + b"content"), actor=None)

    assert stored.sha256 == hashlib.sha256(PDF + b"content").hexdigest()
    assert stored_file_verify(stored) is True
    stored.file.storage.delete(stored.file.name)
    new_name = stored.file.storage.save(stored.file.name, SimpleUploadedFile("x", PDF + b"contenT"))
    StoredFile.objects.filter(pk=stored.pk).update(file=new_name)
    assert stored_file_verify(StoredFile.objects.get(pk=stored.pk)) is False


def test_demo_pdf_is_a_pdf():
    content = demo_pdf("Giấy khai sinh – Nguyễn Văn An")

    assert upload_check(SimpleUploadedFile("ks.pdf", content)).content_type == "application/pdf"
    assert b"giay khai sinh - nguyen van an" in content
    assert content.rstrip().endswith(b"%%EOF")
