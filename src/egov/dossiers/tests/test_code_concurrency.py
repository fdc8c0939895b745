"""Dossier codes stay unique and gapless per agency and day when many receive at the same instant
(Decree 118/2025 Art. 28: one code per dossier), on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from egov.dossiers.models import Dossier
from egov.dossiers.tests.conftest import new_dossier

THREADS = 4
PER_THREAD = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_gapless_codes(procedure, province, applicant):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                new_dossier(procedure, province, applicant)
        except BaseException as error:  # report any failure to the test thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=submit) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    prefix = codes[0][: -len("0001")]
    assert codes == [f"{prefix}{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
