"""Typed Plivo callback events, structured by the shared converter.

Callbacks arrive as CamelCase form fields whose values are all strings. Each event class
maps the documented ones to snake_case attributes with proper types (lenient: a value
that does not parse becomes ``None`` rather than failing a callback Plivo would retry),
and keeps every param, known or not, in ``.raw``.

``params_signed`` is True only on an event the receiver built from a callback whose
signature covers its params (v3); False for a v2-only callback, whose params anyone could
have written, and for an event built here from params. ``nonce`` is the verified
signature's nonce (``None`` on an event built here), to release it when handling failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
from cattrs.gen import make_dict_structure_fn, override

from plivo_async._convert import converter
from plivo_async.webhooks.signature import plain_params

__all__ = [
    "AnswerEvent",
    "CallEvent",
    "CallbackEvent",
    "HangupEvent",
    "MPCEvent",
    "MachineDetectionEvent",
    "RingEvent",
    "parse_event",
]

_E = TypeVar("_E", bound="_Event")
_T = TypeVar("_T", bound=attrs.AttrsInstance)


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _as_str(value: Any, _: Any = None) -> str | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value) or None
    return None


def _as_int(value: Any, _: Any = None) -> int | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            value = float(value)  # tolerate "12.0"
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _as_bool(value: Any, _: Any = None) -> bool | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return None


_HOOKS: dict[str, Callable[[Any, Any], Any]] = {"str": _as_str, "int": _as_int, "bool": _as_bool}


def _wire(name: str, kind: str = "str") -> Any:
    """A field read from Plivo's CamelCase param ``name``; bad values become ``None``."""
    return attrs.field(default=None, metadata={"wire": name, "kind": kind})


def _signed() -> Any:
    """``params_signed``: set by the receiver, not read from params; not part of equality."""
    return attrs.field(default=False, eq=False, repr=False)


def _nonce() -> Any:
    """``nonce``: set by the receiver, not read from params; not part of equality."""
    return attrs.field(default=None, eq=False, repr=False)


#: Fields that are not params.
_NOT_WIRE = ("raw", "params_signed", "nonce")


def _register(cls: type[_T]) -> type[_T]:
    """Teach the shared converter this event's wire names and lenient value parsing."""
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in _NOT_WIRE:
            overrides[field.name] = override(omit=True)
        else:
            kind = field.metadata["kind"]
            overrides[field.name] = override(
                rename=field.metadata["wire"], struct_hook=_HOOKS[kind]
            )
    build = make_dict_structure_fn(cls, converter, **overrides)

    def structure(data: Mapping[str, Any], target: Any) -> Any:
        event = build(data, target)
        object.__setattr__(event, "raw", dict(data))  # every param, known or not
        return event

    converter.register_structure_hook(cls, structure)
    return cls


class _Event:
    raw: dict[str, Any]
    params_signed: bool
    nonce: str | None

    @classmethod
    def from_params(cls: type[_E], params: Mapping[str, Any]) -> _E:
        """Build this event type from callback params; every param stays in ``.raw``."""
        return converter.structure(plain_params(params), cls)


@_register
@attrs.frozen(kw_only=True)
class CallEvent(_Event):
    """Params Plivo sends with every call callback; the base of the specific events.

    Values arrive as strings; unknown params (and the original values) are in ``.raw``.
    """

    call_uuid: str | None = _wire("CallUUID")
    from_: str | None = _wire("From")
    to: str | None = _wire("To")
    call_status: str | None = _wire("CallStatus")
    direction: str | None = _wire("Direction")
    event: str | None = _wire("Event")
    request_uuid: str | None = _wire("RequestUUID")
    a_leg_uuid: str | None = _wire("ALegUUID")
    a_leg_request_uuid: str | None = _wire("ALegRequestUUID")
    caller_name: str | None = _wire("CallerName")
    forwarded_from: str | None = _wire("ForwardedFrom")
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False)
    params_signed: bool = _signed()
    nonce: str | None = _nonce()

    @property
    def sip_headers(self) -> dict[str, str]:
        """Custom SIP headers, which Plivo forwards as ``X-PH-<name>`` params."""
        return {k[5:]: str(_scalar(v)) for k, v in self.raw.items() if k.startswith("X-PH-")}


