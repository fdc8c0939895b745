"""The dossiers' test province and the generated month of the statistics tests, reused."""

from egov.dossiers.tests.conftest import applicant, officer, procedure, province, specialist
from egov.dossiers.tests.test_statistics import head, versions

__all__ = ["applicant", "head", "officer", "procedure", "province", "specialist", "versions"]


import pytest


@pytest.fixture
def desk(officer):
    """The provincial one-stop officer, in post since 2025 (the tests travel back to 2026)."""
    officer.memberships.update(valid_from="2025-01-01")
    return officer


@pytest.fixture(autouse=True)
def apply_after_commit(settings):
    """The reports' tests count each change as it commits; test_rollup checks the 30-second job alone."""
    settings.REPORTS = {**settings.REPORTS, "apply_after_commit": True}
