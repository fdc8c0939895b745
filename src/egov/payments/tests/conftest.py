"""The dossiers app's province, officers and procedure (src/egov/dossiers/tests/conftest.py)."""

from egov.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    applicant,
    officer,
    other_officer,
    procedure,
    province,
    specialist,
)
