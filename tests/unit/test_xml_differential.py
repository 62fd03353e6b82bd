"""Differential test: our XML text equals the official SDK's for the same tree, byte for byte.

Every tree is built twice, once with ``plivo_async.xml`` and once with ``plivo.xml``
(the SDK's element for the same tag, the same attribute values, the same children), and
both serialisations are compared, pretty and compact. Per element every attribute is set
at once; random documents cover nesting (and libxml2's pretty-printing rules).
"""

from __future__ import annotations

from typing import Any

import attrs
import plivo.xml as sdk  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async.xml import Cont, Element, MultiPartyCall, Parent, Speak
from plivo_async.xml.element import SPEC

from ._xml_strategies import TAGS, documents, element

SDK_CLASSES: dict[str, Any] = {
    cls._name: cls
    for cls in vars(sdk).values()
    if isinstance(cls, type) and issubclass(cls, sdk.PlivoXMLElement) and hasattr(cls, "_name")
}
# Where the SDK's keyword differs from ours: Stream takes camelCase, lang takes ``xmllang``.
SDK_KEYWORDS = {("lang", "xml_lang"): "xmllang"}


def sdk_keyword(cls: type[Element], name: str) -> str:
    if cls.TAG == "Stream":
        return str(attrs.fields_dict(cls)[name].metadata[SPEC].xml)
    return SDK_KEYWORDS.get((cls.TAG, name), name)


def to_sdk(element: Element) -> Any:
    """The same tree built with the official SDK."""
    cls = type(element)
    kwargs = {
        sdk_keyword(cls, f.name): getattr(element, f.name)
        for f in attrs.fields(cls)
        if SPEC in f.metadata
    }
    if "content" in attrs.fields_dict(cls):
        kwargs["content"] = element.content  # type: ignore[attr-defined]
    built = SDK_CLASSES[cls.TAG](**kwargs)
    if isinstance(element, Parent):
        for child in element.children:  # type: ignore[attr-defined]
            built.add(to_sdk(child))
    return built


def assert_same(ours: Element) -> None:
    theirs = to_sdk(ours)
    assert ours.to_xml() == theirs.to_string()
    assert str(ours) == theirs.to_string()
    assert ours.to_xml(pretty=False) == theirs.to_string(pretty=False)


def test_every_sdk_element_has_a_counterpart() -> None:
    assert set(SDK_CLASSES) == set(TAGS)


def test_every_sdk_attribute_has_a_counterpart() -> None:
    for tag, cls in TAGS.items():
        sdk_cls = SDK_CLASSES[tag]
        ours = {sdk_keyword(cls, f.name) for f in attrs.fields(cls) if SPEC in f.metadata}
        code = sdk_cls.__init__.__code__
        theirs = set(code.co_varnames[1 : code.co_argcount]) - {"content"}
        assert theirs == ours, tag


@pytest.mark.parametrize("tag", sorted(TAGS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_each_element_with_every_attribute(tag: str, data: st.DataObject) -> None:
    assert_same(data.draw(element(TAGS[tag], depth=1, every=True)))


@settings(max_examples=150, deadline=None)
@given(documents())
def test_random_documents(document: Element) -> None:
    assert_same(document)


def test_text_escaping_and_layout_examples() -> None:
    # The shapes libxml2 lays out differently: text then children, children only, cont.
    assert_same(Speak("a\r\n\t&<>\"'", [Cont("tail")]))
    assert_same(Speak("", [Cont("x"), Cont("", [Cont("y")])]))
    assert_same(MultiPartyCall("room", role="Customer", wait_music_method="post"))
