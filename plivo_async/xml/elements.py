"""The Plivo XML verbs: Response and everything an answer document may hold.

Attributes are snake_case keyword arguments (``num_digits=1`` is ``numDigits="1"``), in
the official SDK's order; a verb's children (or its text: a URL, a number, a room name)
come first and positionally::

    Response([
        GetDigits([Speak("Press 1 for sales")], action="https://example.com/menu",
                  num_digits=1),
        Speak("We did not get your choice. Goodbye."),
        Hangup(),
    ])

``parent.add(child)`` appends one child after checking it may sit there, and returns the
parent. The rules come from Plivo's XML reference; where the SDK takes any string and Plivo
documents no closed list, the attribute takes any XML text.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import attrs

from plivo_async.validation import is_http_url, is_phone_number, is_sip_uri, to_upper
from plivo_async.xml.element import (
    Element,
    Parent,
    attribute,
    children_field,
    content_field,
)
from plivo_async.xml.ssml import SSML_TAGS, Speech

__all__ = [
    "DTMF",
    "Conference",
    "Container",
    "Dial",
    "GetDigits",
    "GetInput",
    "Hangup",
    "Message",
    "MultiPartyCall",
    "Number",
    "Play",
    "PreAnswer",
    "Record",
    "Redirect",
    "Response",
    "Speak",
    "Stream",
    "User",
    "Wait",
]

_METHODS = ("GET", "POST")
_DIGITS_RE = re.compile(r"[0-9*#]+")
_DIGITS_LIST_RE = re.compile(r"[0-9*#]+(?:,[0-9*#]+)*")
_SEND_DIGITS_RE = re.compile(r"[0-9*#wW]+(?:@[1-9][0-9]{0,5})?")
_SIP_HEADERS_RE = re.compile(r"[A-Za-z0-9_-]+=[^,]*(?:,[A-Za-z0-9_-]+=[^,]*)*")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_VOICE_RE = re.compile(r"MAN|WOMAN|[A-Z][A-Za-z]+\.[A-Za-z0-9_-]+")  # Polly.Joanna-Neural
_FINISH_KEYS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "", "none")
_FILE_FORMATS = ("mp3", "wav")
_TRANSCRIPTION_TYPES = ("auto", "hybrid")
_BEEP_SOUNDS = ("beep:1", "beep:2", "none")


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _method(xml: str, *, default: str | None = None) -> Any:
    """An HTTP method attribute: ``GET`` or ``POST`` (any case accepted, written upper)."""
    return attribute(xml, choices=_METHODS, converter=to_upper, default=default)


def _url(xml: str) -> Any:
    return attribute(xml, url=True)


def _flag(xml: str, *, default: bool | None = None) -> Any:
    return attribute(xml, "bool", default=default)


def _digits(xml: str) -> Any:
    return attribute(
        xml, rule="may hold only digits, '*' and '#'", check=lambda v: bool(_DIGITS_RE.fullmatch(v))
    )


def _send_digits(xml: str) -> Any:
    return attribute(
        xml,
        rule="may hold only digits, '*', '#', 'w', 'W', optionally followed by '@<ms>'",
        check=lambda v: bool(_SEND_DIGITS_RE.fullmatch(v)),
    )


def _digits_match(xml: str) -> Any:
    return attribute(
        xml,
        rule="must be digit patterns ('0-9', '*', '#') separated by commas",
        check=lambda v: bool(_DIGITS_LIST_RE.fullmatch(v)),
    )


def _sip_headers(xml: str) -> Any:
    return attribute(
        xml,
        rule="must be 'name=value' pairs separated by commas",
        check=lambda v: bool(_SIP_HEADERS_RE.fullmatch(v)),
    )


def _language(xml: str) -> Any:
    return attribute(
        xml,
        rule="must be a language code such as 'en-US'",
        check=lambda v: bool(_LANGUAGE_RE.fullmatch(v)),
    )


def _sound(xml: str, *, default: str | None = None) -> Any:
    return attribute(
        xml,
        rule="must be 'beep:1', 'beep:2', 'none' or an absolute http(s) URL",
        check=lambda v: v in _BEEP_SOUNDS or is_http_url(v),
        converter=lambda v: v.lower() if isinstance(v, str) and v.lower() in _BEEP_SOUNDS else v,
        default=default,
    )


_URL_TEXT = ("must be an absolute http(s) URL", is_http_url)


def _is_stream_url(value: str) -> bool:
    return is_http_url("http" + value[2:]) if value[:5] in ("ws://", "wss:/") else False


@attrs.define
class Container(Parent):
    """What holds other verbs (no text): Response, GetDigits, Dial, ..."""

    children: list[Element] = children_field()  # noqa: RUF009 - an attrs field


@attrs.define
class Speak(Speech):
    """Text-to-speech. Text first, then SSML elements and the text that follows each."""

    TAG = "Speak"
    CHILDREN = SSML_TAGS | {"cont"}
    voice: str | None = attribute(
        "voice",
        rule="must be MAN, WOMAN or a provider voice such as 'Polly.Joanna'",
        check=lambda v: bool(_VOICE_RE.fullmatch(v)),
    )
    language: str | None = _language("language")
    loop: int | None = attribute("loop", "int", low=0)


@attrs.define
class Play(Element):
    """Play an audio file (``loop=0``: until the call moves on)."""

    TAG = "Play"
    CONTENT_RULE = _URL_TEXT
    content: str = content_field()
    loop: int | None = attribute("loop", "int", low=0)


@attrs.define
class Wait(Element):
    """Pause for ``length`` seconds (or, with ``silence``, until the callee is quiet)."""

    TAG = "Wait"
    length: int | None = attribute("length", "int", low=1)
    silence: bool | None = _flag("silence")
    min_silence: int | None = attribute("minSilence", "int", low=1)
    beep: bool | None = _flag("beep")


@attrs.define
class GetDigits(Container):
    """Collect key presses and send them to ``action`` (as ``Digits``)."""

    TAG = "GetDigits"
    CHILDREN = frozenset({"Speak", "Play", "Wait"})
    action: str | None = _url("action")
    method: str | None = _method("method")
    timeout: int | None = attribute("timeout", "int", low=1)
    digit_timeout: int | None = attribute("digitTimeout", "int", low=1)
    finish_on_key: str | None = attribute("finishOnKey", choices=_FINISH_KEYS)
    num_digits: int | None = attribute("numDigits", "int", low=1)
    retries: int | None = attribute("retries", "int", low=1)
    redirect: bool | None = _flag("redirect")
    play_beep: bool | None = _flag("playBeep")
    valid_digits: str | None = _digits("validDigits")
    invalid_digits_sound: str | None = _url("invalidDigitsSound")
    log: bool | None = _flag("log")


@attrs.define
class GetInput(Container):
    """Collect key presses or speech and send them to ``action``."""

    TAG = "GetInput"
    CHILDREN = frozenset({"Speak", "Play", "Wait"})
    action: str | None = _url("action")
    method: str | None = _method("method")
    input_type: str | None = attribute(
        "inputType", choices=("dtmf", "speech", "dtmf speech"), converter=_lower
    )
    execution_timeout: int | None = attribute("executionTimeout", "int", low=5, high=60)
    # "auto" (Plivo's default) lets Plivo decide when the input is over.
    digit_end_timeout: int | Literal["auto"] | None = attribute(
        "digitEndTimeout", "int", low=2, high=10, auto=True
    )
    speech_end_timeout: int | Literal["auto"] | None = attribute(
        "speechEndTimeout", "int", low=2, high=10, auto=True
    )
    finish_on_key: str | None = attribute("finishOnKey", choices=_FINISH_KEYS)
    num_digits: int | None = attribute("numDigits", "int", low=1, high=32)
    speech_model: str | None = attribute(
        "speechModel", choices=("default", "command_and_search", "phone_call")
    )
    hints: str | None = attribute("hints")
    language: str | None = _language("language")
    interim_speech_results_callback: str | None = _url("interimSpeechResultsCallback")
    interim_speech_results_callback_method: str | None = _method(
        "interimSpeechResultsCallbackMethod"
    )
    log: bool | None = _flag("log")
    redirect: bool | None = _flag("redirect")
    profanity_filter: bool | None = _flag("profanityFilter")


@attrs.define
class Number(Element):
    """A phone number to dial inside ``Dial``."""

    TAG = "Number"
    CONTENT_RULE = ("must be a phone number: optional '+', then 2 to 15 digits", is_phone_number)
    content: str = content_field()
    send_digits: str | None = _send_digits("sendDigits")
    send_on_preanswer: bool | None = _flag("sendOnPreanswer")
    send_digits_mode: str | None = attribute("sendDigitsMode")


@attrs.define
class User(Element):
    """A SIP endpoint to dial inside ``Dial``."""

    TAG = "User"
    CONTENT_RULE = ("must be a SIP URI (sip:user@host)", is_sip_uri)
    content: str = content_field()
    send_digits: str | None = _send_digits("sendDigits")
    send_on_preanswer: bool | None = _flag("sendOnPreanswer")
    sip_headers: str | None = _sip_headers("sipHeaders")


@attrs.define
class Dial(Container):
    """Connect the caller to one or more numbers or SIP users (the first to answer wins)."""

    TAG = "Dial"
    CHILDREN = frozenset({"Number", "User"})
    action: str | None = _url("action")
    method: str | None = _method("method")
    hangup_on_star: bool | None = _flag("hangupOnStar")
    time_limit: int | None = attribute("timeLimit", "int", low=1)
    timeout: int | None = attribute("timeout", "int", low=1)
    caller_id: str | None = attribute("callerId")
    caller_name: str | None = attribute(
        "callerName", rule="must be at most 50 characters", check=lambda v: len(v) <= 50
    )
    confirm_sound: str | None = _url("confirmSound")
    confirm_timeout: int | None = attribute("confirmTimeout", "int", low=1)
    confirm_key: str | None = attribute("confirmKey", choices=_FINISH_KEYS[:12])
    dial_music: str | None = attribute(
        "dialMusic",
        rule="must be 'real' or an absolute http(s) URL",
        check=lambda v: v == "real" or is_http_url(v),
    )
    callback_url: str | None = _url("callbackUrl")
    callback_method: str | None = _method("callbackMethod")
    redirect: bool | None = _flag("redirect")
    digits_match: str | None = _digits_match("digitsMatch")
    digits_match_b_leg: str | None = _digits_match("digitsMatchBLeg")
    sip_headers: str | None = _sip_headers("sipHeaders")


@attrs.define
class Conference(Element):
    """Join the caller to the conference room named by the text (spaces around it are
    layout, as the parser reads them: ``Conference(" room ")`` is room ``room``)."""

    TAG = "Conference"
    content: str = content_field(strip=True)
    muted: bool | None = _flag("muted")
    enter_sound: str | None = _sound("enterSound")
    exit_sound: str | None = _sound("exitSound")
    start_conference_on_enter: bool | None = _flag("startConferenceOnEnter")
    end_conference_on_exit: bool | None = _flag("endConferenceOnExit")
    stay_alone: bool | None = _flag("stayAlone")
    wait_sound: str | None = _url("waitSound")
    max_members: int | None = attribute("maxMembers", "int", low=1)
    record: bool | None = _flag("record")
    record_file_format: str | None = attribute(
        "recordFileFormat", choices=_FILE_FORMATS, converter=_lower
    )
    time_limit: int | None = attribute("timeLimit", "int", low=0)
    hangup_on_star: bool | None = _flag("hangupOnStar")
    action: str | None = _url("action")
    method: str | None = _method("method")
    callback_url: str | None = _url("callbackUrl")
    callback_method: str | None = _method("callbackMethod")
    digits_match: str | None = _digits_match("digitsMatch")
    floor_event: bool | None = _flag("floorEvent")
    redirect: bool | None = _flag("redirect")
    relay_dtmf: bool | None = _flag("relayDTMF")
    send_digits: str | None = _send_digits("sendDigits")
    record_when_alone: str | None = attribute(
        "recordWhenAlone", choices=("true", "false"), converter=_lower
    )
    transcription_type: str | None = attribute("transcriptionType", choices=_TRANSCRIPTION_TYPES)
    transcription_url: str | None = _url("transcriptionUrl")
    transcription_method: str | None = _method("transcriptionMethod")


_MPC_EVENTS = (
    "mpc-state-changes",
    "participant-state-changes",
    "participant-speak-events",
    "participant-digit-input-events",
    "add-participant-api-events",
)


def _events_ok(value: str) -> bool:
    return all(event in _MPC_EVENTS for event in value.split(","))


@attrs.define
class MultiPartyCall(Element):
    """Join the caller to the multi-party call named by the text, with a ``role``.

    The defaults are the official SDK's and are always written, as the SDK does.
    """

    TAG = "MultiPartyCall"
    content: str = content_field(strip=True)
    role: str = attribute(
        "role",
        choices=("ai-agent", "agent", "supervisor", "customer"),
        converter=_lower,
        required=True,
    )
    max_duration: int | None = attribute("maxDuration", "int", low=300, high=28800, default=14400)
    max_participants: int | None = attribute("maxParticipants", "int", low=2, high=10, default=10)
    record_min_member_count: int | None = attribute(
        "recordMinMemberCount", "int", low=1, high=2, default=1
    )
    wait_music_url: str | None = _url("waitMusicUrl")
    wait_music_method: str | None = _method("waitMusicMethod", default="GET")
    wait_time: int | None = attribute("waitTime", "int", low=0, high=1800)
    agent_hold_music_url: str | None = _url("agentHoldMusicUrl")
    agent_hold_music_method: str | None = _method("agentHoldMusicMethod", default="GET")
    customer_hold_music_url: str | None = _url("customerHoldMusicUrl")
    customer_hold_music_method: str | None = _method("customerHoldMusicMethod", default="GET")
    record: bool | None = _flag("record", default=False)
    record_participant_track: bool | None = _flag("recordParticipantTrack", default=False)
    record_file_format: str | None = attribute(
        "recordFileFormat", choices=_FILE_FORMATS, converter=_lower, default="mp3"
    )
    recording_callback_url: str | None = _url("recordingCallbackUrl")
    recording_callback_method: str | None = _method("recordingCallbackMethod", default="POST")
    status_callback_events: str | None = attribute(
        "statusCallbackEvents",
        rule="must be events from " + ", ".join(_MPC_EVENTS) + ", separated by commas",
        check=_events_ok,
        converter=_lower,
        default="mpc-state-changes,participant-state-changes",
    )
    status_callback_url: str | None = _url("statusCallbackUrl")
    status_callback_method: str | None = _method("statusCallbackMethod", default="POST")
    stay_alone: bool | None = _flag("stayAlone", default=False)
    coach_mode: bool | None = _flag("coachMode", default=True)
    mute: bool | None = _flag("mute", default=False)
    hold: bool | None = _flag("hold", default=False)
    start_mpc_on_enter: bool | None = _flag("startMpcOnEnter", default=True)
    end_mpc_on_exit: bool | None = _flag("endMpcOnExit", default=False)
    enter_sound: str | None = _sound("enterSound", default="beep:1")
    enter_sound_method: str | None = _method("enterSoundMethod", default="GET")
    exit_sound: str | None = _sound("exitSound", default="beep:2")
    exit_sound_method: str | None = _method("exitSoundMethod", default="GET")
    on_exit_action_url: str | None = _url("onExitActionUrl")
    on_exit_action_method: str | None = _method("onExitActionMethod", default="POST")
    relay_dtmf_inputs: bool | None = _flag("relayDTMFInputs", default=False)
    start_recording_audio: str | None = _url("startRecordingAudio")
    start_recording_audio_method: str | None = _method("startRecordingAudioMethod", default="GET")
    stop_recording_audio: str | None = _url("stopRecordingAudio")
    stop_recording_audio_method: str | None = _method("stopRecordingAudioMethod", default="GET")
    transcript: bool | None = _flag("transcript", default=False)
    transcription_url: str | None = _url("transcriptionUrl")


@attrs.define
class Record(Element):
    """Record the caller (or, with ``record_session``, the whole call)."""

    TAG = "Record"
    action: str | None = _url("action")
    method: str | None = _method("method")
    file_format: str | None = attribute("fileFormat", choices=_FILE_FORMATS, converter=_lower)
    redirect: bool | None = _flag("redirect")
    timeout: int | None = attribute("timeout", "int", low=1)
    max_length: int | None = attribute("maxLength", "int", low=1)
    play_beep: bool | None = _flag("playBeep")
    finish_on_key: str | None = attribute("finishOnKey", choices=_FINISH_KEYS)
    record_session: bool | None = _flag("recordSession")
    start_on_dial_answer: bool | None = _flag("startOnDialAnswer")
    transcription_type: str | None = attribute("transcriptionType", choices=_TRANSCRIPTION_TYPES)
    transcription_url: str | None = _url("transcriptionUrl")
    transcription_method: str | None = _method("transcriptionMethod")
    transcription_report_type: str | None = attribute("transcriptionReportType")
    callback_url: str | None = _url("callbackUrl")
    callback_method: str | None = _method("callbackMethod")
    record_channel_type: str | None = attribute(
        "recordChannelType", choices=("mono", "stereo"), converter=_lower
    )


@attrs.define
class Redirect(Element):
    """Fetch the next document from the URL in the text."""

    TAG = "Redirect"
    CONTENT_RULE = _URL_TEXT
    content: str = content_field()
    method: str | None = _method("method")


@attrs.define
class Hangup(Element):
    """End the call (``reason`` rejects it; ``schedule`` ends it that many seconds later)."""

    TAG = "Hangup"
    reason: str | None = attribute("reason", choices=("rejected", "busy"))
    schedule: int | None = attribute("schedule", "int", low=1)


@attrs.define
class DTMF(Element):
    """Send key presses on the call (``async_``: do not wait for them to finish)."""

    TAG = "DTMF"
    CONTENT_RULE = (
        "may hold only digits, '*', '#', 'w' and 'W'",
        lambda v: bool(re.fullmatch(r"[0-9*#wW]+", v)),
    )
    content: str = content_field()
    async_: bool | None = _flag("async")


@attrs.define
class Stream(Element):
    """Stream the call's audio to the ``ws://``/``wss://`` URL in the text."""

    TAG = "Stream"
    CONTENT_RULE = ("must be an absolute ws:// or wss:// URL", _is_stream_url)
    content: str = content_field()
    bidirectional: bool | None = _flag("bidirectional")
    audio_track: str | None = attribute("audioTrack", choices=("inbound", "outbound", "both"))
    stream_timeout: int | None = attribute("streamTimeout", "int", low=1)
    status_callback_url: str | None = _url("statusCallbackUrl")
    status_callback_method: str | None = _method("statusCallbackMethod")
    content_type: str | None = attribute(
        "contentType",
        choices=("audio/x-l16;rate=8000", "audio/x-l16;rate=16000", "audio/x-mulaw;rate=8000"),
    )
    extra_headers: str | None = attribute("extraHeaders")
    keep_call_alive: bool | None = _flag("keepCallAlive")


@attrs.define
class Message(Element):
    """Send an SMS with the text, from ``src`` to ``dst``."""

    TAG = "Message"
    content: str = content_field()
    src: str | None = attribute("src")
    dst: str | None = attribute("dst")
    type: str | None = attribute("type")
    callback_url: str | None = _url("callbackUrl")
    callback_method: str | None = _method("callbackMethod")


@attrs.define
class PreAnswer(Container):
    """What the caller hears before the call is answered (early media)."""

    TAG = "PreAnswer"
    CHILDREN = frozenset({"Speak", "Play", "Wait", "GetDigits", "Redirect", "Message", "DTMF"})


@attrs.define
class Response(Container):
    """The document: what Plivo runs, in order, when it fetches an answer URL."""

    TAG = "Response"
    CHILDREN = frozenset(
        {
            "Conference",
            "Dial",
            "DTMF",
            "GetDigits",
            "GetInput",
            "Hangup",
            "Message",
            "Play",
            "PreAnswer",
            "Record",
            "Redirect",
            "Speak",
            "Wait",
            "MultiPartyCall",
            "Stream",
        }
    )
