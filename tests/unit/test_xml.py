"""Building Plivo XML: values and nesting are checked when built; errors name element and field."""

from __future__ import annotations

from typing import Any

import pytest

from plivo_async.errors import ValidationError
from plivo_async.xml import (
    Break,
    Cont,
    Dial,
    GetDigits,
    GetInput,
    Hangup,
    MultiPartyCall,
    Number,
    Play,
    PreAnswer,
    Record,
    Response,
    SayAs,
    Speak,
    Stream,
    User,
    Wait,
    parse,
)


def test_a_menu_reads_like_the_document() -> None:
    document = Response(
        [
            GetDigits(
                [Speak("Press 1 for sales")],
                action="https://example.com/menu",
                method="post",
                num_digits=1,
            ),
            Hangup(),
        ]
    )
    assert str(document) == (
        "<Response>\n"
        '  <GetDigits action="https://example.com/menu" method="POST" numDigits="1">\n'
        "    <Speak>Press 1 for sales</Speak>\n"
        "  </GetDigits>\n"
        "  <Hangup/>\n"
        "</Response>\n"
    )


def test_add_checks_and_chains() -> None:
    dial = Dial(action="https://example.com/dialled").add(Number("+14155550100"))
    dial.add(User("sip:alice@example.com"))
    assert [child.content for child in dial.children] == ["+14155550100", "sip:alice@example.com"]
    with pytest.raises(ValidationError) as err:
        dial.add(Speak("hi"))
    assert err.value.field == "Dial"
    assert "Speak is not allowed inside Dial" in str(err.value)


@pytest.mark.parametrize(
    ("build", "field", "rule"),
    [
        (lambda: GetDigits(num_digits=0), "GetDigits.numDigits", "must be an integer >= 1"),
        (lambda: GetDigits(timeout=True), "GetDigits.timeout", "must be an integer"),
        (lambda: GetDigits(action="ftp://x"), "GetDigits.action", "absolute http(s) URL"),
        (lambda: GetDigits(method="PUT"), "GetDigits.method", "must be one of 'GET', 'POST'"),
        (lambda: GetDigits(finish_on_key="ab"), "GetDigits.finishOnKey", "must be one of"),
        (lambda: GetDigits(valid_digits="12a"), "GetDigits.validDigits", "digits, '*' and '#'"),
        (lambda: GetInput(input_type="voice"), "GetInput.inputType", "must be one of"),
        (lambda: GetInput(execution_timeout=61), "GetInput.executionTimeout", "from 5 to 60"),
        (lambda: Wait(silence="yes"), "Wait.silence", "must be a boolean"),
        (lambda: Play("not a url"), "Play.text", "absolute http(s) URL"),
        (lambda: Number("555-0100"), "Number.text", "phone number"),
        (lambda: User("alice"), "User.text", "SIP URI"),
        (lambda: Dial(caller_name="x" * 51), "Dial.callerName", "at most 50"),
        (lambda: Hangup(reason="bored"), "Hangup.reason", "must be one of"),
        (lambda: Record(file_format="ogg"), "Record.fileFormat", "must be one of"),
        (lambda: Speak("hi", voice="ROBOT"), "Speak.voice", "Polly"),
        (lambda: Speak("a\x00b"), "Speak.text", "XML text"),
        (lambda: Break(time="soon"), "break.time", "duration"),
        (lambda: SayAs("1", interpret_as="roman"), "say-as.interpret-as", "must be one of"),
        (lambda: Stream("https://x.example"), "Stream.text", "ws://"),
        (lambda: MultiPartyCall("room", role="boss"), "MultiPartyCall.role", "must be one of"),
        (
            lambda: MultiPartyCall("room", role="agent", max_duration=299),
            "MultiPartyCall.maxDuration",
            "300 to 28800",
        ),
        (lambda: Cont(), "cont", "needs text or children"),
    ],
)
def test_bad_values_name_the_element_and_attribute(build: Any, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as err:
        build()
    assert err.value.field == field
    assert rule in str(err.value)
    assert field in str(err.value)


def test_role_is_required() -> None:
    with pytest.raises(TypeError):
        MultiPartyCall("room")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match=r"MultiPartyCall\.role: is required"):
        MultiPartyCall("room", role=None)  # type: ignore[arg-type]


def test_assignment_is_checked_too() -> None:
    digits = GetDigits()
    with pytest.raises(ValidationError, match=r"GetDigits\.retries"):
        digits.retries = 0
    speak = Speak("x")
    with pytest.raises(ValidationError, match="Wait is not allowed inside Speak"):
        speak.children = [Wait()]  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        (Response(), Number("+14155550100")),
        (GetDigits(), Hangup()),
        (PreAnswer(), Dial()),
        (Speak("x"), Speak("y")),
        (Response(), "text"),
    ],
)
def test_wrong_nesting(parent: Any, child: Any) -> None:
    with pytest.raises(ValidationError) as err:
        parent.add(child)
    assert err.value.field == parent.TAG


def test_bare_child_and_mixed_text() -> None:
    assert Response(Hangup()).children == [Hangup()]
    speak = Speak("Your code is ", [SayAs("12", interpret_as="digits"), ". Bye."])
    assert speak.to_xml(pretty=False) == (
        '<Speak>Your code is <say-as interpret-as="digits">12</say-as>. Bye.</Speak>'
    )
    with pytest.raises(ValidationError, match=r"Speak\.text"):
        speak.add("\x07")


def test_methods_and_choices_are_normalised() -> None:
    mpc = MultiPartyCall("room", role="Agent", wait_music_method="get", record_file_format="WAV")
    assert (mpc.role, mpc.wait_music_method, mpc.record_file_format) == ("agent", "GET", "wav")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.append(Wait()),
        lambda c: c.append("\x00"),
        lambda c: c.extend(["ok", "\x00"]),
        lambda c: c.insert(0, Wait()),
        lambda c: c.__setitem__(0, Wait()),
        lambda c: c.__setitem__(slice(0, 1), ["ok", Wait()]),
        lambda c: c.__iadd__([Wait()]),
    ],
)
def test_children_cannot_be_changed_around_the_checks(mutate: Any) -> None:
    speak = Speak("x", [Break()])
    with pytest.raises(ValidationError):
        mutate(speak.children)
    assert speak.children == [Break()]
    assert parse(str(Response([speak]))) == Response([speak])


def test_children_added_through_the_list_are_checked_and_kept() -> None:
    response = Response()
    response.children.append(Hangup())
    response.children += [Wait()]
    response.children.insert(0, Speak("hi"))
    assert response.children == [Speak("hi"), Hangup(), Wait()]
    with pytest.raises(ValidationError, match="str is not allowed inside Response"):
        response.children.append("text")  # type: ignore[arg-type]


def test_copies_keep_their_children_guarded() -> None:
    import copy
    import pickle

    response = Response([Speak("hi")])
    for twin in (
        copy.copy(response),
        copy.deepcopy(response),
        pickle.loads(pickle.dumps(response)),
    ):
        assert twin == response
        with pytest.raises(ValidationError):
            twin.children.append("text")  # type: ignore[arg-type]