@_register
@attrs.frozen(kw_only=True)
class AnswerEvent(CallEvent):
    """The answer URL request (``Event=StartApp``); the reply must be Plivo XML."""


@_register
@attrs.frozen(kw_only=True)
class RingEvent(CallEvent):
    """The ring URL notification (``Event=Ring``)."""


@_register
@attrs.frozen(kw_only=True)
class HangupEvent(CallEvent):
    """The hangup URL notification (``Event=Hangup``): why and how long.

    Times are Plivo's ``YYYY-MM-DD HH:MM:SS`` strings in the account's timezone, kept as
    text because they carry no offset; amounts are text to avoid float rounding.
    """

    hangup_cause: str | None = _wire("HangupCause")
    hangup_cause_name: str | None = _wire("HangupCauseName")
    hangup_cause_code: int | None = _wire("HangupCauseCode", "int")
    hangup_source: str | None = _wire("HangupSource")
    duration: int | None = _wire("Duration", "int")
    bill_duration: int | None = _wire("BillDuration", "int")
    bill_rate: str | None = _wire("BillRate")
    total_cost: str | None = _wire("TotalCost")
    start_time: str | None = _wire("StartTime")
    answer_time: str | None = _wire("AnswerTime")
    end_time: str | None = _wire("EndTime")


@_register
@attrs.frozen(kw_only=True)
class MachineDetectionEvent(CallEvent):
    """Asynchronous machine detection result (``Event=MachineDetection``)."""

    machine: bool | None = _wire("Machine", "bool")
    if_machine: str | None = _wire("IfMachine")


@_register
@attrs.frozen(kw_only=True)
class MPCEvent(_Event):
    """A multi-party call status callback (``EventName`` such as ``MPCStart``).

    Only the params documented for MPC status callbacks are typed; the rest (and
    anything PHLO adds) is in ``.raw``.
    """

    event_name: str | None = _wire("EventName")
    event_timestamp: str | None = _wire("EventTimestamp")
    mpc_uuid: str | None = _wire("MPCUUID")
    mpc_name: str | None = _wire("MPCName")
    member_id: str | None = _wire("MemberID")
    participant_role: str | None = _wire("ParticipantRole")
    participant_call_uuid: str | None = _wire("ParticipantCallUUID")
    participant_coach_mode: bool | None = _wire("ParticipantCoachMode", "bool")
    mpc_duration: int | None = _wire("MPCDuration", "int")
    mpc_billed_duration: int | None = _wire("MPCBilledDuration", "int")
    mpc_billed_amount: str | None = _wire("MPCBilledAmount")
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False)
    params_signed: bool = _signed()
    nonce: str | None = _nonce()


#: What :func:`parse_event` returns; narrow with ``isinstance``.
CallbackEvent = CallEvent | MPCEvent

_BY_EVENT: dict[str, type[CallEvent]] = {
    "startapp": AnswerEvent,
    "ring": RingEvent,
    "hangup": HangupEvent,
    "machinedetection": MachineDetectionEvent,
}


def parse_event(params: Mapping[str, Any]) -> CallbackEvent:
    """Pick the event type from the params and build it.

    ``EventName``/``MPCUUID`` mean an MPC event; otherwise ``Event`` decides, then the
    presence of ``Machine`` or ``HangupCause``. Anything else is a plain :class:`CallEvent`
    (use ``SomeEvent.from_params`` when the route already tells you the kind).
    """
    data = plain_params(params)
    if "EventName" in data or "MPCUUID" in data:
        return MPCEvent.from_params(data)
    cls = _BY_EVENT.get((_as_str(data.get("Event")) or "").lower())
    if cls is None:
        if "Machine" in data:
            cls = MachineDetectionEvent
        elif "HangupCause" in data:
            cls = HangupEvent
        else:
            cls = CallEvent
    return cls.from_params(data)
