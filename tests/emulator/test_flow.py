"""The call-flow runner element by element, and what happens when answer URLs fail.

A small loopback app serves raw documents by path (so invalid ones too) and records what
the emulator sent; calls are placed through the emulator's API on a ManualClock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async.emulator import Emulator, Lifecycle, ManualClock, Script, Speech
from plivo_async.emulator.scripts import Digits, Scripts, Silence
from plivo_async.webhooks import validate_signature_v3

from ._helpers import Api, auth_header

FROM, TO, AGENT = "+14155550100", "+14155550101", "+14155550199"


class Docs:
    """Serves ``pages[name] = (status, body)`` at ``/name``; records each request."""

    def __init__(self, auth_token: str) -> None:
        self.pages: dict[str, tuple[int, str]] = {}
        self.seen: list[tuple[str, str, dict[str, Any], bool]] = []
        self.token = auth_token
        self.app = web.Application()
        self.app.router.add_route("*", "/{name}", self.handle)
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        params = dict(await request.post()) if request.method == "POST" else dict(request.query)
        signed = validate_signature_v3(
            request.method,
            str(request.url),
            params if request.method == "POST" else {},
            request.headers["X-Plivo-Signature-V3-Nonce"],
            request.headers["X-Plivo-Signature-V3"],
            self.token,
        )
        name = request.match_info["name"]
        self.seen.append((request.method, name, params, signed))
        status, body = self.pages.get(name, (404, "not found"))
        return web.Response(status=status, text=body, content_type="application/xml")

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"


@pytest.fixture
async def setup() -> AsyncIterator[tuple[Emulator, Docs]]:
    clock = ManualClock()
    life = Lifecycle(ringing_s=1.0, talk_s=300.0)
    async with Emulator(flows=True, clock=clock, sleep=clock.sleep, lifecycle=life) as emu:
        docs = Docs(emu.auth_token)
        async with TestServer(docs.app, host="127.0.0.1") as server:
            docs.base = str(server.make_url("")).rstrip("/")
            yield emu, docs


async def place(emu: Emulator, to: str = TO, **body: Any) -> str:
    async with (
        aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http,
        http.post(Api(emu).calls, json={"from": FROM, "to": to, **body}) as resp,
    ):
        assert resp.status == 201, await resp.text()
        uuid: str = (await resp.json())["request_uuid"]
    await emu.flows.drain()
    return uuid


def doc(*body: str) -> tuple[int, str]:
    return 200, "<Response>" + "".join(body) + "</Response>"


def last(emu: Emulator, kind: str, to: str = TO) -> dict[str, Any]:
    return [s.detail for s in emu.flows.steps if s.to == to and s.kind == kind][-1]


async def test_fallback_url_when_answer_url_fails(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    docs.pages["answer"] = (500, "oops")
    docs.pages["fallback"] = doc("<Speak>Fallback</Speak>")
    await place(emu, answer_url=docs.url("answer"), fallback_url=docs.url("fallback"))
    assert emu.flows.path(TO) == ["answer", "fallback", "Speak", "hangup"]
    assert [(m, n, ok) for m, n, _, ok in docs.seen] == [
        ("POST", "answer", True),
        ("POST", "fallback", True),
    ]


@pytest.mark.parametrize(
    ("answer", "fallback", "kinds", "cause"),
    [
        (doc("<Speek>typo</Speek>"), None, ["answer", "invalid", "hangup"], "Invalid Answer XML"),
        ((404, "no"), (503, "down"), ["answer", "fallback", "hangup"], "Answer URL Unreachable"),
        ((200, "<Response>"), None, ["answer", "invalid", "hangup"], "Invalid Answer XML"),
    ],
)
async def test_unusable_documents_hang_up_with_source_error(
    setup: tuple[Emulator, Docs],
    answer: tuple[int, str],
    fallback: tuple[int, str] | None,
    kinds: list[str],
    cause: str,
) -> None:
    emu, docs = setup
    docs.pages["answer"] = answer
    extra = {}
    if fallback is not None:
        docs.pages["fallback"] = fallback
        extra["fallback_url"] = docs.url("fallback")
    uuid = await place(emu, answer_url=docs.url("answer"), **extra)
    assert emu.flows.path(TO) == kinds
    assert last(emu, "hangup") == {"cause": cause, "source": "Error"}
    call = emu.call(uuid)
    assert call is not None and call.is_over(emu.clock()) and call.hangup_source == "Error"


async def test_any_invalid_document_goes_to_fallback_url(setup: tuple[Emulator, Docs]) -> None:
    """An integer int() refuses (over 4,300 digits) is an invalid document like any other."""
    emu, docs = setup
    docs.pages["answer"] = doc("<Wait length='" + "1" * 5000 + "'/>")
    docs.pages["fallback"] = doc("<Speak>Fallback</Speak>")
    await place(emu, answer_url=docs.url("answer"), fallback_url=docs.url("fallback"))
    assert emu.flows.path(TO) == ["answer", "invalid", "fallback", "Speak", "hangup"]
    assert last(emu, "hangup")["cause"] == "End Of XML Instructions"


async def test_unreachable_and_non_loopback_answer_urls(setup: tuple[Emulator, Docs]) -> None:
    emu, _docs = setup
    await place(emu, answer_url="http://127.0.0.1:1/answer", fallback_url="https://example.com/x")
    answer, fallback = (s.detail for s in emu.flows.steps if s.kind in ("answer", "fallback"))
    assert "Error" in answer["error"]  # a connection error, as text
    assert fallback["error"] == "not a loopback URL"
    assert last(emu, "hangup")["cause"] == "Answer URL Unreachable"


async def test_redirect_get_and_record(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    docs.pages["answer"] = doc(f'<Redirect method="GET">{docs.url("two")}</Redirect>')
    docs.pages["two"] = doc(
        f'<Record action="{docs.url("recorded")}" callbackUrl="{docs.url("cb")}" maxLength="3"/>'
    )
    docs.pages["recorded"] = doc("<Hangup/>")
    docs.pages["cb"] = (200, "")
    uuid = await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == [
        "answer", "Redirect", "redirect", "Record", "callback", "action", "Hangup", "hangup",
    ]  # fmt: skip
    method, name, params, signed = docs.seen[1]
    assert (method, name, params["CallUUID"], signed) == ("GET", "two", uuid, True)
    recorded = docs.seen[-1][2]
    assert recorded["RecordingDuration"] == "3"
    assert recorded["RecordUrl"].endswith(".mp3")
    assert docs.seen[2][2]["RecordingID"] == recorded["RecordingID"]


async def test_get_input_speech_and_digits(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(inputs=[Speech("sales", confidence=0.75), Digits("42#")])
    prompt = "<Speak>Say or press</Speak>"
    action = docs.url("heard")
    docs.pages["answer"] = doc(
        f'<GetInput action="{action}" inputType="speech" redirect="false">{prompt}</GetInput>',
        f'<GetInput action="{action}" inputType="dtmf">{prompt}</GetInput>',
    )
    docs.pages["heard"] = doc("<Speak>Thanks</Speak>")
    await place(emu, answer_url=docs.url("answer"))
    heard = [p for _, name, p, _ in docs.seen if name == "heard"]
    assert (heard[0]["InputType"], heard[0]["Speech"]) == ("speech", "sales")
    assert heard[0]["SpeechConfidenceScore"] == "0.75"
    assert (heard[1]["InputType"], heard[1]["Digits"]) == ("dtmf", "42")
    assert emu.flows.path(TO)[-3:] == ["action", "Speak", "hangup"]


async def test_get_input_without_matching_input_goes_on(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(inputs=[Digits("1")])
    docs.pages["answer"] = doc(
        '<GetInput inputType="speech" executionTimeout="10"/>',
        "<Play>http://x.example/a.mp3</Play>",
    )
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == ["answer", "GetInput", "input", "Play", "hangup"]
    assert last(emu, "input") == {"heard": None}


async def test_conference_and_mpc_stay_until_the_call_ends(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    docs.pages["answer"] = doc("<Conference>Room 1</Conference><Speak>never</Speak>")
    docs.pages["mpc"] = doc('<MultiPartyCall role="customer">mpc1</MultiPartyCall>')
    uuid = await place(emu, answer_url=docs.url("answer"))
    await place(emu, to=AGENT, answer_url=docs.url("mpc"))
    assert emu.flows.path(TO) == ["answer", "Conference", "hangup"]
    assert emu.flows.path(AGENT) == ["answer", "MultiPartyCall", "hangup"]
    assert last(emu, "Conference") == {"room": "Room 1"}
    assert last(emu, "hangup") == {"cause": "NORMAL_CLEARING", "source": "Callee"}
    call = emu.call(uuid)
    assert call is not None and call.end_at - call.answer_at == 300.0


async def test_scheduled_hangup(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    docs.pages["answer"] = doc('<Hangup schedule="5"/><Wait length="60"/>')
    uuid = await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == ["answer", "Hangup", "Wait", "hangup"]
    call = emu.call(uuid)
    assert call is not None and call.end_at - call.answer_at == pytest.approx(5.0)
    assert call.hangup_source == "Answer XML"


@pytest.mark.parametrize(("mode", "status"), [("no-answer", "no-answer"), ("busy", "busy")])
async def test_unanswered_calls_never_fetch(
    setup: tuple[Emulator, Docs], mode: Any, status: str
) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer=mode)
    uuid = await place(emu, answer_url=docs.url("answer"), ring_timeout=20)
    assert emu.flows.path(TO) == ["hangup"]
    assert docs.seen == []
    call = emu.call(uuid)
    assert call is not None and call.status(emu.clock() + 100) == status


@pytest.mark.parametrize(("agent", "status"), [("busy", "busy"), ("no-answer", "no-answer")])
async def test_dial_nobody_answers(setup: tuple[Emulator, Docs], agent: Any, status: str) -> None:
    emu, docs = setup
    emu.flows.scripts[AGENT] = Script(answer=agent)
    docs.pages["answer"] = doc(
        f'<Dial action="{docs.url("dialled")}" timeout="10"><Number>{AGENT}</Number></Dial>'
    )
    docs.pages["dialled"] = doc("<Speak>Nobody there</Speak>")
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == ["answer", "Dial", "bridge", "action", "Speak", "hangup"]
    dialled = docs.seen[-1][2]
    assert (dialled["DialStatus"], dialled["DialBLegUUID"]) == (status, "")
    [b_leg] = [c for c in emu.calls if c.to == AGENT]
    assert b_leg.is_over(emu.clock())


async def test_dial_first_to_answer_wins(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    other = "+14155550198"
    emu.flows.scripts[other] = Script(answer="no-answer")
    numbers = f"<Number>{other}</Number><User>sip:alice@example.com</User><Number>{AGENT}</Number>"
    docs.pages["answer"] = doc(f'<Dial callerId="+14155550111" timeLimit="7">{numbers}</Dial>')
    await place(emu, answer_url=docs.url("answer"))
    assert last(emu, "Dial")["numbers"] == [other, "sip:alice@example.com", AGENT]
    bridge = last(emu, "bridge")
    assert bridge["to"] == "sip:alice@example.com"  # the first that answers (ties: first)
    legs = [c for c in emu.calls if c.to != TO]
    assert {c.from_ for c in legs} == {"+14155550111"}
    assert all(c.is_over(emu.clock()) for c in legs)
    assert emu.dialled_counts()[AGENT] == 1


async def test_the_other_elements(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer="machine", inputs=["5"])
    docs.pages["answer"] = doc(
        "<PreAnswer><Speak>early</Speak></PreAnswer>",
        '<Stream bidirectional="false">wss://s.example/a</Stream>',
        '<Message dst="+14155550102">hello</Message>',
        '<DTMF>12w</DTMF><DTMF async="true">9</DTMF>',
        '<Speak loop="2"><s>one</s> two</Speak>',
        f'<GetDigits action="{docs.url("x")}" redirect="false"/>',
        "<Wait/>",
    )
    docs.pages["x"] = (500, "ignored")
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == [
        "machine", "answer", "PreAnswer", "Speak", "Stream", "Message", "DTMF", "DTMF", "Speak",
        "GetDigits", "input", "action", "Wait", "hangup",
    ]  # fmt: skip
    assert last(emu, "Speak") == {"text": "one two"}
    assert last(emu, "Stream")["modelled"] is False


async def test_stream_keeping_the_call_alive_and_endless_play(
    setup: tuple[Emulator, Docs],
) -> None:
    emu, docs = setup
    docs.pages["answer"] = doc('<Stream keepCallAlive="true">wss://s.example/a</Stream>')
    docs.pages["play"] = doc('<Play loop="0">http://x.example/a.mp3</Play><Hangup/>')
    await place(emu, answer_url=docs.url("answer"))
    await place(emu, to=AGENT, answer_url=docs.url("play"))
    assert emu.flows.path(TO) == ["answer", "Stream", "hangup"]
    assert emu.flows.path(AGENT) == ["answer", "Play", "hangup"]


async def test_action_failure_ends_the_call(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(inputs=["1"])
    docs.pages["answer"] = doc(f'<GetDigits action="{docs.url("gone")}"/>')
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == ["answer", "GetDigits", "input", "action", "hangup"]
    assert last(emu, "hangup") == {"cause": "Answer URL Unreachable", "source": "Error"}


async def test_flows_off_and_reset(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    docs.pages["answer"] = doc("<Hangup/>")
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.steps
    emu.reset()
    assert emu.flows.steps == []
    async with Emulator() as plain:
        with pytest.raises(RuntimeError, match="flows=True"):
            _ = plain.flows


def test_scripts() -> None:
    scripts = Scripts(default=Script(inputs=["1"]))
    scripts[TO] = Script(inputs=[None, Digits("2"), Speech("hi")])
    assert scripts[TO].inputs == (Silence(), Digits("2"), Speech("hi"))
    assert scripts["+1999"].inputs == (Digits("1"),)
    played = scripts[TO].play()
    assert [next(played) for _ in range(5)][3:] == [Silence(), Silence()]
    scripts.clear()
    assert scripts[TO] is scripts.default
    with pytest.raises(ValueError, match="answer must be one of"):
        Script(answer="maybe")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="script input"):
        Script(inputs=[3])  # type: ignore[list-item]


@pytest.mark.parametrize(("mode", "kinds"), [
    ("true", ["machine", "machine_detection", "answer", "Speak", "hangup"]),
    ("hangup", ["machine", "machine_detection", "hangup"]),
])  # fmt: skip
async def test_machine_detection(setup: tuple[Emulator, Docs], mode: str, kinds: list[str]) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer="machine")
    docs.pages["answer"] = doc("<Speak>Leave a message</Speak>")
    docs.pages["amd"] = (200, "")
    await place(
        emu,
        answer_url=docs.url("answer"),
        machine_detection=mode,
        machine_detection_url=docs.url("amd"),
    )
    assert emu.flows.path(TO) == kinds
    [amd] = [p for _, name, p, _ in docs.seen if name == "amd"]
    assert (amd["Machine"], amd["Event"]) == ("true", "MachineDetection")


async def test_a_machine_nobody_asked_about_hears_the_document(
    setup: tuple[Emulator, Docs],
) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer="machine")
    docs.pages["answer"] = doc("<Speak>Hello</Speak>")
    await place(emu, answer_url=docs.url("answer"))
    assert emu.flows.path(TO) == ["machine", "answer", "Speak", "hangup"]


async def test_dial_legs_are_recorded_as_dial_not_as_placed(setup: tuple[Emulator, Docs]) -> None:
    emu, docs = setup
    second = "+14155550102"
    docs.pages["answer"] = doc(f"<Dial><Number>{AGENT}</Number></Dial>")
    for to in (TO, second):  # two callers, each bridged to the same agent
        await place(emu, to=to, answer_url=docs.url("answer"))
    assert [(c.to, c.source) for c in emu.history.calls] == [
        (TO, "api"),
        (AGENT, "dial"),
        (second, "api"),
        (AGENT, "dial"),
    ]
    assert [c.to for c in emu.history.placed()] == [c.to for c in emu.placed_calls] == [TO, second]
    assert emu.duplicates() == {}  # the client dialled nobody twice; the XML did
    assert emu.dialled_counts()[AGENT] == 2
    assert emu.dialled_counts(placed_only=True) == {TO: 1, second: 1}
    assert [c.source for c in emu.calls] == ["api", "dial", "api", "dial"]
