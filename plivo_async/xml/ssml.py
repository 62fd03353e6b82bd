"""SSML inside ``<Speak>``: pauses, emphasis, languages, pronunciation, prosody.

Containers take their leading text and then a list of children, where a plain string is
the text that follows the previous child::

    Speak("Your code is ", [SayAs("1234", interpret_as="digits"), ". Goodbye."])

:class:`Cont` is the official SDK's way of writing text after a child (it is written as
that text with a space on each side, no tag); a plain string does the same without the
spaces, and is what :func:`~plivo_async.xml.parser.parse` produces.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from plivo_async.errors import ValidationError
from plivo_async.xml.element import (
    Element,
    Parent,
    attribute,
    children_field,
    content_field,
)

__all__ = [
    "SSML_TAGS",
    "Break",
    "Cont",
    "Emphasis",
    "Lang",
    "P",
    "Phoneme",
    "Prosody",
    "S",
    "SayAs",
    "Speech",
    "Sub",
    "W",
]

#: Every SSML tag a ``<Speak>`` may hold.
SSML_TAGS = frozenset(
    {"break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"}
)
_INLINE = frozenset({"break", "emphasis", "lang", "phoneme", "prosody", "say-as", "sub", "w"})

_TIME_RE = re.compile(r"[0-9]+(?:ms|s)")
_VOLUME_RE = re.compile(r"default|silent|x-soft|soft|medium|loud|x-loud|[+-][0-9]+(?:\.[0-9]+)?dB")
_RATE_RE = re.compile(r"x-slow|slow|medium|fast|x-fast|[0-9]+%")
_PITCH_RE = re.compile(r"default|x-low|low|medium|high|x-high|[+-]?[0-9]+(?:\.[0-9]+)?%")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def _matching(xml: str, pattern: re.Pattern[str], rule: str) -> Any:
    return attribute(xml, rule=rule, check=lambda v: bool(pattern.fullmatch(v)))


@attrs.define
class Speech(Parent):
    """What holds words: leading text, then SSML children and the text after each."""

    MIXED = True
    content: str = content_field("")
    children: list[Element | str] = children_field()  # noqa: RUF009 - an attrs field


@attrs.define
class Break(Element):
    """A pause: by ``strength`` or for a ``time`` such as ``"500ms"`` or ``"2s"``."""

    TAG = "break"
    strength: str | None = attribute(
        "strength", choices=("none", "x-weak", "weak", "medium", "strong", "x-strong")
    )
    time: str | None = _matching("time", _TIME_RE, "must be a duration such as '500ms' or '2s'")


@attrs.define
class Cont(Speech):
    """Text after an SSML child, the SDK's way: written with a space on each side."""

    TAG = "cont"
    CHILDREN = SSML_TAGS | {"cont"}

    def __attrs_post_init__(self) -> None:
        # An empty <cont/> would reach Plivo as an unknown element: the SDK writes it so.
        if not self.content and not self.children:
            rule = "needs text or children"
            raise ValidationError(f"cont: {rule}", field="cont", rule=rule)


@attrs.define
class Emphasis(Speech):
    """Words spoken with more (or less) stress."""

    TAG = "emphasis"
    CHILDREN = _INLINE
    level: str | None = attribute("level", choices=("strong", "moderate", "reduced"))


@attrs.define
class Lang(Speech):
    """Words in another language (``xml_lang`` is written ``xml:lang``)."""

    TAG = "lang"
    CHILDREN = SSML_TAGS
    xml_lang: str | None = _matching(
        "xml:lang", _LANGUAGE_RE, "must be a language code such as 'fr-FR'"
    )


@attrs.define
class P(Speech):
    """A paragraph."""

    TAG = "p"
    CHILDREN = SSML_TAGS - {"p"}


@attrs.define
class Phoneme(Element):
    """A word with its pronunciation ``ph`` in the phonetic ``alphabet``."""

    TAG = "phoneme"
    content: str = content_field("")
    alphabet: str | None = attribute(
        "alphabet",
        choices=(
            "ipa",
            "x-sampa",
            "x-amazon-jyutping",
            "x-amazon-pinyin",
            "x-amazon-pron-kana",
            "x-amazon-yomigana",
        ),
    )
    ph: str | None = attribute("ph")


@attrs.define
class Prosody(Speech):
    """Words at another volume, rate or pitch."""

    TAG = "prosody"
    CHILDREN = SSML_TAGS
    volume: str | None = _matching(
        "volume", _VOLUME_RE, "must be default, silent, x-soft .. x-loud or a change like '+6dB'"
    )
    rate: str | None = _matching(
        "rate", _RATE_RE, "must be x-slow, slow, medium, fast, x-fast or a percentage like '80%'"
    )
    pitch: str | None = _matching(
        "pitch", _PITCH_RE, "must be default, x-low .. x-high or a change like '+10%'"
    )


@attrs.define
class S(Speech):
    """A sentence."""

    TAG = "s"
    CHILDREN = _INLINE


@attrs.define
class SayAs(Element):
    """Text read as a kind of value: digits, a date, a telephone number, ..."""

    TAG = "say-as"
    content: str = content_field()
    interpret_as: str | None = attribute(
        "interpret-as",
        choices=(
            "characters",
            "spell-out",
            "cardinal",
            "number",
            "ordinal",
            "digits",
            "fraction",
            "unit",
            "date",
            "time",
            "address",
            "expletive",
            "telephone",
        ),
    )
    format: str | None = attribute("format")


@attrs.define
class Sub(Element):
    """Text read as its ``alias`` (``Sub("W3C", alias="World Wide Web Consortium")``)."""

    TAG = "sub"
    content: str = content_field("")
    alias: str | None = attribute("alias")


@attrs.define
class W(Speech):
    """A word with a part-of-speech ``role`` (``amazon:VB``, ``amazon:NN``, ...)."""

    TAG = "w"
    CHILDREN = frozenset({"break", "emphasis", "phoneme", "prosody", "say-as", "sub"})
    role: str | None = attribute("role")
