"""parse(): any invalid document is a ValidationError, whatever part of it is wrong;
``str()`` then ``parse()`` is the same tree."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from plivo_async.errors import ValidationError
from plivo_async.xml import Conference, MultiPartyCall, Response, Speak, parse
from plivo_async.xml.element import Element, Parent
from plivo_async.xml.ssml import Break, Emphasis

from ._xml_strategies import documents

INVALID = [
    "<Response><Speak>\ud800</Speak></Response>",  # a lone surrogate
    b"<?xml version='1.0' encoding='x-nope'?><Response/>",  # an unknown encoding
    b"<?xml version='1.0' encoding='utf-7'?><Response/>",  # a multi-byte one expat refuses
    "<Response><Wait length='" + "1" * 5000 + "'/></Response>",  # over int()'s 4,300 digits
    "<Response><Wait length='-" + "9" * 4301 + "'/></Response>",
    b"<Response><Speak>\xff</Speak></Response>",
]


@pytest.mark.parametrize("text", INVALID)
def test_every_invalid_document_is_a_validation_error(text: str | bytes) -> None:
    with pytest.raises(ValidationError) as err:
        parse(text)
    assert err.value.field


_VALID = documents(sdk_only=False).map(lambda d: d.to_xml(pretty=False))


@st.composite
def _mangled(draw: st.DrawFn) -> str | bytes:
    text = draw(_VALID)
    at = draw(st.integers(0, len(text)))
    insert = draw(
        st.one_of(
            st.text(max_size=6),
            st.sampled_from(
                ["\ud800", "\udfff", "<", "&", "'", '"', "1" * 4400, "<x>", "</Speak>"]
            ),
        )
    )
    mangled = text[:at] + insert + text[at + draw(st.integers(0, 3)) :]
    if draw(st.booleans()):
        return mangled
    encoding = draw(st.sampled_from(["utf-8", "utf-7", "x-nope", "latin-1", "utf-16", "ascii"]))
    head = f"<?xml version='1.0' encoding='{encoding}'?>"
    return (head + mangled).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None)
@given(_mangled())
def test_parse_raises_nothing_but_validation_error(text: str | bytes) -> None:
    with contextlib.suppress(ValidationError):
        parse(text)


def test_room_names_keep_no_surrounding_spaces_either_way() -> None:
    for tree in (
        Response([Conference(" room ")]),
        Response([MultiPartyCall(" room ", role="Agent")]),
    ):
        assert parse(str(tree)) == tree
        assert tree.children[0].content == "room"  # type: ignore[attr-defined]


def test_a_speak_of_only_ssml_reads_back_without_layout_text() -> None:
    tree = Response([Speak("", children=[Break(time="1s"), Emphasis("hi")])])
    assert parse(str(tree)) == tree
    assert parse(tree.to_xml(pretty=False)) == tree


def _indentation_only(element: Element, level: int = 0) -> bool:
    """Text that is exactly ``str()``'s indentation of the element's children: the same
    bytes as no text (see ``parser._indented``), so such a tree reads back without it."""
    inner, outer = "\n" + "  " * (level + 1), "\n" + "  " * level
    body = element.body
    if (
        isinstance(element, Parent)
        and element.MIXED
        and element.text == inner
        and len(body) >= 2
        and len(body) % 2 == 0
        and body[-1] == outer
        and all(isinstance(p, Element) for p in body[:-1:2])
        and all(p == inner for p in body[1:-1:2])
    ):
        return True
    return any(_indentation_only(p, level + 1) for p in body if isinstance(p, Element))


_WHITESPACE = st.text(alphabet=" \t\n\r", min_size=1, max_size=4)


@st.composite
def _trees(draw: st.DrawFn) -> Response:
    """Random documents with room names and SSML text made of whitespace too."""
    tree = draw(documents(sdk_only=False))
    for element in _walk(tree):
        if isinstance(element, (Conference, MultiPartyCall)) and draw(st.booleans()):
            element.content = draw(_WHITESPACE) + "room" + draw(_WHITESPACE)
        if isinstance(element, Parent) and element.MIXED and draw(st.booleans()):
            element.add(draw(_WHITESPACE))
    for element in _walk(tree):
        _canonical(element)
    return tree


def _canonical(element: Element) -> None:
    """Text parts in the one form a document has: none empty, no two adjacent, the
    leading one as ``content`` (``Speak("a", ["b", ""])`` writes what ``Speak("ab")`` does)."""
    if not (isinstance(element, Parent) and element.MIXED):
        return
    parts: list[Element | str] = []
    for part in element.body:
        if isinstance(part, str) and parts and isinstance(parts[-1], str):
            parts[-1] += part
        elif part != "":
            parts.append(part)
    if parts and isinstance(parts[0], str):
        element.content = element.text + parts.pop(0)  # type: ignore[attr-defined]
    element.children = parts  # type: ignore[attr-defined]


def _walk(element: Element) -> list[Element]:
    found = [element]
    for part in element.body:
        if isinstance(part, Element):
            found += _walk(part)
    return found


@settings(max_examples=300, deadline=None)
@given(_trees(), st.booleans())
def test_str_then_parse_is_the_same_tree(tree: Response, pretty: bool) -> None:
    assume(not any(p.TAG == "cont" for p in _walk(tree)))  # the SDK's helper is not XML
    assume(not _indentation_only(tree))
    assert parse(tree.to_xml(pretty=pretty)) == tree
