"""Read a Plivo XML document written elsewhere into the typed tree, validating it.

The document goes through the same checks as one built in Python: an unknown element or
attribute, a bad value or a child where it may not sit raises
:class:`~plivo_async.errors.ValidationError` naming the element. ``str(parse(text))`` is
the canonical form of ``text``: attributes in the SDK's order, defaults written out,
insignificant whitespace between verbs dropped, the words of ``<Speak>`` kept as they are.

Input is untrusted (a document fetched from someone's answer URL): a DOCTYPE, and with it
every entity declaration, is refused outright, so neither external entities nor entity
expansion ("billion laughs") can happen; size and nesting depth are bounded.
"""

from __future__ import annotations

import re
from typing import Any, cast
from xml.parsers import expat

import attrs

from plivo_async.errors import ValidationError
from plivo_async.xml import elements, ssml
from plivo_async.xml.element import AUTO, Element, Parent, Spec, specs
from plivo_async.xml.writer import INDENT as _INDENT

__all__ = ["ELEMENTS", "MAX_DEPTH", "MAX_DOCUMENT_CHARS", "parse"]

#: Larger documents are refused before parsing (a real answer document is a few KB).
MAX_DOCUMENT_CHARS = 1_000_000
#: Deeper nesting is refused (real documents nest a handful of levels).
MAX_DEPTH = 64

#: Every element a document may hold, by tag. (The SDK's ``<cont>`` is not XML Plivo reads.)
ELEMENTS: dict[str, type[Element]] = {
    cls.TAG: cls
    for module in (elements, ssml)
    for cls in (getattr(module, name) for name in module.__all__)
    if isinstance(cls, type) and issubclass(cls, Element) and cls.TAG and cls is not ssml.Cont
}

# Elements whose text is a URL, number, address or name: surrounding whitespace is layout.
_STRIPPED = frozenset(
    {"Play", "Redirect", "Number", "User", "Stream", "DTMF", "Conference", "MultiPartyCall"}
)
#: Longer integers are refused before ``int()`` (which refuses over 4,300 digits itself).
_INT_RE = re.compile(r"[+-]?[0-9]{1,40}")


@attrs.define
class _Node:
    tag: str
    attributes: list[str]
    text: str = ""
    parts: list[_Node | str] = attrs.Factory(list)


def _invalid(where: str, rule: str) -> ValidationError:
    return ValidationError(f"{where}: {rule}", field=where, rule=rule)


def _refuse(*_args: Any) -> int:
    raise _invalid("document", "DOCTYPE and entity declarations are not allowed")


def _read(text: str | bytes) -> _Node:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise _invalid("document", f"is longer than {MAX_DOCUMENT_CHARS} characters")
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    stack: list[_Node] = []
    roots: list[_Node] = []

    def start(tag: str, attributes: list[str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _invalid(tag, f"nested deeper than {MAX_DEPTH} levels")
        node = _Node(tag, attributes)
        (stack[-1].parts if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if not stack:
            return
        node = stack[-1]
        if node.parts:
            last = node.parts[-1]
            if isinstance(last, str):
                node.parts[-1] = last + data
            else:
                node.parts.append(data)
        else:
            node.text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(text, True)
    except ValidationError:
        raise
    except expat.ExpatError as exc:
        raise _invalid("document", f"is not well-formed XML ({exc})") from None
    except (ValueError, LookupError) as exc:  # a lone surrogate, an encoding expat lacks
        raise _invalid("document", f"cannot be read ({type(exc).__name__}: {exc})") from None
    return roots[0]


def parse(text: str | bytes) -> elements.Response:
    """A ``<Response>`` document as the typed tree; ``ValidationError`` if it is invalid."""
    root = _read(text)
    if root.tag != "Response":
        raise _invalid(root.tag, "the document element must be <Response>")
    return cast(elements.Response, _build(root, "document", 0))


def _build(node: _Node, parent: str, level: int) -> Element:
    cls = ELEMENTS.get(node.tag)
    if cls is None:
        raise _invalid(node.tag, f"unknown element (inside {parent})")
    kwargs = _attributes(cls, node)
    if issubclass(cls, Parent):
        if cls.MIXED and not _indented(node, level):
            kwargs["content"] = node.text
            kwargs["children"] = [
                part if isinstance(part, str) else _build(part, cls.TAG, level + 1)
                for part in node.parts
            ]
        else:
            _no_text(cls, node.text, *(p for p in node.parts if isinstance(p, str)))
            kwargs["children"] = [
                _build(p, cls.TAG, level + 1) for p in node.parts if isinstance(p, _Node)
            ]
    else:
        nested = [p for p in node.parts if isinstance(p, _Node)]
        if nested:
            raise _invalid(cls.TAG, f"may not hold elements (got <{nested[0].tag}>)")
        text = node.text + "".join(p for p in node.parts if isinstance(p, str))
        if "content" in attrs.fields_dict(cls):
            kwargs["content"] = text.strip() if cls.TAG in _STRIPPED else text
        else:
            _no_text(cls, text)
    return cls(**kwargs)


def _indented(node: _Node, level: int) -> bool:
    """Whether the only text of an element that holds words is ``str()``'s indentation.

    ``str()`` indents the children of an element that has no text, a ``<Speak>`` of
    SSML only included, as the SDK does; that layout is not words, and reading it back as
    text would not give the same tree. (A tree whose text is exactly that indentation
    writes the same bytes, so it reads back without it.)
    """
    inner, outer = "\n" + _INDENT * (level + 1), "\n" + _INDENT * level
    parts = node.parts
    return (
        node.text == inner
        and len(parts) >= 2
        and parts[-1] == outer
        and all(isinstance(p, _Node) for p in parts[:-1:2])
        and all(p == inner for p in parts[1:-1:2])
        and len(parts) % 2 == 0
    )


def _no_text(cls: type[Element], *texts: str) -> None:
    for text in texts:
        if text.strip():
            raise _invalid(cls.TAG, f"may not hold text (got {text.strip()!r})")


def _attributes(cls: type[Element], node: _Node) -> dict[str, Any]:
    known = specs(cls)
    # A missing required attribute reaches the element's own check ("is required").
    kwargs: dict[str, Any] = {field: None for field, spec in known.values() if spec.required}
    pairs = node.attributes
    for name, raw in zip(pairs[::2], pairs[1::2], strict=True):
        if name not in known:
            raise _invalid(f"{cls.TAG}.{name}", "unknown attribute")
        field, spec = known[name]
        kwargs[field] = _value(cls, spec, raw)
    return kwargs


def _value(cls: type[Element], spec: Spec, raw: str) -> Any:
    if spec.kind == "int":
        if spec.auto and raw == AUTO:
            return raw
        if not _INT_RE.fullmatch(raw):
            shown = raw if len(raw) <= 50 else f"{raw[:50]}... ({len(raw)} characters)"
            raise _invalid(f"{cls.TAG}.{spec.xml}", f"must be an integer (got {shown!r})")
        return int(raw)
    if spec.kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise _invalid(f"{cls.TAG}.{spec.xml}", f"must be true or false (got {raw!r})")
        return raw.lower() == "true"
    return raw
