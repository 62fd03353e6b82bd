"""Read a Plivo XML document written elsewhere into the typed tree, validating it.

The document goes through the same checks as one built in Python: an unknown element or
attribute, a bad value or a child where it may not sit raises
:class:`~plivo_async.errors.ValidationError` naming the element. ``str(parse(text))`` is
the canonical form of ``text``: attributes in the SDK's order, defaults written out,
insignificant whitespace between verbs dropped, the words of ``<Speak>`` kept as they are.

Input is untrusted (a document fetched from someone's answer URL): a DOCTYPE, and with it
every entity declaration, is refused outright, so neither external entities nor entity
expansion ("billion laughs") can happen; size and nesting depth are bounded.

``parse(text, strict=False)`` reads as much as it can instead of stopping at the first
problem: it returns a :class:`~plivo_async.xml.problems.Parsed`, the tree and every problem
with its line, column, element, attribute, rule and the value found (what
``plivo-async xml check`` prints).
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast, overload
from xml.parsers import expat

import attrs

from plivo_async.errors import ValidationError
from plivo_async.xml import elements, ssml
from plivo_async.xml.element import AUTO, Element, Parent, Spec, specs
from plivo_async.xml.problems import Parsed, Problem
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
    line: int = 1
    column: int = 1
    text: str = ""
    parts: list[_Node | str] = attrs.Factory(list)


def _invalid(where: str, rule: str) -> ValidationError:
    return ValidationError(f"{where}: {rule}", field=where, rule=rule)


def _refuse(*_args: Any) -> int:
    raise _invalid("document", "DOCTYPE and entity declarations are not allowed")


class _Reader:
    """Reads one document: ``strict`` raises on the first problem, else records each."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.problems: list[Problem] = []

    def report(
        self,
        at: tuple[int, int],
        element: str,
        attribute: str | None,
        rule: str,
        got: Any = None,
        *,
        error: ValidationError | None = None,
    ) -> None:
        """One problem at ``at`` (line, column): raised as ``error`` (default: the
        element and attribute, then the rule) when strict, else recorded."""
        if self.strict:
            raise error or _invalid(
                element if attribute is None else f"{element}.{attribute}", rule
            )
        line, column = at
        self.problems.append(
            Problem(
                line=line, column=column, element=element, attribute=attribute, rule=rule, got=got
            )
        )

    # -- the text --------------------------------------------------------------------

    def read(self, text: str | bytes) -> _Node | None:
        if len(text) > MAX_DOCUMENT_CHARS:
            self.report((1, 1), "document", None, f"is longer than {MAX_DOCUMENT_CHARS} characters")
            return None
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
            where = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
            node = _Node(tag, attributes, *where)
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
        at = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        try:
            parser.Parse(text, True)
        except ValidationError as exc:  # a DOCTYPE, too deep
            at = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
            element, _, attribute = (exc.field or "document").partition(".")
            self.report(at, element, attribute or None, exc.rule or str(exc), error=exc)
            return None
        except expat.ExpatError as exc:
            rule = f"is not well-formed XML ({exc})"
            self.report((exc.lineno, exc.offset + 1), "document", None, rule)
            return None
        except (ValueError, LookupError) as exc:  # a lone surrogate, an encoding expat lacks
            rule = f"cannot be read ({type(exc).__name__}: {exc})"
            self.report(at, "document", None, rule)
            return None
        return roots[0]

    # -- the tree --------------------------------------------------------------------

    def document(self, root: _Node) -> elements.Response | None:
        if root.tag == "Response":
            return cast(elements.Response, self.build(root, "document", 0))
        self.report(
            (root.line, root.column), root.tag, None, "the document element must be <Response>"
        )
        # Read leniently, a fragment (<MultiPartyCall .../>) is shown in a Response.
        element = self.build(root, "document", 0)
        if element is None or element.TAG not in elements.Response.CHILDREN:
            return None
        return elements.Response(children=[element])

    def build(self, node: _Node, parent: str, level: int) -> Element | None:
        at = (node.line, node.column)
        cls = ELEMENTS.get(node.tag)
        if cls is None:
            self.report(at, node.tag, None, f"unknown element (inside {parent})")
            return None
        kwargs, broken = self.attributes(cls, node)
        if issubclass(cls, Parent):
            if cls.MIXED and not _indented(node, level):
                kwargs["content"] = node.text
                parts = [
                    p if isinstance(p, str) else (p, self.build(p, cls.TAG, level + 1))
                    for p in node.parts
                ]
            else:
                self.no_text(cls, at, node.text, *(p for p in node.parts if isinstance(p, str)))
                parts = [
                    (p, self.build(p, cls.TAG, level + 1))
                    for p in node.parts
                    if isinstance(p, _Node)
                ]
            kwargs["children"] = self.children(cls, parts)
        else:
            nested = [p for p in node.parts if isinstance(p, _Node)]
            if nested:
                tag = nested[0].tag
                error = _invalid(cls.TAG, f"may not hold elements (got <{tag}>)")
                self.report(at, cls.TAG, None, "may not hold elements", f"<{tag}>", error=error)
            text = node.text + "".join(p for p in node.parts if isinstance(p, str))
            if "content" in attrs.fields_dict(cls):
                kwargs["content"] = text.strip() if cls.TAG in _STRIPPED else text
            else:
                self.no_text(cls, at, text)
        if self.strict:
            return cls(**kwargs)
        return self.lenient(cls, at, kwargs, broken)

    def children(self, cls: type[Parent], parts: list[Any]) -> list[Element | str]:
        """The children that may sit in ``cls`` (strict: all were checked on the way)."""
        kept: list[Element | str] = []
        for part in parts:
            if isinstance(part, str):
                kept.append(part)
                continue
            node, child = part
            if child is None:
                continue
            if not self.strict and child.TAG not in cls.CHILDREN:
                self.report((node.line, node.column), cls.TAG, None, cls.refusal(child.TAG))
                continue
            kept.append(child)
        return kept

    def lenient(
        self, cls: type[Element], at: tuple[int, int], kwargs: dict[str, Any], broken: set[str]
    ) -> Element | None:
        """``cls(**kwargs)`` keeping values that break their rule, each one reported."""
        with attrs.validators.disabled():
            try:
                element = cls(**kwargs)
            except ValidationError as exc:  # a rule of the whole element (an empty <cont/>)
                self.report(at, cls.TAG, None, exc.rule or str(exc))
                return None
        for field in attrs.fields(cls):
            if field.validator is None or field.name in broken:
                continue
            value = getattr(element, field.name)
            try:
                field.validator(element, field, value)
            except ValidationError as exc:
                _, _, attribute = (exc.field or "").partition(".")
                self.report(at, cls.TAG, attribute or None, exc.rule or str(exc), value)
        return element

    def no_text(self, cls: type[Element], at: tuple[int, int], *texts: str) -> None:
        for text in texts:
            if text.strip():
                error = _invalid(cls.TAG, f"may not hold text (got {text.strip()!r})")
                self.report(at, cls.TAG, None, "may not hold text", text.strip(), error=error)
                return

    def attributes(self, cls: type[Element], node: _Node) -> tuple[dict[str, Any], set[str]]:
        """The keyword arguments, and the fields whose text is no value of their kind."""
        known = specs(cls)
        at = (node.line, node.column)
        # A missing required attribute reaches the element's own check ("is required").
        kwargs: dict[str, Any] = {field: None for field, spec in known.values() if spec.required}
        broken: set[str] = set()
        pairs = node.attributes
        for name, raw in zip(pairs[::2], pairs[1::2], strict=True):
            if name not in known:
                self.report(at, cls.TAG, name, "unknown attribute", raw)
                continue
            field, spec = known[name]
            value, rule = _value(spec, raw)
            if rule is not None:
                shown = raw if len(raw) <= 50 else f"{raw[:50]}... ({len(raw)} characters)"
                error = _invalid(f"{cls.TAG}.{spec.xml}", f"{rule} (got {shown!r})")
                self.report(at, cls.TAG, spec.xml, rule, raw, error=error)
                broken.add(field)
            kwargs[field] = value
        return kwargs, broken


