"""Answering-machine detection as the emulator simulates it: a greeting, and the verdict.

A destination's :class:`~plivo_async.emulator.scripts.Script` may say what the callee
sounds like when the call is answered (a :class:`Greeting`: silence, then words). A call
placed with ``machine_detection`` then gets the verdict Plivo's tuning parameters give on
that greeting, the same every time. Plivo's detector is Asterisk's AMD (Plivo's documented
defaults are its defaults), so :func:`verdict` listens as it does, from the answer on:

1. a silence before the first word longer than ``machine_detection_initial_silence``
   (default 4500 ms): ``"unknown"``, no machine is reported;
2. each word in turn: one longer than ``machine_detection_maximum_speech_length``
   (default 5000 ms), more words than ``machine_detection_maximum_words`` (default 3),
   or the words so far longer in all than ``machine_detection_initial_greeting`` (default
   1500 ms): ``"machine"``;
3. a pause after a word longer than ``machine_detection_silence`` (default 800 ms), or the
   greeting's end: ``"human"`` (someone said hello and waits).

Without a greeting, the script's ``answer`` decides, as before: ``"machine"`` is detected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["TUNING", "Greeting", "Verdict", "verdict"]

Verdict = Literal["human", "machine", "unknown"]

TUNING: dict[str, int] = {
    "machine_detection_maximum_speech_length": 5000,
    "machine_detection_initial_silence": 4500,
    "machine_detection_maximum_words": 3,
    "machine_detection_initial_greeting": 1500,
    "machine_detection_silence": 800,
}
"""Plivo's tuning parameters of a call create, with the defaults it documents."""


@dataclass(frozen=True, slots=True)
class Greeting:
    """What the callee says on answering, as the detector hears it (milliseconds).

    ``words`` holds each word's length; ``gap_ms`` is the pause between two words;
    ``initial_silence_ms`` the silence between the answer and the first word.
    :meth:`spoken` makes one from text.
    """

    words: tuple[int, ...]
    gap_ms: int = 200
    initial_silence_ms: int = 0

    def __init__(
        self, words: Iterable[int], *, gap_ms: int = 200, initial_silence_ms: int = 0
    ) -> None:
        lengths = tuple(words)
        for name, value in (("gap_ms", gap_ms), ("initial_silence_ms", initial_silence_ms)):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of milliseconds >= 0")
        if not all(isinstance(n, int) and n > 0 for n in lengths):
            raise ValueError("each word's length must be a whole number of milliseconds > 0")
        object.__setattr__(self, "words", lengths)
        object.__setattr__(self, "gap_ms", gap_ms)
        object.__setattr__(self, "initial_silence_ms", initial_silence_ms)

    @classmethod
    def spoken(
        cls, text: str, *, word_ms: int = 350, gap_ms: int = 200, initial_silence_ms: int = 0
    ) -> Greeting:
        """``text``'s words, ``word_ms`` each: ``Greeting.spoken("Hello?")`` is a person,
        ``Greeting.spoken("Hi, you have reached Sam, leave a message")`` a machine."""
        return cls(
            [word_ms] * len(text.split()), gap_ms=gap_ms, initial_silence_ms=initial_silence_ms
        )


def tuning(params: Mapping[str, Any]) -> dict[str, int]:
    """The call's tuning values: those it was placed with, Plivo's defaults for the rest."""
    return {name: params.get(name) or default for name, default in TUNING.items()}


def verdict(greeting: Greeting, params: Mapping[str, Any]) -> Verdict:
    """What detection with the call's tuning ``params`` decides on ``greeting``."""
    t = tuning(params)
    if greeting.initial_silence_ms > t["machine_detection_initial_silence"]:
        return "unknown"
    spoken = 0
    for count, length in enumerate(greeting.words, 1):
        if length > t["machine_detection_maximum_speech_length"]:
            return "machine"
        if count > t["machine_detection_maximum_words"]:
            return "machine"
        spoken += length
        if spoken > t["machine_detection_initial_greeting"]:
            return "machine"
        if count < len(greeting.words) and greeting.gap_ms > t["machine_detection_silence"]:
            return "human"
    return "human"
