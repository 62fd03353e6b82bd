"""Plivo XML: build answer documents as typed elements, serve them, parse them.

``str(document)`` is byte-for-byte what the official SDK writes for the same tree, so a
port changes nothing on the wire; :func:`parse` reads documents from anywhere into the
same tree, with the same checks.
"""

from plivo_async.xml.element import Element, Parent
from plivo_async.xml.elements import (
    DTMF,
    Conference,
    Dial,
    GetDigits,
    GetInput,
    Hangup,
    Message,
    MultiPartyCall,
    Number,
    Play,
    PreAnswer,
    Record,
    Redirect,
    Response,
    Speak,
    Stream,
    User,
    Wait,
)
from plivo_async.xml.parser import parse
from plivo_async.xml.problems import Parsed, Problem
from plivo_async.xml.ssml import Break, Cont, Emphasis, Lang, P, Phoneme, Prosody, S, SayAs, Sub, W

__all__ = [
    "DTMF",
    "Break",
    "Conference",
    "Cont",
    "Dial",
    "Element",
    "Emphasis",
    "GetDigits",
    "GetInput",
    "Hangup",
    "Lang",
    "Message",
    "MultiPartyCall",
    "Number",
    "P",
    "Parent",
    "Parsed",
    "Phoneme",
    "Play",
    "PreAnswer",
    "Problem",
    "Prosody",
    "Record",
    "Redirect",
    "Response",
    "S",
    "SayAs",
    "Speak",
    "Stream",
    "Sub",
    "User",
    "W",
    "Wait",
    "parse",
]
