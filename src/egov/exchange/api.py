"""The door connected systems call: ``POST /api/v1/lienthong/<peer>/`` with a signed JSON message
(docs/exchange.md). Authentication is the request signature of the peer's connection account, not a
session or a token; answers are in Vietnamese for the peer's operators."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router

from egov.core.context import current_request_context
from egov.exchange.services import inbound_receive

router = Router(tags=["lienthong"])

REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["service", "data"],
                    "properties": {"service": {"type": "string"}, "data": {"type": "object"}},
                }
            }
        },
    },
    "parameters": [
        {"in": "header", "name": name, "required": True, "schema": {"type": "string"}}
        for name in ("X-Egov-Key-Id", "X-Egov-Timestamp", "X-Egov-Signature", "Idempotency-Key")
    ],
}


def _json(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _too_large(limit: int) -> JsonResponse:
    with translation.override("vi"):
        message = _("The message is larger than %(limit)s MB.") % {"limit": max(1, limit // 1_048_576)}
    return _json(413, {"error_code": 1, "code": "too_large", "message": message})


@router.post(
    "/{peer}/",
    auth=None,
    summary="Receive a message from a connected system",
    description=(
        "A signed message (HMAC-SHA256 of the connection account, docs/exchange.md) with its idempotency "
        "key. 200: applied (or a key already seen: acknowledged, nothing changed); 202: kept but waiting "
        "(parked for a person, or for an earlier message); 400/422: not taken, correct and send again; "
        "401: not authenticated; 403: connection suspended; 409: refused for good; 413: too large."
    ),
    openapi_extra=REQUEST_BODY,
)
def receive(request: HttpRequest, peer: str) -> JsonResponse:
    limit = settings.EXCHANGE_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _too_large(limit)
    # Read the stream directly: DATA_UPLOAD_MAX_MEMORY_SIZE is for forms, and dossiers carry files.
    body = request.read(limit + 1)
    if len(body) > limit:  # no or a wrong Content-Length
        return _too_large(limit)
    result = inbound_receive(
        peer_code=peer,
        method=request.method or "POST",
        path=request.get_full_path(),
        headers=dict(request.headers),
        body=body,
        remote_address=current_request_context().ip_address,
    )
    return _json(result.status, result.body)
