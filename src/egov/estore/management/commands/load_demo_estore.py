"""Give the demo citizens something in their e-store: a birth certificate issued before, which later
applications can reuse instead of an upload. Idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from egov.accounts.models import Agency
from egov.core.uploads import stored_file_from_bytes
from egov.estore.models import EStoreItem
from egov.estore.services import estore_item_add

# (personal id, title, result type code, issuing agency code, issued on)
DEMO_ITEMS = [
    ("037090001234", "Giấy khai sinh – Nguyễn Văn An", "KS", "H37.30", date(1990, 3, 12)),
    ("036195004567", "Giấy khai sinh – Trần Thị Bình", "KS", "H37.31", date(1995, 8, 2)),
]


def demo_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF whose text is the title (ASCII-folded for the base font)."""
    from egov.core.text import fold

    text = "".join(char if char.isascii() and char not in "()\\" else "-" for char in fold(title))
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Command(BaseCommand):
    help = "Load demo e-store items for the demo citizens (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        with transaction.atomic():
            for personal_id, title, code, issuer_code, issued_on in DEMO_ITEMS:
                if EStoreItem.objects.filter(owner_personal_id=personal_id, result_type_code=code).exists():
                    continue
                stored = stored_file_from_bytes(
                    content=demo_pdf(title), name=f"{code}-{personal_id}.pdf", actor=None
                )
                estore_item_add(
                    actor=None,
                    owner_personal_id=personal_id,
                    kind="result",
                    title=title,
                    file=stored,
                    result_type_code=code,
                    issuer=Agency.objects.filter(code=issuer_code).first(),
                    issued_on=issued_on,
                )
                created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo e-store ready ({created} items created)."))
