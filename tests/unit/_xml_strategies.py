"""Hypothesis strategies for Plivo XML trees: valid values for every attribute of every element.

Values are drawn from each attribute's own rule (its ``Spec``): choices, integer ranges,
URLs; free text leans on the characters serialisers get wrong (``& < > " ' \\t \\n \\r``,
non-ASCII, astral). ``sdk_only=True`` keeps to trees the official SDK can express (text
only before the first child of an SSML element, ``Cont`` for text after one).
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from plivo_async.xml import Cont, Element, Parent
from plivo_async.xml.element import SPEC, Spec, is_xml_text
from plivo_async.xml.parser import ELEMENTS

TAGS: dict[str, type[Element]] = {**ELEMENTS, "cont": Cont}

_TRICKY = st.sampled_from([*"&<>\"'\t\n\r ;=", "é", "日本", "\U0001f600", "]]>", "&amp;"])
free_text = st.lists(
    st.one_of(_TRICKY, st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))),
    max_size=8,
).map("".join)
_URL_PART = st.text(alphabet="abc09&<>\"'=?/%#;:@!~", max_size=10)
urls = st.builds(
    lambda scheme, path: f"{scheme}://example.com/{path}",
    st.sampled_from(["http", "https"]),
    _URL_PART,
)

# Values for attributes whose rule is a pattern (drawn from what the pattern accepts).
PATTERNED: dict[str, st.SearchStrategy[str]] = {
    "voice": st.sampled_from(["MAN", "WOMAN", "Polly.Joanna", "Polly.Matthew-Neural"]),
    "language": st.sampled_from(["en-US", "fr-FR", "arb", "cmn-CN"]),
    "xml:lang": st.sampled_from(["en-US", "fr-FR", "de-DE"]),
    "validDigits": st.from_regex(r"[0-9*#]{1,5}", fullmatch=True),
    "digitsMatch": st.sampled_from(["1", "*#", "12,3#,*9"]),
    "digitsMatchBLeg": st.sampled_from(["2", "#*", "5,6"]),
    "sendDigits": st.sampled_from(["1", "123#", "1w2W3", "99@500"]),
    "sipHeaders": st.sampled_from(["a=1", "Head1=val1,Head2=val2", "x-y=z"]),
    "callerName": st.text(alphabet="abc XYZ&<'", max_size=50),
    "dialMusic": st.one_of(st.just("real"), urls),
    "enterSound": st.one_of(st.sampled_from(["beep:1", "beep:2", "none"]), urls),
    "exitSound": st.one_of(st.sampled_from(["beep:1", "beep:2", "none"]), urls),
    "statusCallbackEvents": st.sampled_from(
        ["mpc-state-changes", "participant-state-changes,participant-speak-events"]
    ),
    "time": st.sampled_from(["1s", "250ms", "10s"]),
    "volume": st.sampled_from(["loud", "x-soft", "+6dB", "-3.5dB"]),
    "rate": st.sampled_from(["slow", "x-fast", "80%"]),
    "pitch": st.sampled_from(["high", "+10%", "-5.5%"]),
}

CONTENT: dict[str, st.SearchStrategy[str]] = {
    "Play": urls,
    "Redirect": urls,
    "Number": st.from_regex(r"\+?[1-9][0-9]{1,14}", fullmatch=True),
    "User": st.sampled_from(["sip:alice@example.com", "sip:bob@phone.plivo.com"]),
    "DTMF": st.from_regex(r"[0-9*#wW]{1,6}", fullmatch=True),
    "Stream": st.sampled_from(["wss://stream.example.com/a", "ws://localhost:8080/s?x=1&y=2"]),
    # Names: surrounding whitespace is layout to the parser.
    "Conference": free_text.map(str.strip),
    "MultiPartyCall": free_text.map(str.strip),
}


def value(spec: Spec, *, sdk_only: bool = True) -> st.SearchStrategy[Any]:
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "int":
        low = spec.low if spec.low is not None else -5
        high = spec.high if spec.high is not None else low + 100_000
        numbers: st.SearchStrategy[Any] = st.integers(low, high)
        # "auto" is Plivo's; the SDK's setters take integers only.
        return numbers | st.just("auto") if spec.auto and not sdk_only else numbers
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.rule == "must be an absolute http(s) URL":
        return urls
    if spec.xml in PATTERNED:
        return PATTERNED[spec.xml]
    assert not spec.rule, f"no strategy for {spec.xml} ({spec.rule})"
    return free_text


def attributes(
    cls: type[Element], *, every: bool = False, sdk_only: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``cls``: a random subset of its attributes, or ``every`` one."""
    fields = {f.name: f.metadata[SPEC] for f in attrs.fields(cls) if SPEC in f.metadata}
    drawn = {name: value(s, sdk_only=sdk_only) for name, s in fields.items()}
    required = {name: drawn[name] for name, s in fields.items() if every or s.required}
    optional = {name: drawn[name] for name in fields if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def _content(cls: type[Element]) -> st.SearchStrategy[str]:
    return CONTENT.get(cls.TAG, free_text)


@st.composite
def element(
    draw: st.DrawFn,
    cls: type[Element],
    *,
    depth: int = 2,
    every: bool = False,
    sdk_only: bool = True,
) -> Element:
    kwargs = draw(attributes(cls, every=every, sdk_only=sdk_only))
    names = attrs.fields_dict(cls)
    if "content" in names:
        kwargs["content"] = draw(_content(cls))
    if issubclass(cls, Parent):
        allowed = sorted(cls.CHILDREN)
        children: list[Element | str] = []
        if depth > 0:
            kids = st.sampled_from(allowed).flatmap(
                lambda tag: element(TAGS[tag], depth=depth - 1, sdk_only=sdk_only)
            )
            parts = st.one_of(kids, free_text) if cls.MIXED and not sdk_only else kids
            children = draw(st.lists(parts, max_size=3))
        if cls is Cont and not children and not kwargs["content"]:
            kwargs["content"] = "x"
        kwargs["children"] = children
    built = cls(**kwargs)
    assert all(is_xml_text(v) for _, v in built.attributes())
    return built


def documents(*, sdk_only: bool = True, depth: int = 3) -> st.SearchStrategy[Element]:
    from plivo_async.xml import Response

    return element(Response, depth=depth, sdk_only=sdk_only)
