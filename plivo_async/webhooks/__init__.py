"""Plivo callbacks: signature checks (v2 and v3), typed events, in any framework.

Services that place calls also receive Plivo's callbacks (answer, ring, hangup, machine
detection, MPC events), and anyone can POST to a public URL, so forged ones must be
rejected before they are acted on::

    async def on_event(event: CallbackEvent) -> str | None:
        if isinstance(event, HangupEvent):
            await record(event.call_uuid, event.hangup_cause, event.bill_duration)
        return None

    app.add_subapp("/plivo/", webhook_app(auth_token, on_event))

``verify(method, url, headers, body, ...)`` is the same check in any framework (it returns
the typed event); ``plivo_async.webhooks.starlette.PlivoWebhook`` is a Starlette/FastAPI
dependency (``plivo-async[starlette]``). Behind a proxy, ``public_url=`` or
``trusted_proxies=`` say which URL Plivo called (``public_request_url``).
``sign_v2``/``sign_v3``/``signature_headers`` are the signing side, for emulators and tests.
``serve`` runs a receiver app where anyone can connect (header timeout, connection cap);
``MemoryNonces``/``RedisNonces`` keep the nonces that make a replay a 403.
"""

from __future__ import annotations

from plivo_async.webhooks.events import (
    AnswerEvent,
    CallbackEvent,
    CallEvent,
    HangupEvent,
    MachineDetectionEvent,
    MPCEvent,
    RingEvent,
    parse_event,
)
from plivo_async.webhooks.nonces import MemoryNonces, NonceStore, RedisNonces
from plivo_async.webhooks.receiver import (
    OnEvent,
    request_url,
    verify_callback,
    verify_request,
    webhook_app,
    webhook_handler,
)
from plivo_async.webhooks.server import serve
from plivo_async.webhooks.signature import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_MA_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AuthToken,
    sign_v2,
    sign_v3,
    signature_headers,
    validate_signature_v2,
    validate_signature_v3,
)
from plivo_async.webhooks.urls import TrustedProxies, public_request_url
from plivo_async.webhooks.verify import InvalidSignatureError, VerifiedCallback, verify

__all__ = [
    "SIGNATURE_V2_HEADER",
    "SIGNATURE_V2_MA_HEADER",
    "SIGNATURE_V2_NONCE_HEADER",
    "SIGNATURE_V3_HEADER",
    "SIGNATURE_V3_MA_HEADER",
    "SIGNATURE_V3_NONCE_HEADER",
    "AnswerEvent",
    "AuthToken",
    "CallEvent",
    "CallbackEvent",
    "HangupEvent",
    "InvalidSignatureError",
    "MPCEvent",
    "MachineDetectionEvent",
    "MemoryNonces",
    "NonceStore",
    "OnEvent",
    "RedisNonces",
    "RingEvent",
    "TrustedProxies",
    "VerifiedCallback",
    "parse_event",
    "public_request_url",
    "request_url",
    "serve",
    "sign_v2",
    "sign_v3",
    "signature_headers",
    "validate_signature_v2",
    "validate_signature_v3",
    "verify",
    "verify_callback",
    "verify_request",
    "webhook_app",
    "webhook_handler",
]
