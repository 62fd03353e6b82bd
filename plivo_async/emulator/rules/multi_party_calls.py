"""Input rules of the emulated MultiPartyCall API, as the official SDK states them.

Independent of the client's validation on purpose (see :mod:`plivo_async.emulator.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import (
    RECORDING_FORMATS,
    BadRequest,
    bool_field,
    check_destination,
    check_url,
    int_field,
    optional_url,
    required_field,
    text_field,
    validate_callback,
)

__all__ = ["validate_add_participant", "validate_mpc_recording", "validate_update_participant"]

_ROLES = ("ai-agent", "agent", "supervisor", "customer")
_SOUNDS = ("beep:1", "beep:2", "none")
_EVENTS = frozenset(
    {
        "mpc-state-changes",
        "participant-state-changes",
        "participant-speak-events",
        "participant-digit-input-events",
        "add-participant-api-events",
    }
)
_PARTICIPANT_URLS = (
    "call_status_callback_url",
    "confirm_key_sound_url",
    "wait_music_url",
    "agent_hold_music_url",
    "customer_hold_music_url",
    "recording_callback_url",
    "status_callback_url",
    "on_exit_action_url",
    "start_recording_audio",
    "stop_recording_audio",
    "transcription_url",
)
_PARTICIPANT_BOOLS = (
    "record",
    "record_participant_track",
    "stay_alone",
    "coach_mode",
    "mute",
    "hold",
    "start_mpc_on_enter",
    "end_mpc_on_exit",
    "relay_dtmf_inputs",
    "create_mpc_with_single_participant",
    "send_on_preanswer",
    "transcript",
)


def _per_destination(body: Mapping[str, Any], name: str, count: int) -> None:
    value = text_field(body, name)
    if value is None:
        return
    parts = value.split("<")
    if not all(part.isdigit() for part in parts):
        raise BadRequest(f"{name} destination value must be integer")
    if count and len(parts) > count:
        raise BadRequest(f"{name}: number of values should be same as number of destinations")


def validate_add_participant(body: Mapping[str, Any]) -> dict[str, Any]:
    """Check an add-participant body; return the fields the emulator acts on."""
    validate_callback(body)
    role = required_field(body, "role").lower()
    if role not in _ROLES:
        raise BadRequest(f"invalid role {role!r}; allowed: {', '.join(_ROLES)}")
    from_, to, call_uuid = (
        text_field(body, "from"),
        text_field(body, "to"),
        text_field(body, "call_uuid"),
    )
    if (from_ or to) and call_uuid:
        raise BadRequest("cannot specify call_uuid when (from, to) is provided")
    if not call_uuid and not (from_ and to):
        raise BadRequest("specify either call_uuid or (from, to)")
    destinations = [] if to is None else [check_destination("to", t) for t in to.split("<")]
    if from_ is not None:
        check_destination("from", from_)
    if len(destinations) > 1 and role != "agent":
        raise BadRequest(f"Multiple to values given for role {role}")
    if len(destinations) > 20:
        raise BadRequest("No of to values provided should be lesser than 20")
    for name in _PARTICIPANT_URLS:
        optional_url(body, name)
    flags = {name: bool_field(body, name) for name in _PARTICIPANT_BOOLS}
    caller_name = text_field(body, "caller_name")
    if caller_name is not None and not 1 <= len(caller_name) <= 50:
        raise BadRequest("caller_name must be 1 to 50 characters")
    int_field(body, "max_duration", 300, 28800)
    max_participants = int_field(body, "max_participants", 2, 10)
    int_field(body, "record_min_member_count", 1, 2)
    _per_destination(body, "ring_timeout", len(destinations))
    _per_destination(body, "delay_dial", len(destinations))
    confirm_key = text_field(body, "confirm_key")
    if confirm_key is not None and (len(confirm_key) != 1 or confirm_key not in "0123456789#*"):
        raise BadRequest("confirm_key must be one of 0-9, # or *")
    for name in ("enter_sound", "exit_sound"):
        value = text_field(body, name)
        if value is not None and value.lower() not in _SOUNDS:
            check_url(name, value)
    dial_music = text_field(body, "dial_music")
    if dial_music is not None and dial_music.lower() not in ("real", "none"):
        check_url("dial_music", dial_music)
    record_file_format = text_field(body, "record_file_format")
    if record_file_format is not None and record_file_format.lower() not in RECORDING_FORMATS:
        raise BadRequest("record_file_format must be mp3 or wav")
    events = text_field(body, "status_callback_events")
    if events is not None and not set(events.lower().split(",")) <= _EVENTS:
        raise BadRequest(f"invalid status_callback_events {events!r}")
    return {
        "role": role,
        "from": from_,
        "to": destinations,
        "call_uuid": call_uuid,
        "caller_name": caller_name,
        "max_participants": max_participants,
        **flags,
    }


def validate_mpc_recording(body: Mapping[str, Any]) -> str:
    """A start-recording body (the MPC's or a participant's); return the file format."""
    validate_callback(body)
    optional_url(body, "recording_callback_url")
    optional_url(body, "transcription_url")
    bool_field(body, "transcript")
    file_format = (text_field(body, "file_format") or "mp3").lower()
    if file_format not in RECORDING_FORMATS:
        raise BadRequest("file_format must be mp3 or wav")
    return file_format


def validate_update_participant(body: Mapping[str, Any], member_id: str) -> dict[str, bool]:
    """coach_mode / mute / hold: at least one, booleans, no coach_mode for ``all``."""
    validate_callback(body)
    changes = {
        name: value
        for name in ("coach_mode", "mute", "hold")
        if (value := bool_field(body, name)) is not None
    }
    if not changes:
        raise BadRequest("update at least one of coach_mode, mute or hold")
    if member_id.lower() == "all" and "coach_mode" in changes:
        raise BadRequest("cannot specify coach_mode when updating all participants")
    return changes
