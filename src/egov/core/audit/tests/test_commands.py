from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from egov.core.audit.management.commands.audit_verify import Command
from egov.core.audit.tests.helpers import raw_sql


def test_audit_verify_reports_an_intact_chain(five_events):
    # when the chain is verified
    out = StringIO()
    call_command("audit_verify", stdout=out)

    # then it says so, with the count
    assert out.getvalue() == "Audit chain intact: 5 events verified.\n"


@pytest.mark.django_db
def test_audit_verify_accepts_an_empty_trail():
    out = StringIO()
    call_command("audit_verify", stdout=out)

    assert out.getvalue() == "Audit chain intact: 0 events verified.\n"


def test_audit_verify_names_the_tampered_event(five_events):
    # given an event whose action was changed in the database
    raw_sql("UPDATE {table} SET action = %s WHERE sequence = %s", ["test.innocent", 3])

    # when the chain is verified
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stdout=StringIO())

    # then the command fails naming that event
    assert str(raised.value) == (
        "Audit chain broken at event #3: content does not match its hash (2 events verified before it)."
    )


def test_audit_verify_names_a_deleted_event(five_events):
    raw_sql("DELETE FROM {table} WHERE sequence = %s", [2])

    with pytest.raises(CommandError) as raised:
        call_command("audit_verify", stdout=StringIO())

    assert (
        str(raised.value)
        == "Audit chain broken at event #2: event #2 is missing (1 events verified before it)."
    )


def test_audit_verify_exits_non_zero_from_the_command_line(five_events, capsys):
    # given a tampered event
    raw_sql("UPDATE {table} SET changes = %s WHERE sequence = %s", ['{"number": [null, 0]}', 4])

    # when the command runs as from manage.py
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "audit_verify"])

    # then it exits with status 1 and names the event on stderr
    assert exited.value.code == 1
    assert "Audit chain broken at event #4" in capsys.readouterr().err
