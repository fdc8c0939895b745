"""The public lookup's story kept per dossier (egov.dossiers.lookup_answers, migration 0013): the API
answers from it exactly what it computes from the tables, and whoever changes what a story shows (a
service, a bulk load, a renamed agency, a catalogue in another language) never gets a stale answer."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from egov.dossiers.api_public import LookupOut
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.lookup import dossier_lookup
from egov.dossiers.lookup_answers import answer_json, answer_stamp, lookup_stories_fill
from egov.dossiers.models import Dossier, DossierEvent, LookupStory, Status
from egov.dossiers.services import TransitionRefused, dossier_transition
from egov.dossiers.tests.conftest import new_dossier

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 11, 26, 8, 30, tzinfo=VIETNAM)  # Thursday, a working day
API = "/api/v1/lookup/"
FACTOR = "5678"  # the applicant's phone, 0912345678


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def handed_over(frozen, procedure, province, officer):
    """A dossier received at the centre and handed to the Department of Justice."""
    dossier = new_dossier(procedure, province)
    dossier_receive(actor=officer, dossier=dossier, at=datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM))
    dossier_transfer(actor=officer, dossier=dossier, at=datetime(2026, 11, 26, 10, 0, tzinfo=VIETNAM))
    dossier.refresh_from_db()
    return dossier


def _api(code: str, *, language: str | None = None) -> dict:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # as /i18n/setlang/ sets it
    response = client.post(API, json.dumps({"code": code, "factor": FACTOR}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _computed(code: str) -> dict:
    """The answer computed from the tables, as the page's lookup reads them."""
    answer = dossier_lookup(code=code, factor=FACTOR, ip="198.51.100.7")
    assert answer.dossier is not None
    return json.loads(answer_json(answer.dossier))


def test_a_change_forgets_the_story_the_job_writes_it_and_the_api_answers_from_it(handed_over, officer):
    # Given a dossier received and handed over, whose story the periodic job wrote
    assert lookup_stories_fill() == 1
    kept = LookupStory.objects.get(dossier=handed_over)
    assert kept.stamp == answer_stamp()
    story = json.loads(f"{{{kept.story}}}")
    assert [change["national_status_code"] for change in story["history"]] == [1, 2, 4]
    assert [step["to_agency"] for step in story["steps"]] == ["Sở Tư pháp"]
    # When anybody looks it up, the answer is the one computed from the tables, as the schema says
    body = _api(handed_over.code)
    assert body == _computed(handed_over.code)
    assert LookupOut.model_validate(body).model_dump(mode="json") == body
    assert (body["status"], body["timeliness"]) == ("processing", "within_deadline")
    # When the dossier changes through the services, the story is forgotten and the answer shows the change
    at = datetime(2026, 11, 26, 11, 0, tzinfo=VIETNAM)
    dossier_transition(dossier=handed_over, to=Status.PROCESSED, actor=officer, at=at)
    assert not LookupStory.objects.filter(dossier=handed_over).exists()
    assert _api(handed_over.code)["history"][-1]["status"] == "processed"
    # and the job writes it again, once
    assert lookup_stories_fill() == 1
    assert lookup_stories_fill() == 0
    assert _api(handed_over.code) == _computed(handed_over.code)


def test_where_the_dossier_stands_follows_the_clock_not_the_story(handed_over, frozen):
    # Given the story kept while the dossier is within its appointment (03/12 09:00)
    lookup_stories_fill()
    assert _api(handed_over.code)["timeliness"] == "within_deadline"
    # When the appointment passes with nothing written
    frozen.move_to(datetime(2026, 12, 3, 9, 30, tzinfo=VIETNAM))
    # Then the lookup says it is late, as the computed answer does
    body = _api(handed_over.code)
    assert (body["timeliness"], body["timeliness_label"]) == ("overdue", "Đang giải quyết, quá hạn")
    assert body == _computed(handed_over.code)


def test_a_row_written_around_the_services_forgets_the_story_and_the_answer_stays_right(handed_over):
    lookup_stories_fill()
    # When a status row is written directly (a bulk load, a script), not through the services
    DossierEvent.objects.create(
        dossier=handed_over,
        from_status=Status.PROCESSING,
        to_status=Status.PROCESSED,
        at=datetime(2026, 11, 26, 11, 0, tzinfo=VIETNAM),
    )
    # Then the trigger forgot the story, and the lookup shows the new row all the same
    assert not LookupStory.objects.filter(dossier=handed_over).exists()
    body = _api(handed_over.code)
    assert [change["status"] for change in body["history"]][-1] == "processed"
    assert body["finished_at"] == "2026-11-26T04:00:00Z"
    assert body == _computed(handed_over.code)
    # and the periodic job writes it again, once
    assert lookup_stories_fill() == 1
    assert lookup_stories_fill() == 0
    assert _api(handed_over.code) == body


def test_renaming_an_agency_on_the_slip_shows_the_new_name(handed_over, province):
    lookup_stories_fill()
    justice = province["justice"]
    justice.name = "Sở Tư pháp tỉnh Thử"
    justice.save(update_fields=["name"])
    assert not LookupStory.objects.filter(dossier=handed_over).exists()
    assert [step["to_agency"] for step in _api(handed_over.code)["steps"]] == ["Sở Tư pháp tỉnh Thử"]
    assert lookup_stories_fill() == 1
    assert [step["to_agency"] for step in _api(handed_over.code)["steps"]] == ["Sở Tư pháp tỉnh Thử"]


def test_a_lookup_in_another_language_never_shows_the_kept_vietnamese_labels(handed_over):
    lookup_stories_fill()
    vietnamese = _api(handed_over.code)
    english = _api(handed_over.code, language="en")
    assert vietnamese["history"][0]["status_label"] != english["history"][0]["status_label"]
    with translation.override("en"):
        assert english == _computed(handed_over.code)
        assert english["steps"][0]["outcome_label"] == "Done on time"


def test_a_story_written_with_other_labels_is_not_used_and_is_written_again(handed_over):
    # Given a story kept from before a new catalogue of labels
    lookup_stories_fill()
    LookupStory.objects.filter(dossier=handed_over).update(stamp="vi:older", story='"finished_at": null')
    # Then the lookup computes its answer, and the job writes the story again
    assert _api(handed_over.code) == _computed(handed_over.code)
    assert lookup_stories_fill() == 1
    assert LookupStory.objects.get(dossier=handed_over).stamp == answer_stamp()


def test_dossiers_loaded_without_stories_are_filled_in_batches(frozen, procedure, province, officer):
    dossiers = [new_dossier(procedure, province) for _ in range(3)]
    assert lookup_stories_fill(limit=2) == 2
    assert lookup_stories_fill() == 1
    for dossier in dossiers:
        assert _api(dossier.code) == _computed(dossier.code)


def test_a_refused_change_leaves_the_story_as_it_was(handed_over, officer):
    lookup_stories_fill()
    before = LookupStory.objects.get(dossier=handed_over).story
    with pytest.raises(TransitionRefused):
        dossier_transition(dossier=handed_over, to=Status.NEW, actor=officer)
    assert LookupStory.objects.get(dossier=handed_over).story == before
    assert Dossier.objects.get(pk=handed_over.pk).status == Status.PROCESSING
