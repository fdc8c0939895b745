"""The IT team's monitoring page and the sharing log in the back office."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from egov.accounts.models import Agency, Membership, User
from egov.core.permissions import Role
from egov.exchange.models import AppendOnlyError, InboxMessage, OutboxMessage, Peer, SharingLogEntry
from egov.exchange.services import outbox_deliver, outbox_enqueue, sharing_log_record

URL = "/lien-thong/giam-sat/"


@pytest.fixture
def province(db):
    root = Agency.objects.create(code="H96", name="UBND tỉnh Thử", level=Agency.Level.PROVINCE)
    centre = Agency.objects.create(
        code="H96.01", name="Trung tâm PVHCC", level="one_stop_centre", parent=root
    )
    return {"root": root, "centre": centre}


def person(username: str, agency: Agency | None = None, role: str | None = None, **fields) -> User:
    user = User.objects.create_user(
        username, password="x", kind=fields.pop("kind", User.Kind.OFFICIAL), **fields
    )
    if agency is not None and role is not None:
        Membership.objects.create(user=user, agency=agency, role=role, valid_from=date(2025, 1, 1))
    return user


@pytest.fixture
def operator(province):
    return person("quantri", province["root"], Role.ADMINISTRATOR)


def enqueue(n: int = 1, key: str = "dossier:1") -> OutboxMessage:
    with transaction.atomic():
        message = outbox_enqueue(
            peer_code="echo", message_type="t", ordering_key=key, subject=f"HS-{n}", facts={"n": n}
        )
    assert message is not None
    return message


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("desk", 403),
        ("department administrator", 403),
        ("operator", 200),
    ],
)
def test_only_the_provinces_administrators_see_the_page(client, echo, province, operator, who, status):
    department = Agency.objects.create(
        code="H96.03", name="Sở Tư pháp", level="department", parent=province["root"]
    )
    users = {
        "citizen": person("037090001234", kind=User.Kind.CITIZEN, personal_id="037090001234"),
        "desk": person("motcua", province["centre"], Role.ONE_STOP_OFFICER),
        "department administrator": person("qt.stp", department, Role.ADMINISTRATOR),
        "operator": operator,
    }
    if who != "anonymous":
        client.force_login(users[who])

    response = client.get(URL)

    assert response.status_code == status
    if status == 302:
        assert "/dang-nhap/" in response["Location"]


def test_a_refused_retry_changes_nothing(client, echo, province):
    echo.responses = [(422, {})]
    message = enqueue()
    outbox_deliver(peer_code="echo")
    client.force_login(person("motcua", province["centre"], Role.ONE_STOP_OFFICER))

    response = client.post(f"{URL}thu-lai/{message.pk}/")

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.DEAD


def test_the_page_shows_an_outage_while_it_lasts_and_the_retry_button_delivers(
    client, echo, operator, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    echo.responses = [(500, {})] * 4
    first, second = enqueue(1), enqueue(2)
    outbox_deliver(peer_code="echo")

    during = client.get(URL).content.decode()

    assert "Mất kết nối: thông điệp đang chờ" in during
    assert '<td class="queue-depth">2</td>' in during
    assert "HTTP 500" in during

    moment = timezone.now()
    for _attempt in range(3):
        moment += timedelta(hours=2)
        outbox_deliver(peer_code="echo", now=moment)
    first.refresh_from_db()
    assert first.state == OutboxMessage.State.DEAD
    dead_page = client.get(URL).content.decode()
    assert "HS-1" in dead_page
    assert f'action="{URL}thu-lai/{first.pk}/"' in dead_page

    with django_capture_on_commit_callbacks(execute=True):  # the worker sends once the retry is committed
        response = client.post(f"{URL}thu-lai/{first.pk}/")

    assert (response.status_code, response["Location"]) == (302, URL)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (OutboxMessage.State.DELIVERED, OutboxMessage.State.DELIVERED)
    after = client.get(URL).content.decode()
    assert "Hoạt động bình thường" in after
    assert '<td class="queue-depth">0</td>' in after


def test_incoming_messages_waiting_are_listed_with_their_reason_and_can_be_processed_again(
    client, echo, operator
):
    peer = Peer.objects.create(code="echo", name="Echo")
    message = InboxMessage.objects.create(
        peer=peer,
        idempotency_key="k-1",
        service="Echo",
        payload={"service": "Echo", "data": {"subject": "HS-9", "action": "apply"}},
        subject="HS-9",
        state=InboxMessage.State.PARKED,
        reason="Thủ tục 9.999 chưa được ánh xạ",
        received_at=timezone.now(),
    )
    client.force_login(operator)
    assert "Thủ tục 9.999 chưa được ánh xạ" in client.get(URL).content.decode()

    response = client.post(f"{URL}xu-ly-lai/{message.pk}/", follow=True)

    assert "Đã áp dụng thông điệp." in response.content.decode()
    message.refresh_from_db()
    assert message.state == InboxMessage.State.APPLIED


def test_the_sharing_log_is_append_only_and_searchable_in_the_admin(admin_client, echo):
    entry = sharing_log_record(
        direction=SharingLogEntry.Direction.OUTBOUND,
        peer=None,
        requester="egov",
        service="DongBoHoSoMC",
        request="POST https://dvc.example/api",
        response_status=200,
        is_success=True,
        data_shared=["Trạng thái hồ sơ"],
        subject="H96.01-260302-0001",
    )
    sharing_log_record(
        direction=SharingLogEntry.Direction.INBOUND,
        peer=None,
        requester="dvcqg",
        service="YeuCauRutHoSo",
        request="POST /api/v1/lienthong/national_portal/",
        response_status=200,
        is_success=True,
        subject="G22-OTHER",
    )
    entry.error = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        SharingLogEntry.objects.filter(pk=entry.pk).update(error="x")
    with pytest.raises(AppendOnlyError):
        SharingLogEntry.objects.all().delete()

    listing = admin_client.get("/admin/exchange/sharinglogentry/", {"q": "H96.01-260302-0001"})

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert "Trạng thái hồ sơ" in listing.content.decode()
    assert admin_client.get("/admin/exchange/sharinglogentry/add/").status_code == 403
    assert admin_client.post(f"/admin/exchange/sharinglogentry/{entry.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("minutes", "words"), [(0, "0 phút"), (59, "59 phút"), (61, "1 giờ 1 phút"), (60 * 27, "1 ngày 3 giờ")]
)
def test_how_long_a_message_waited_is_said_in_words(minutes, words):
    from egov.exchange.templatetags.exchange import waited

    now = timezone.now()
    assert waited(now - timedelta(minutes=minutes), now) == words
