"""A griffe extension: show a method's other names after the real methods, as aliases.

The resources keep second names for some methods (``transfer = update``, the official
SDK's ``live_call_get``, ``Transcriptions.get``). Left alone, griffe sees ``transfer`` as a
class *attribute* and mkdocstrings lists it first, among the real methods, with no text.
This extension, for every class of the package:

* turns a class attribute whose value is another method of the class into a method of its
  own (the real one's signature, labelled ``alias``, documented as "Alias of X");
* labels ``alias`` the methods whose docstring starts with "Alias of" (the SDK's spellings
  with different positional arguments, which cannot be a plain assignment);
* puts the aliases after the real methods, in both orders the reference uses. For
  ``members_order: [__all__, alphabetical]`` (the default in mkdocs.yml) the class gets
  ``exports``: real members alphabetically, then the aliases (griffe reads the ``exports``
  of a module only, for publicness, so a class's list changes nothing else; a class
  without aliases has none and stays alphabetical). For ``members_order: source`` (the
  conference page), each alias's line number is moved past the end of the class, keeping
  the aliases in their source order (``show_source`` is off, so no line is shown wrong).

Configured in mkdocs.yml after ``RstRoles`` (whose cross-references the docstrings here
already use)::

    extensions:
      - docs/_griffe/aliases.py:Aliases
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import griffe

#: The label that marks an alias (rendered next to ``async``), and what a check looks for.
LABEL = "alias"
#: A docstring that declares its method an alias, before or after RstRoles rewrote it.
DECLARED = re.compile(r"\s*Alias of (?::meth:`~?(?P<role>[\w.]+)`|\[`(?P<ref>\w+)`\])")


def _classes(obj: griffe.Object) -> Iterator[griffe.Class]:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            yield member
        if isinstance(member, (griffe.Module, griffe.Class)):
            yield from _classes(member)


class Aliases(griffe.Extension):
    """Document methods' second names as aliases of the real method, after the real ones."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for cls in list(_classes(pkg)):
            aliases = [self._replace(cls, name) for name in list(cls.members)]
            names = sorted(name for name in aliases if name is not None)
            for name, member in cls.members.items():
                if name not in names and _declared_target(member) is not None:
                    member.labels.add(LABEL)
                    names.append(name)
            if not names:
                continue
            real = sorted(name for name in cls.members if name not in names)
            cls.exports = [*real, *sorted(names)]
            last = cls.endlineno or max(m.endlineno or 0 for m in cls.members.values())
            by_line = sorted(names, key=lambda n: cls.members[n].lineno or 0)
            for offset, name in enumerate(by_line, start=1):
                member = cls.members[name]
                member.lineno = member.endlineno = last + offset

    @staticmethod
    def _replace(cls: griffe.Class, name: str) -> str | None:
        """Turn ``name = other_method`` into a method documented as an alias; its name."""
        member = cls.members[name]
        if member.is_alias or not isinstance(member, griffe.Attribute):
            return None
        target = cls.members.get(str(member.value))
        if target is None or target.is_alias or not isinstance(target, griffe.Function):
            return None
        text = f"Alias of [`{target.name}`][{target.path}]: the same method, under another name."
        docstring = target.docstring
        method = griffe.Function(
            name,
            lineno=member.lineno,
            endlineno=member.endlineno,
            # Copies: a Function takes ownership of its parameters (parameter.function).
            parameters=griffe.Parameters(*(copy.copy(p) for p in target.parameters)),
            returns=target.returns,
            decorators=target.decorators,
            docstring=griffe.Docstring(
                text,
                lineno=member.lineno,
                parser=docstring.parser if docstring else None,
                parser_options=docstring.parser_options if docstring else None,
            ),
        )
        method.labels = {*target.labels, LABEL}
        del cls.members[name]
        cls.set_member(name, method)
        return name


def _declared_target(member: griffe.Object | griffe.Alias) -> str | None:
    if member.is_alias or not isinstance(member, griffe.Function) or member.docstring is None:
        return None
    match = DECLARED.match(member.docstring.value)
    return None if match is None else (match["role"] or match["ref"])
