"""A griffe extension: render the library's reST-flavoured docstrings as Markdown.

The docstrings use a few Sphinx idioms (``:class:`~a.b.C```, ``:meth:`create```, a
paragraph ending in ``::`` before a literal block, ``\\ `` after a role). mkdocstrings
renders Markdown, so this rewrites them when griffe loads the package:

* a role whose target resolves to a public object of a documented module becomes an
  autorefs cross-reference (``[`C`][a.b.C]``), so ``mkdocs build --strict`` checks it;
* any other role (a private helper, an object outside the reference) becomes plain code;
* ``::`` at the end of a paragraph becomes ``:`` (the indented block stays a code block);
* the reST escaped space ``\\ `` is dropped.

Configured in mkdocs.yml with the modules the reference renders::

    extensions:
      - docs/_griffe/rst_roles.py:RstRoles:
          documented: [plivo_async.client, ...]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|meth|func|data|attr|mod|exc|obj):`(?P<tilde>~?)(?P<target>[^`]+)`")
LITERAL = re.compile(r"::[ \t]*\n(?=[ \t]*\n)")


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if member.is_alias:
            continue
        yield from _walk(member)  # type: ignore[arg-type]


class RstRoles(griffe.Extension):
    """Rewrite reST roles and literal-block markers in every docstring of a package."""

    def __init__(self, documented: list[str] | None = None) -> None:
        super().__init__()
        self.documented = tuple(documented or ())

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        objects = list(_walk(pkg))
        by_name: dict[str, list[griffe.Object]] = {}
        for obj in objects:
            by_name.setdefault(obj.name, []).append(obj)
        for obj in objects:
            if obj.docstring is None:
                continue
            text = obj.docstring.value
            text = ROLE.sub(lambda m, o=obj: self._role(m, o, pkg, by_name), text)
            text = LITERAL.sub(":\n", text)
            text = text.replace("``\\ ", "``")
            obj.docstring.value = text

    # -- resolution ------------------------------------------------------------------------

    def _role(
        self,
        match: re.Match[str],
        obj: griffe.Object,
        pkg: griffe.Module,
        by_name: dict[str, list[griffe.Object]],
    ) -> str:
        target = match["target"].strip()
        shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
        path = self._resolve(target, obj, pkg, by_name)
        if path is None or not self._is_documented(path):
            return f"`{shown}`"
        return f"[`{shown}`][{path}]"

    def _resolve(
        self,
        target: str,
        obj: griffe.Object,
        pkg: griffe.Module,
        by_name: dict[str, list[griffe.Object]],
    ) -> str | None:
        if target.startswith(pkg.name + "."):
            return self._canonical(pkg, target)
        head, _, rest = target.partition(".")
        scope: griffe.Object | None = obj
        while scope is not None:  # the object, its class, its module, ...
            if head in scope.members:
                found = self._canonical(pkg, f"{scope.path}.{head}")
                if found is not None:
                    return self._canonical(pkg, f"{found}.{rest}") if rest else found
            scope = scope.parent
        last = target.rsplit(".", 1)[-1]
        candidates = [c for c in by_name.get(last, []) if c.path.endswith("." + target)]
        public = [c for c in candidates if self._is_documented(c.path)]
        if len(public) == 1:
            return public[0].path
        return None

    @staticmethod
    def _canonical(pkg: griffe.Module, path: str) -> str | None:
        try:
            found = _lookup(pkg, path)
            return None if found is None else str(found.canonical_path)
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None

    def _is_documented(self, path: str) -> bool:
        for module in self.documented:
            if path == module or path.startswith(module + "."):
                rest = path[len(module) :].lstrip(".")
                return not any(part.startswith("_") for part in rest.split(".") if part)
        return False


def _lookup(pkg: griffe.Module, path: str) -> griffe.Object | griffe.Alias | None:
    parts = path.split(".")
    if parts[0] != pkg.name:
        return None
    current: Any = pkg
    for part in parts[1:]:
        if part not in current.members:
            return None
        current = current.members[part]
        if current.is_alias:
            current = current.final_target
    return current  # type: ignore[no-any-return]
