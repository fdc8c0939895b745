"""Rating the service (Decree 118/2025 Art. 33): the applicant online for their own returned dossier, or
at the counter on a kiosk an officer of the receiving section opens; once per dossier."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from egov.accounts.models import User
from egov.core.permissions import Role
from egov.dossiers.models import Dossier, Rating
from egov.dossiers.processing import RATING_CRITERIA, dossier_return
from egov.dossiers.tests.conftest import official
from egov.dossiers.tests.test_browser_intake import vi
from egov.dossiers.tests.test_work import NOW, _processed, build_world
from egov.dossiers.views_rating import CRITERION_LABELS, SCORE_LABELS


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def two_agencies(province, applicant):
    return build_world(province, applicant)


ALL_FIVES = {key: "5" for key in RATING_CRITERIA}


@pytest.fixture
def returned(two_agencies, frozen):
    dossier = _processed(two_agencies)
    return dossier_return(actor=two_agencies["people"]["desk"], dossier=dossier, method="counter")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_applicant_rates_their_returned_dossier_once(returned, applicant):
    client = _client(applicant)
    page = client.get(f"/danh-gia/{returned.code}/").content.decode()

    response = client.post(
        f"/danh-gia/{returned.code}/", {**ALL_FIVES, "attitude": "2", "comment": "Chờ lâu"}
    )
    again = client.post(f"/danh-gia/{returned.code}/", ALL_FIVES)

    with translation.override("en"):
        attitude = str(CRITERION_LABELS["attitude"])
    assert vi(attitude) in page
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=returned)
    assert (rating.channel, rating.scores["attitude"], rating.is_satisfied, rating.comment) == (
        "online",
        2,
        False,
        "Chờ lâu",
    )
    assert set(rating.scores) == set(RATING_CRITERIA)  # filed online: the online service is rated too
    assert again.status_code == 400
    assert Rating.objects.count() == 1


def test_every_criterion_needs_a_score_and_nothing_typed_is_lost(returned, applicant):
    partial = {key: "4" for key in RATING_CRITERIA[:3]}

    response = _client(applicant).post(f"/danh-gia/{returned.code}/", {**partial, "comment": "Ý kiến"})

    text = response.content.decode()
    assert response.status_code == 400
    assert Rating.objects.count() == 0
    assert 'class="error-summary"' in text
    assert "#field-attitude" in text
    assert "Ý kiến" in text
    assert 'id="time_vs_deadline-4" name="time_vs_deadline" value="4" checked' in text


def test_a_score_outside_1_to_5_is_refused(returned, applicant):
    response = _client(applicant).post(f"/danh-gia/{returned.code}/", {**ALL_FIVES, "attitude": "9"})

    assert response.status_code == 400
    assert Rating.objects.count() == 0


def test_a_dossier_filed_at_the_counter_is_not_asked_about_the_online_service(returned, applicant):
    Dossier.objects.filter(pk=returned.pk).update(channel=Dossier.Channel.DIRECT)
    without_online = {key: "4" for key in RATING_CRITERIA if key != "online_quality"}

    page = _client(applicant).get(f"/danh-gia/{returned.code}/").content.decode()
    _client(applicant).post(f"/danh-gia/{returned.code}/", without_online)

    assert 'name="online_quality"' not in page
    assert "online_quality" not in Rating.objects.get().scores


def test_only_the_applicant_may_rate_online(returned, two_agencies):
    stranger = User.objects.create_user("001090009999", password="x", kind=User.Kind.CITIZEN)

    anonymous = Client().post(f"/danh-gia/{returned.code}/", ALL_FIVES)
    other = _client(stranger).post(f"/danh-gia/{returned.code}/", ALL_FIVES)
    officer = _client(two_agencies["people"]["desk"]).get(f"/danh-gia/{returned.code}/")

    assert anonymous.status_code == 302
    assert (other.status_code, officer.status_code) == (404, 404)
    assert Rating.objects.count() == 0


def test_a_dossier_not_yet_returned_cannot_be_rated(two_agencies, applicant, frozen):
    dossier = two_agencies["dossier"]

    page = _client(applicant).get(f"/danh-gia/{dossier.code}/").content.decode()
    response = _client(applicant).post(f"/danh-gia/{dossier.code}/", ALL_FIVES)

    assert 'name="attitude"' not in page
    assert response.status_code == 400
    assert Rating.objects.count() == 0


def test_the_kiosk_rates_as_kiosk_and_resets(returned, two_agencies):
    desk = _client(two_agencies["people"]["desk"])

    start = desk.get("/danh-gia/quay/").content.decode()
    opened = desk.get("/danh-gia/quay/", {"ma": returned.code})
    kiosk = desk.get(f"/danh-gia/quay/{returned.code}/").content.decode()
    done = desk.post(f"/danh-gia/quay/{returned.code}/", ALL_FIVES, follow=True)

    assert returned.code in start  # returned, not yet rated
    assert opened["Location"] == f"/danh-gia/quay/{returned.code}/"
    assert "Nguyễn Văn An" not in kiosk  # the kiosk faces the counter: no personal data
    assert 'class="site-header"' not in kiosk
    assert done.redirect_chain == [("/danh-gia/quay/", 302)]
    assert Rating.objects.get().channel == "kiosk"
    assert returned.code not in done.content.decode().split("<tbody>")[1]  # rated: off the list


@pytest.mark.parametrize("who", ["anonymous", "citizen", "specialist", "other_section"])
def test_only_the_receiving_sections_officers_open_the_kiosk(
    who, returned, applicant, two_agencies, province
):
    user = {
        "anonymous": None,
        "citizen": applicant,
        "specialist": two_agencies["people"]["assignee"],
        "other_section": official("motcua.xa", province["commune_centre"], Role.ONE_STOP_OFFICER),
    }[who]
    if user is not None:
        user.memberships.update(valid_from="2025-07-01")
    client = _client(user)

    page = client.get(f"/danh-gia/quay/{returned.code}/")
    post = client.post(f"/danh-gia/quay/{returned.code}/", ALL_FIVES)

    expected = {"anonymous": 302, "citizen": 403, "specialist": 403, "other_section": 404}[who]
    assert (page.status_code, post.status_code) == (expected, expected)
    assert Rating.objects.count() == 0


def test_the_kiosk_says_when_a_code_is_unknown(two_agencies, frozen):
    response = _client(two_agencies["people"]["desk"]).get("/danh-gia/quay/", {"ma": "KHONG-CO"})

    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode()


def test_labels_of_every_criterion_in_vietnamese(returned, applicant):
    text = _client(applicant).get(f"/danh-gia/{returned.code}/").content.decode()

    for label in [*CRITERION_LABELS.values(), *SCORE_LABELS.values()]:
        with translation.override("en"):
            english = str(label)
        assert vi(english) != english
        assert vi(english) in text
