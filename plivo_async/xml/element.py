"""The machinery every Plivo XML element shares: typed attributes, children, checks.

An element is an attrs class. Each XML attribute is a keyword-only field made by
:func:`attribute`, which records the XML name (``digitTimeout`` for ``digit_timeout``),
the kind of value (text, integer, boolean) and the rule it must follow; the rule runs when
the element is built and on every assignment, so a document that exists is a valid one.
Children are checked against the tag names the element may hold (the official SDK's
``_nestable`` lists), when built and when :meth:`Parent.add` appends one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import Any, ClassVar, Literal, SupportsIndex, TypeVar

import attrs

from plivo_async.errors import ValidationError
from plivo_async.validation import is_http_url
from plivo_async.xml.writer import write

__all__ = [
    "AUTO",
    "Children",
    "Element",
    "Kind",
    "Parent",
    "Spec",
    "as_children",
    "attribute",
    "check_children",
    "children_field",
    "content_field",
    "field_name",
    "is_xml_text",
]

Kind = Literal["text", "int", "bool"]
#: The value of an ``auto`` integer attribute that leaves the choice to Plivo.
AUTO = "auto"
_P = TypeVar("_P", bound="Parent")

# XML 1.0 Char: tab, newline, carriage return and everything from U+0020 except surrogates
# and U+FFFE/U+FFFF. The official SDK (lxml) refuses the rest with a ValueError.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def is_xml_text(value: object) -> bool:
    """A string an XML document can carry (no control characters, no lone surrogates)."""
    return isinstance(value, str) and _NOT_XML_CHAR.search(value) is None


@attrs.frozen
class Spec:
    """What the XML side knows about one attribute: its name, kind and rule."""

    xml: str
    kind: Kind
    rule: str
    check: Callable[[Any], bool]
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    required: bool = False
    auto: bool = False
    """An integer that also takes ``"auto"`` (Plivo then decides, its default)."""


SPEC = "plivo_async.xml.spec"


def field_name(element: type[Element] | Element, name: str) -> str:
    """``GetDigits.numDigits``: how errors name an attribute (element and XML name)."""
    tag = element.TAG
    return f"{tag}.{name}"


def _fail(inst: Element, name: str, rule: str, value: object) -> ValidationError:
    where = field_name(inst, name)
    return ValidationError(f"{where}: {rule} (got {value!r})", field=where, rule=rule)


def _validate_attribute(inst: Element, attribute: attrs.Attribute[Any], value: Any) -> None:
    spec: Spec = attribute.metadata[SPEC]
    if value is None:
        if spec.required:
            raise _fail(inst, spec.xml, "is required", value)
        return
    if spec.auto and value == AUTO:
        return
    if not _KIND_CHECKS[spec.kind](value):
        auto = f" or {AUTO!r}" if spec.auto else ""
        raise _fail(inst, spec.xml, f"must be {_KIND_TEXT[spec.kind]}{auto}", value)
    if not spec.check(value):
        raise _fail(inst, spec.xml, spec.rule, value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_KIND_CHECKS: dict[Kind, Callable[[Any], bool]] = {
    "text": is_xml_text,
    "int": _is_int,
    "bool": lambda v: isinstance(v, bool),
}
_KIND_TEXT: dict[Kind, str] = {
    "text": "XML text (a string without control characters)",
    "int": "an integer",
    "bool": "a boolean",
}


def _always(_value: Any) -> bool:
    return True


def attribute(
    xml: str,
    kind: Kind = "text",
    *,
    rule: str = "",
    check: Callable[[Any], bool] = _always,
    choices: Collection[str] = (),
    low: int | None = None,
    high: int | None = None,
    url: bool = False,
    default: Any = None,
    required: bool = False,
    auto: bool = False,
    converter: Callable[[Any], Any] | None = None,
) -> Any:
    """A keyword-only XML attribute: ``None`` leaves it out of the document.

    ``choices`` (a closed list of values), ``low``/``high`` (an integer range), ``url``
    (an absolute http(s) URL) or a free ``check`` with its ``rule`` text; ``required``
    makes it a mandatory keyword argument; ``auto`` lets an integer be ``"auto"`` too.
    """
    if choices:
        allowed = tuple(choices)
        rule = rule or "must be one of " + ", ".join(repr(c) for c in allowed)
        check = _in(allowed) if check is _always else check
    elif url:
        rule, check = "must be an absolute http(s) URL", is_http_url
    elif low is not None or high is not None:
        rule, check = _range(low, high)
    if auto:
        rule = f"{rule}, or {AUTO!r}"
    spec = Spec(xml, kind, rule, check, tuple(choices), low, high, required, auto)
    return attrs.field(
        default=attrs.NOTHING if required else default,
        kw_only=True,
        converter=converter,
        validator=_validate_attribute,
        metadata={SPEC: spec},
    )


def _in(allowed: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda v: v in allowed


def _range(low: int | None, high: int | None) -> tuple[str, Callable[[Any], bool]]:
    if high is None:
        return f"must be an integer >= {low}", lambda v: v >= low
    if low is None:
        return f"must be an integer <= {high}", lambda v: v <= high
    return f"must be an integer from {low} to {high}", lambda v: low <= v <= high


def _validate_content(inst: Element, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_xml_text(value):
        raise _fail(inst, "text", _KIND_TEXT["text"], value)
    rule = type(inst).CONTENT_RULE
    if rule is not None and not rule[1](value):
        raise _fail(inst, "text", rule[0], value)


def content_field(default: str | None = None, *, strip: bool = False) -> Any:
    """The element's text (a URL for Play, a number for Number, words for Speak);
    ``strip``: a name, whose surrounding whitespace is layout and is dropped."""
    return attrs.field(
        default=attrs.NOTHING if default is None else default,
        converter=_strip if strip else None,
        validator=_validate_content,
    )


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def as_children(items: Iterable[Any], owner: Any) -> Children:
    """Children as a :class:`Children` list of ``owner`` (attrs converter)."""
    if isinstance(items, (str, Element)):
        items = [items]  # one child given bare: Response(Speak("hi")) works too
    return Children(items, owner)


def children_field() -> Any:
    """The ``children`` of a :class:`Parent`: a :class:`Children` list, checked when built,
    assigned or added to."""
    return attrs.field(
        factory=list,
        converter=attrs.Converter(as_children, takes_self=True),
        validator=check_children,
    )


class Children(list[Any]):
    """An element's children: a list that checks whatever is added to it.

    Every way in (``append``, ``extend``, ``insert``, ``+=``, item and slice assignment)
    goes through the element's :meth:`Parent.check_child`, so no document can hold what
    :func:`str` would write as XML that no parser accepts.
    """

    __slots__ = ("_owner",)

    def __init__(self, items: Iterable[Any] = (), owner: Parent | None = None) -> None:
        super().__init__()
        self._owner = owner
        self.extend(items)

    def _checked(self, items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if self._owner is not None:
            for item in items:
                self._owner.check_child(item)
        return items

    def append(self, item: Any) -> None:
        super().extend(self._checked([item]))

    def extend(self, items: Iterable[Any]) -> None:
        super().extend(self._checked(items))

    def insert(self, index: SupportsIndex, item: Any) -> None:
        super().insert(index, *self._checked([item]))

    def __iadd__(self, items: Iterable[Any]) -> Children:  # type: ignore[misc]
        self.extend(items)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            super().__setitem__(index, self._checked(value))
        else:
            super().__setitem__(index, *self._checked([value]))

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle: the items, and the owner as state (a copy stays guarded).
        return (Children, (), self._owner, iter(list(self)))

    def __setstate__(self, owner: Parent | None) -> None:
        self._owner = owner


def check_children(inst: Parent, _attribute: attrs.Attribute[Any], value: list[Any]) -> None:
    """Every child may sit in ``inst`` (attrs validator)."""
    for child in value:
        inst.check_child(child)


@attrs.define
class Element:
    """One Plivo XML element. ``str(element)`` is its XML, as the official SDK writes it."""

    #: The XML tag.
    TAG: ClassVar[str] = ""
    #: A rule for the text: (rule text, predicate); ``None`` for free text.
    CONTENT_RULE: ClassVar[tuple[str, Callable[[str], bool]] | None] = None

    def attributes(self) -> list[tuple[str, str]]:
        """The XML attributes that are set, in the official SDK's order, as wire strings."""
        out = []
        for field in attrs.fields(type(self)):
            spec = field.metadata.get(SPEC)
            value = getattr(self, field.name)
            if spec is not None and value is not None:
                out.append((spec.xml, wire(value)))
        return out

    @property
    def text(self) -> str:
        """The element's leading text (``""`` when it has none)."""
        content = getattr(self, "content", "")
        return content if isinstance(content, str) else ""

    @property
    def body(self) -> list[Element | str]:
        """Children and text segments after the leading text (empty for a leaf)."""
        return list(getattr(self, "children", ()))

    def to_xml(self, *, pretty: bool = True) -> str:
        """The document text; ``pretty`` indents as the SDK's ``to_string()`` does."""
        return write(self, pretty=pretty)

    def __str__(self) -> str:
        return self.to_xml()


