"""One dossier through two agencies from the processing pages, in a real browser at 1366×768: the
department's specialist appraises and forwards, the commune verifies, the head previews and issues the
apology (form 04), the director previews, signs and issues the result, the one-stop officer returns it
at the counter and opens the rating kiosk for the applicant. Screenshots (the ``screenshot`` fixture)
go to test-artifacts/."""

from __future__ import annotations

import pytest
import time_machine

from egov.dossiers.models import DossierStep, Extension, Rating, Status
from egov.dossiers.tests.test_browser_intake import vi
from egov.dossiers.tests.test_work import NOW, at, build_world
from egov.results.selectors import results_of_dossier


@pytest.fixture
def two_agencies(province, applicant):
    return build_world(province, applicant)


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args):
    """Officers' screens: 1366×768, Vietnamese."""
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}


def follow(page, target) -> None:
    """Click a link or submit button and wait until the next page has loaded: reading the page or the
    database straight after the click races the navigation (the page's content is empty meanwhile)."""
    with page.expect_navigation():
        target.click()


def test_a_dossier_walks_through_two_agencies_from_the_pages(
    page, live_server, sign_in, two_agencies, screenshot
):
    world = two_agencies
    people, dossier = world["people"], world["dossier"]
    with time_machine.travel(NOW, tick=True):
        # The department's specialist finds the dossier in the queue, with its time left in words.
        sign_in(page, people["assignee"])
        page.goto(f"{live_server.url}/xu-ly/")
        assert vi("Processing queue") in page.content()
        screenshot("work-queue-specialist")
        follow(page, page.get_by_role("link", name=dossier.code))
        screenshot("work-dossier-specialist")
        page.get_by_label(vi("Note for the next step (optional)")).fill("Hồ sơ hợp lệ, chuyển xã xác minh")
        follow(page, page.get_by_role("button", name=vi("Complete the step")))
        verification = dossier.steps.get(order=3)
        assert (verification.state, verification.agency) == (DossierStep.State.ACTIVE, world["commune"])

        # The commune's specialist sees the department's step only as an outline, and verifies.
        sign_in(page, people["commune"])
        page.goto(f"{live_server.url}/xu-ly/")
        follow(page, page.get_by_role("link", name=dossier.code))
        assert "Hồ sơ hợp lệ, chuyển xã xác minh" not in page.content()
        screenshot("work-dossier-commune")
        follow(page, page.get_by_role("button", name=vi("Complete the step")))
        assert dossier.steps.get(order=4).state == DossierStep.State.ACTIVE

        # The head sees the agency's work, previews form 04, then issues it.
        sign_in(page, people["head"])
        page.goto(f"{live_server.url}/xu-ly/")
        screenshot("work-queue-head")
        follow(page, page.get_by_role("link", name=dossier.code))
        page.get_by_text(vi("Apologise and set a new appointment (form 04)")).click()
        page.get_by_label(vi("New appointment")).fill("2026-03-16T14:00")
        page.get_by_label(vi("Reason for the delay")).fill("Chờ ý kiến của cơ quan phối hợp")
        follow(page, page.get_by_role("button", name=vi("Preview form 04")))
        assert "14:00 16/03/2026" in page.content()
        assert not Extension.objects.filter(dossier=dossier).exists()
        screenshot("work-apology-preview")
        page.get_by_label(vi("I confirm and issue the apology and the new appointment (form 04)")).check()
        follow(page, page.get_by_role("button", name=vi("Issue form 04")))
        assert Extension.objects.get(dossier=dossier).new_due_at == at(16, 14)

        # The director sees what the result will say, then signs and issues it (PAdES, test CA).
        sign_in(page, people["director"])
        page.goto(f"{live_server.url}/xu-ly/ho-so/{dossier.code}/")
        page.get_by_label(vi("Summary (what it is about)")).fill("Xác nhận thông tin hộ tịch")
        page.get_by_label(vi("Particulars certified (one “label: value” per line)")).fill(
            "Họ và tên: Nguyễn Văn An\nNơi đăng ký khai sinh: UBND phường Một"
        )
        follow(page, page.get_by_role("button", name=vi("Preview the result")))
        assert "Nơi đăng ký khai sinh" in page.content()
        screenshot("work-result-preview")
        page.get_by_label(vi("I confirm and sign this result with my digital signature")).check()
        follow(page, page.get_by_role("button", name=vi("Sign and issue the result")))
        dossier.refresh_from_db()
        assert dossier.status == Status.PROCESSED
        (document,) = results_of_dossier(dossier=dossier)
        assert document.content["particulars"][1] == ["Nơi đăng ký khai sinh", "UBND phường Một"]

        # The one-stop officer finds the signed result, returns it at the counter, opens the rating kiosk.
        sign_in(page, people["desk"])
        page.goto(f"{live_server.url}/xu-ly/")
        follow(page, page.get_by_role("link", name=dossier.code))
        assert document.document_number in page.content()
        screenshot("work-return-desk")
        page.get_by_label(vi("I confirm the result has been handed over")).check()
        follow(page, page.get_by_role("button", name=vi("Record the return")))
        dossier.refresh_from_db()
        assert (dossier.status, dossier.return_method) == (Status.RETURNED, "counter")

        page.goto(f"{live_server.url}/danh-gia/quay/")
        follow(page, page.get_by_role("link", name=dossier.code))
        for key in ("time_vs_deadline", "agencies_contacted", "contacts_needed", "information_accuracy"):
            page.locator(f"label[for={key}-5]").click()
        for key in ("attitude", "legality_and_cost", "online_quality"):
            page.locator(f"label[for={key}-4]").click()
        screenshot("rating-kiosk")
        follow(page, page.get_by_role("button", name=vi("Send my rating")))
        assert vi("Thank you for your rating.") in page.content()
        rating = Rating.objects.get(dossier=dossier)
        assert (rating.channel, rating.is_satisfied, rating.scores["attitude"]) == ("kiosk", True, 4)
