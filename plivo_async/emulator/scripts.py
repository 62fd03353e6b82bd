"""Per-destination scripts: how the person (or machine) at a number behaves in a call flow.

A test tells the emulator what happens at each destination: whether the call is answered
by a person or a machine, is busy, or rings out, and what the callee "presses" or "says"
each time a ``<GetDigits>``/``<GetInput>`` waits for input::

    emu.flows.scripts["+14155550101"] = Script(inputs=["1"])            # presses 1
    emu.flows.scripts["+14155550102"] = Script(inputs=[Speech("sales")]) # says "sales"
    emu.flows.scripts["+14155550103"] = Script(answer="busy")
    emu.scripts["+14155550104"] = Script(ring_s=12, talk_s=95)         # answers after 12 s

``greeting`` (an :class:`~plivo_async.emulator.amd.Greeting`) is what the callee says on
answering, so answering-machine detection decides with the call's tuning parameters
(see :mod:`plivo_async.emulator.amd`); without one, ``answer="machine"`` is detected::

    emu.scripts["+14155550105"] = Script(greeting=Greeting.spoken("Hi, this is Sam, leave..."))

``ring_s`` (seconds of ringing before the answer; for ``no-answer``, before the ring-out;
for ``busy``, before the busy signal, default 0) and ``talk_s`` (how long the callee stays
on once answered) replace the emulator's :class:`~plivo_async.emulator.Lifecycle` for that
destination. Scripts apply to every call the emulator places (``emu.scripts``, the same
object as ``emu.flows.scripts``), with or without ``flows=True``; inputs only matter to a
call flow.

Inputs are consumed in order, one per input element (a retry of ``<GetDigits>`` takes the
next one); when they run out, the callee stays silent. Every call to a destination starts
its script from the first input. A destination without a script answers and stays silent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .amd import Greeting, verdict

__all__ = ["AnswerMode", "Digits", "Input", "Script", "Scripts", "Silence", "Speech"]

AnswerMode = Literal["human", "machine", "busy", "no-answer"]
_MODES = ("human", "machine", "busy", "no-answer")


@dataclass(frozen=True, slots=True)
class Digits:
    """Keys pressed (``"1"``, ``"1234#"``)."""

    value: str


@dataclass(frozen=True, slots=True)
class Speech:
    """Words said, with the recogniser's confidence."""

    text: str
    confidence: float = 0.9


@dataclass(frozen=True, slots=True)
class Silence:
    """Nothing: the input element times out."""


Input = Digits | Speech | Silence


def _as_input(item: Input | str | None) -> Input:
    if item is None:
        return Silence()
    if isinstance(item, str):
        return Digits(item)
    if isinstance(item, (Digits, Speech, Silence)):
        return item
    raise TypeError(f"script input must be Digits, Speech, Silence, str or None, not {item!r}")


@dataclass(frozen=True)
class Script:
    """One destination's behaviour. ``inputs`` items may be given as ``"1"`` (digits) or
    ``None`` (silence) for short."""

    answer: AnswerMode = "human"
    inputs: tuple[Input, ...] = field(default=())
    ring_s: float | None = None
    """Seconds of ringing (None: the lifecycle's ``ringing_s``; 0 for ``busy``)."""
    talk_s: float | None = None
    """Seconds the callee stays on once answered (None: the lifecycle's ``talk_s``)."""
    greeting: Greeting | None = None
    """What machine detection hears on answering (None: ``answer`` decides)."""

    def __init__(
        self,
        answer: AnswerMode = "human",
        inputs: Iterable[Input | str | None] = (),
        *,
        ring_s: float | None = None,
        talk_s: float | None = None,
        greeting: Greeting | None = None,
    ) -> None:
        if answer not in _MODES:
            raise ValueError(f"answer must be one of {', '.join(_MODES)}, not {answer!r}")
        for name, value in (("ring_s", ring_s), ("talk_s", talk_s)):
            if value is not None and not 0 <= value < math.inf:
                raise ValueError(f"{name} must be a finite number of seconds >= 0, or None")
        object.__setattr__(self, "answer", answer)
        object.__setattr__(self, "inputs", tuple(_as_input(i) for i in inputs))
        object.__setattr__(self, "ring_s", ring_s)
        object.__setattr__(self, "talk_s", talk_s)
        if greeting is not None and not isinstance(greeting, Greeting):
            raise TypeError(f"greeting must be a Greeting, not {greeting!r}")
        object.__setattr__(self, "greeting", greeting)

    @property
    def answers(self) -> bool:
        return self.answer in ("human", "machine")

    def detected_as_machine(self, params: dict[str, Any]) -> bool:
        """Whether detection, tuned by the call's ``params``, finds a machine here."""
        if not self.answers:
            return False
        if self.greeting is None:
            return self.answer == "machine"
        return verdict(self.greeting, params) == "machine"

    def play(self) -> Iterator[Input]:
        """The inputs in order, then silence for ever (one iterator per call)."""
        yield from self.inputs
        while True:
            yield Silence()


class Scripts:
    """Scripts by destination (``scripts[to] = Script(...)``); ``default`` for the rest."""

    def __init__(self, default: Script | None = None) -> None:
        self.default = default or Script()
        self._by_destination: dict[str, Script] = {}

    def __setitem__(self, to: str, script: Script) -> None:
        self._by_destination[to] = script

    def __getitem__(self, to: str) -> Script:
        return self._by_destination.get(to, self.default)

    def __bool__(self) -> bool:
        """False while nothing is scripted (every call keeps the lifecycle)."""
        return bool(self._by_destination) or self.default != _PLAIN

    def clear(self) -> None:
        self._by_destination.clear()


_PLAIN = Script()
