"""parse(): documents from anywhere into the typed tree, validated; canonical round trips."""

from __future__ import annotations

import plivo.xml as sdk  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings

from plivo_async.errors import ValidationError
from plivo_async.xml import (
    Dial,
    GetDigits,
    Hangup,
    Number,
    Response,
    Speak,
    parse,
)
from plivo_async.xml import parser as parse_module
from plivo_async.xml.element import Element

from ._xml_strategies import documents

# Documents as Plivo's XML reference shows them (hand-written: declaration, layout, case).
DOCS_EXAMPLES = [
    """<?xml version="1.0" encoding="UTF-8"?>
<Response>
    <Speak voice="WOMAN" language="en-US" loop="3">Hello, world!</Speak>
</Response>""",
    """<Response>
    <GetDigits action="https://www.foo.com/gather_pin/" method="POST" numDigits="4"
               retries="1" timeout="10" finishOnKey="#" validDigits="0123456789">
        <Speak>Enter your 4-digit pin number, followed by the hash key</Speak>
    </GetDigits>
    <Speak>Input not received. Goodbye.</Speak>
</Response>""",
    """<Response>
  <Dial callerId="+15671234567" timeout="20" action="https://example.com/dial_status/"
        method="GET" dialMusic="real">
    <Number sendDigits="wwww2410">15671234567</Number>
    <User>sip:alice1234@phone.plivo.com</User>
  </Dial>
</Response>""",
    """<Response>
  <Record action="https://www.foo.com/get_recording/" maxLength="30" finishOnKey="*"
          playBeep="true" fileFormat="mp3" transcriptionType="auto"/>
  <Conference startConferenceOnEnter="true" endConferenceOnExit="false"
              waitSound="https://example.com/wait.mp3">My Room</Conference>
  <MultiPartyCall role="Agent" maxDuration="1800">MPC_room</MultiPartyCall>
  <PreAnswer><Speak>This call may be recorded</Speak></PreAnswer>
  <Play loop="2">https://s3.amazonaws.com/plivocloud/music.mp3</Play>
  <Wait length="10" beep="TRUE"/>
  <DTMF async="false">12345</DTMF>
  <Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=8000">wss://stream.example.com/audio</Stream>
  <Redirect method="GET">https://example.com/next</Redirect>
  <Hangup reason="busy" schedule="60"/>
</Response>""",
    """<Response>
  <Speak voice="Polly.Joanna">
    <prosody rate="slow" volume="+6dB">Hello</prosody><break time="1s"/>
    <lang xml:lang="fr-FR">Bonjour</lang> and <emphasis level="strong">welcome</emphasis>,
    <say-as interpret-as="digits">1234</say-as><sub alias="World Wide Web Consortium">W3C</sub>
    <p><s>One.</s><s>Two <w role="amazon:VB">read</w>.</s></p>
    <phoneme alphabet="ipa" ph="p\u026a\u02c8k\u0251\u02d0n">pecan</phoneme>
  </Speak>
</Response>""",
]


@pytest.mark.parametrize("text", DOCS_EXAMPLES)
def test_docs_examples_round_trip(text: str) -> None:
    document = parse(text)
    canonical = str(document)
    assert str(parse(canonical)) == canonical
    assert canonical.startswith("<Response>")


def test_canonical_form_of_a_hand_written_document() -> None:
    document = parse(DOCS_EXAMPLES[2])
    assert document == Response(
        [
            Dial(
                [Number("15671234567", send_digits="wwww2410"), parse_user()],
                caller_id="+15671234567",
                timeout=20,
                action="https://example.com/dial_status/",
                method="GET",
                dial_music="real",
            )
        ]
    )


def parse_user() -> Element:
    from plivo_async.xml import User

    return User("sip:alice1234@phone.plivo.com")