@attrs.define
class Parent(Element):
    """An element that holds others. ``add`` appends one (checked) and returns ``self``."""

    #: Tags this element may hold (the SDK's ``_nestable``).
    CHILDREN: ClassVar[frozenset[str]] = frozenset()
    #: Whether plain text may sit between children (SSML inside Speak).
    MIXED: ClassVar[bool] = False

    def check_child(self, child: object) -> None:
        """Raise ``ValidationError`` unless ``child`` may sit inside this element."""
        if isinstance(child, str) and self.MIXED:
            if not is_xml_text(child):
                raise _fail(self, "text", _KIND_TEXT["text"], child)
            return
        tag = child.TAG if isinstance(child, Element) else type(child).__name__
        if not isinstance(child, Element) or tag not in self.CHILDREN:
            rule = self.refusal(tag)
            raise ValidationError(f"{self.TAG}: {rule}", field=self.TAG, rule=rule)

    @classmethod
    def refusal(cls, tag: str) -> str:
        """The rule a child ``tag`` that may not sit here breaks."""
        allowed = ", ".join(sorted(cls.CHILDREN)) or "nothing"
        return f"{tag} is not allowed inside {cls.TAG} (allowed: {allowed})"

    def add(self: _P, child: Element | str) -> _P:
        """Append ``child`` after checking it may sit here; returns ``self`` for chaining."""
        self.check_child(child)
        children: list[Any] = getattr(self, "children")  # noqa: B009 - declared per subclass
        children.append(child)
        return self


def wire(value: str | int | bool) -> str:
    """An attribute value as the SDK writes it: booleans ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def specs(cls: type[Element]) -> dict[str, tuple[str, Spec]]:
    """XML attribute name -> (Python field name, spec), for parsing and tests."""
    return {
        f.metadata[SPEC].xml: (f.name, f.metadata[SPEC])
        for f in attrs.fields(cls)
        if SPEC in f.metadata
    }
