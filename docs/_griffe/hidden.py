"""A griffe extension: leave a function's test hooks out of the reference.

Some functions take injectable hooks that only tests pass (``create_calls``' ``clock``
and ``sleep``). They stay in the code's signature, but the reference shows what a user
passes: the extension removes the named parameters from the rendered signature (the
docstring's parameter table does not list them either; docs/check_site.py checks both).
Configured in mkdocs.yml::

    extensions:
      - docs/_griffe/hidden.py:HiddenParameters:
          hidden:
            plivo_async.bulk.api.Bulk.create_calls: [clock, sleep]
"""

from __future__ import annotations

from typing import Any

import griffe


class HiddenParameters(griffe.Extension):
    """Remove the configured parameters from the configured functions' signatures."""

    def __init__(self, hidden: dict[str, list[str]] | None = None) -> None:
        super().__init__()
        self.hidden = {path: frozenset(names) for path, names in (hidden or {}).items()}

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for path, names in self.hidden.items():
            if not path.startswith(pkg.path + "."):
                continue
            function = pkg[path.removeprefix(pkg.path + ".")]
            missing = names - {parameter.name for parameter in function.parameters}
            if missing:  # a renamed hook must not leave a stale entry behind
                raise ValueError(f"{path} has no parameter {sorted(missing)[0]!r} to hide")
            kept = [p for p in function.parameters if p.name not in names]
            function.parameters = griffe.Parameters(*kept)