def test_sdk_output_parses_back_to_itself() -> None:
    r = sdk.ResponseElement()
    g = sdk.GetDigitsElement(action="https://example.com/m?a=1&b=2", num_digits=1, redirect=True)
    g.add(sdk.SpeakElement("Press 1 & stay <on>"))
    r.add(g)
    s = sdk.SpeakElement("")
    s.add(sdk.BreakElement(time="1s"))
    s.add(sdk.ContElement("then"))
    r.add(s)
    r.add(sdk.MultiPartyCallElement("room", role="customer"))
    text = r.to_string()
    assert str(parse(text)) == text


@settings(max_examples=200, deadline=None)
@given(documents(sdk_only=False))
def test_round_trip(document: Response) -> None:
    for pretty in (True, False):
        text = document.to_xml(pretty=pretty)
        assert parse(text).to_xml(pretty=pretty) == text


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("<Response><Foo/></Response>", "Foo", "unknown element (inside Response)"),
        ("<Speak>hi</Speak>", "Speak", "document element must be <Response>"),
        ("<Response><Wait length='x'/></Response>", "Wait.length", "must be an integer"),
        ("<Response><Wait beep='yes'/></Response>", "Wait.beep", "must be true or false"),
        ("<Response><Wait length='0'/></Response>", "Wait.length", "must be an integer >= 1"),
        ("<Response><Wait colour='red'/></Response>", "Wait.colour", "unknown attribute"),
        ("<Response><Number>+14155550100</Number></Response>", "Response", "not allowed"),
        ("<Response><GetDigits><Dial/></GetDigits></Response>", "GetDigits", "Dial is not"),
        ("<Response>hello</Response>", "Response", "may not hold text"),
        ("<Response><Hangup>now</Hangup></Response>", "Hangup", "may not hold text"),
        ("<Response><Play>http://x/<b/></Play></Response>", "Play", "may not hold elements"),
        ("<Response><Speak><cont>x</cont></Speak></Response>", "cont", "unknown element"),
        ("<Response><Play>nope</Play></Response>", "Play.text", "absolute http(s) URL"),
        ("<Response>", "document", "not well-formed"),
        ("", "document", "not well-formed"),
        ("<Response><MultiPartyCall>r</MultiPartyCall></Response>", "MultiPartyCall.role", ""),
    ],
)
def test_invalid_documents_name_the_element(text: str, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse(text)
    assert err.value.field == field
    assert rule in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        # billion laughs
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<Response><Speak>&lol2;</Speak></Response>",
        # external entity
        '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Response><Speak>&xxe;</Speak></Response>',
        '<!DOCTYPE Response SYSTEM "http://example.com/evil.dtd"><Response/>',
        "<!DOCTYPE Response><Response/>",
    ],
)
def test_doctype_and_entities_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="DOCTYPE") as err:
        parse(text)
    assert err.value.field == "document"


def test_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(ValidationError, match="not well-formed"):
        parse("<Response><Speak>&nope;</Speak></Response>")


def test_size_and_depth_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_DOCUMENT_CHARS", 100)
    with pytest.raises(ValidationError, match="longer than 100"):
        parse("<Response>" + " " * 100 + "</Response>")
    monkeypatch.undo()
    deep = "<Response><Speak>" + "<prosody>" * 70 + "x" + "</prosody>" * 70 + "</Speak></Response>"
    with pytest.raises(ValidationError, match="nested deeper than 64"):
        parse(deep)


def test_bytes_with_a_declared_encoding() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Speak>caf\xe9</Speak></Response>'
    document = parse(text.encode("latin-1"))
    assert document == Response([Speak("café")])
    assert parse(b"<Response><Hangup/><!-- note --></Response>") == Response([Hangup()])


def test_parsed_documents_are_typed() -> None:
    document = parse(DOCS_EXAMPLES[1])
    menu = document.children[0]
    assert isinstance(menu, GetDigits)
    assert (menu.num_digits, menu.retries, menu.finish_on_key) == (4, 1, "#")
