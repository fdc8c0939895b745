"""The officers' lists reload every minute; a reload that would show the same list gets 304 Not
Modified (the browser keeps what it has), and any change to the list, or five minutes of clock for the
"time left" badges, gives the new list (core/refresh.py)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client

from egov.core.refresh import REFRESH_BUCKET_SECONDS, bucket_offset
from egov.dossiers.processing import step_reassign
from egov.dossiers.tests.conftest import new_dossier
from egov.dossiers.tests.test_work import NOW, at, make_steps, two_agencies  # noqa: F401 - fixture

HTMX = {"HX-Request": "true"}


def _reload(client: Client, url: str, etag: str):
    return client.get(url, headers={**HTMX, "If-None-Match": etag})


def test_the_work_queue_is_not_sent_again_until_it_changes(two_agencies):  # noqa: F811
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    with time_machine.travel(NOW, tick=False):
        first = client.get("/xu-ly/", headers=HTMX)
        etag = first["ETag"]
        assert first.status_code == 200
        assert "private" in first["Cache-Control"]
        assert "no-cache" in first["Cache-Control"]
        assert "HX-Request" in first["Vary"]

        same = _reload(client, "/xu-ly/", etag)
        assert same.status_code == 304
        assert same.content == b""

        # Another page of the same queue, or the full page, is another version.
        assert _reload(client, "/xu-ly/?han=qua-han", etag).status_code == 200
        assert client.get("/xu-ly/", headers={"If-None-Match": etag}).status_code == 200

        # The appraisal changes hands: the head's queue shows another holder.
        step_reassign(actor=world["people"]["head"], step=world["appraisal"], to=world["people"]["colleague"])
        changed = _reload(client, "/xu-ly/", etag)
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        etag = changed["ETag"]

        # New work arrives.
        make_steps(world, 2, start=at(2, 14))
        arrived = _reload(client, "/xu-ly/", etag)
        assert arrived.status_code == 200
        etag = arrived["ETag"]
        assert _reload(client, "/xu-ly/", etag).status_code == 304

    # Within five minutes the badges may read differently: sent again.
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert _reload(client, "/xu-ly/", etag).status_code == 200


def test_a_filtered_queue_is_sent_again_when_what_it_lists_changes(two_agencies):  # noqa: F811
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    overdue = "/xu-ly/?han=qua-han"
    with time_machine.travel(NOW, tick=False):
        first = client.get(overdue, headers=HTMX)
        etag, listed = first["ETag"], first.content.decode().count('class="code"')
        everything = client.get("/xu-ly/", headers=HTMX)["ETag"]

        make_steps(world, 2, start=at(2, 14))  # due this afternoon: not overdue yet
        assert _reload(client, overdue, etag).status_code == 304
        assert _reload(client, "/xu-ly/", everything).status_code == 200

        make_steps(world, 1, start=at(2, 8))  # due this morning: overdue
        changed = _reload(client, overdue, etag)
        assert changed.status_code == 200
        assert changed.content.decode().count('class="code"') == listed + 1


def test_the_lists_of_different_officers_are_not_all_rendered_again_at_the_same_moment():
    """Each user's five-minute buckets begin at their own offset: at any moment only about one in
    three hundred officers' lists is due to be rendered again for the clock."""
    offsets = [bucket_offset(user_id) for user_id in range(1, 2001)]
    assert bucket_offset(7) == bucket_offset(7)
    assert all(0 <= offset < REFRESH_BUCKET_SECONDS for offset in offsets)
    busiest_second = max(offsets.count(second) for second in set(offsets))
    assert busiest_second < 25  # 2,000 officers over 300 seconds: about 7 a second, never all at once
    assert len(set(offsets)) > 250


def test_the_desk_is_not_sent_again_until_a_dossier_arrives(officer, procedure, province, applicant):
    client = Client()
    client.force_login(officer)
    new_dossier(procedure, province, applicant)
    first = client.get("/mot-cua/", headers=HTMX)
    etag = first["ETag"]
    assert _reload(client, "/mot-cua/", etag).status_code == 304

    arrived = new_dossier(procedure, province, applicant)
    again = _reload(client, "/mot-cua/", etag)
    assert again.status_code == 200
    assert arrived.code in again.content.decode()
    # A search always runs.
    assert client.get("/mot-cua/?q=" + arrived.code, headers={"If-None-Match": etag}).status_code == 200


def test_another_officer_never_gets_my_version(two_agencies):  # noqa: F811
    world = two_agencies
    mine, theirs = Client(), Client()
    mine.force_login(world["people"]["head"])
    theirs.force_login(world["people"]["colleague"])
    with time_machine.travel(NOW, tick=False):
        etag = mine.get("/xu-ly/", headers=HTMX)["ETag"]
        assert _reload(theirs, "/xu-ly/", etag).status_code == 200
