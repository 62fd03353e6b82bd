"""Serialisation: the exact text the official SDK's ``to_string()`` produces.

The SDK serialises with lxml (libxml2). To be byte-compatible without lxml this module
reproduces its choices: no XML declaration; attributes in declaration order; ``&``, ``<``,
``>`` and ``"`` escaped in attributes along with tab, newline and carriage return; ``&``,
``<``, ``>`` and carriage return escaped in text; empty elements self-closed as ``<Wait/>``.
Pretty printing is libxml2's: children go on their own lines, indented two spaces per
level, unless the element holds text, in which case nothing inside it is re-indented (the
words of a ``<Speak>`` are never changed); the document ends with a newline. The SDK's
``<cont>`` helper element (text after an SSML child) is written as a space on each side of
its text, as the SDK's final string replacement does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["INDENT", "Node", "escape_attribute", "escape_text", "write"]


class Node(Protocol):
    """What the writer reads of an element (:class:`~plivo_async.xml.element.Element` is
    one): the writer sits below the elements and does not import them."""

    @property
    def TAG(self) -> str: ...  # the elements' class constant

    @property
    def text(self) -> str: ...

    @property
    def body(self) -> Sequence[Node | str]: ...

    def attributes(self) -> list[tuple[str, str]]: ...


_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)
INDENT = "  "
_CONT = "cont"


def escape_text(text: str) -> str:
    return text.translate(_TEXT)


def escape_attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE)


def write(element: Node, *, pretty: bool = True) -> str:
    """``element`` and everything inside it as XML text."""
    out: list[str] = []
    _write(element, out, 0, pretty)
    if pretty:
        out.append("\n")
    return "".join(out)


def _write(element: Node, out: list[str], level: int, pretty: bool) -> None:
    text, body = element.text, [part for part in element.body if part != ""]
    cont = element.TAG == _CONT
    if not text and not body:
        attributes = "".join(f' {k}="{escape_attribute(v)}"' for k, v in element.attributes())
        out.append(f"<{element.TAG}{attributes}/>")
        return
    if cont:
        out.append(" ")
    else:
        attributes = "".join(f' {k}="{escape_attribute(v)}"' for k, v in element.attributes())
        out.append(f"<{element.TAG}{attributes}>")
    # libxml2 indents an element's children only when it holds no text at all.
    indent = pretty and not text and not any(isinstance(part, str) for part in body)
    out.append(escape_text(text))
    for part in body:
        if isinstance(part, str):
            out.append(escape_text(part))
            continue
        if indent:
            out.append("\n" + INDENT * (level + 1))
        _write(part, out, level + 1, indent)
    if indent:
        out.append("\n" + INDENT * level)
    out.append(" " if cont else f"</{element.TAG}>")