@overload
def parse(text: str | bytes, strict: Literal[True] = True) -> elements.Response: ...
@overload
def parse(text: str | bytes, strict: Literal[False]) -> Parsed: ...
@overload
def parse(text: str | bytes, strict: bool) -> elements.Response | Parsed: ...


def parse(text: str | bytes, strict: bool = True) -> elements.Response | Parsed:
    """A ``<Response>`` document as the typed tree; ``ValidationError`` if it is invalid.

    ``strict=False``: a :class:`Parsed` (``document, problems``) with every problem
    instead; the document is ``None`` only when the text is no XML that can be read.
    """
    reader = _Reader(strict=strict)
    root = reader.read(text)
    document = None if root is None else reader.document(root)
    if strict:
        return cast(elements.Response, document)
    problems = sorted(reader.problems, key=lambda p: (p.line, p.column))  # stable
    return Parsed(document, problems)


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


def _value(spec: Spec, raw: str) -> tuple[Any, str | None]:
    """The attribute's value, or ``raw`` and the rule it breaks when it is none."""
    if spec.kind == "int":
        if spec.auto and raw == AUTO:
            return raw, None
        if not _INT_RE.fullmatch(raw):
            return raw, "must be an integer"
        return int(raw), None
    if spec.kind == "bool":
        if raw.lower() not in ("true", "false"):
            return raw, "must be true or false"
        return raw.lower() == "true", None
    return raw, None
