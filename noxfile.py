"""Developer tasks. `nox` runs what CI gates on; `nox -s bench` measures."""

from __future__ import annotations

import glob
import os
import shutil

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck", "docs", "notebook", "build"]

PYPROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, integration and property tests, with coverage of plivo_async (>= 90%)."""
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", *session.posargs)
    session.run("coverage", "report", "--fail-under=90")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and lint-imports (the arrows of DESIGN.md)."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "typecheck"))
    session.run("mypy", "--strict", "plivo_async")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; --strict turns a broken link or reference into a failure.

    The build executes the example notebook (docs/_hooks/notebook.py); check_site.py then
    checks the built pages show its outputs, aliases after real methods, and every
    ``calls.create`` parameter.
    """
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    session.run("python", "docs/check_site.py", "site")
    session.run("python", "docs/check_snippets.py")


@nox.session
def notebook(session: nox.Session) -> None:
    """Execute the example notebook top to bottom so it cannot rot."""
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "notebook"))
    session.run("python", "docs/examples/execute_notebook.py")


@nox.session
def build(session: nox.Session) -> None:
    """An sdist and a wheel (`python -m build`) that `twine check --strict` passes."""
    session.install("build>=1.2", "twine>=5.1")
    dist = os.path.join(session.create_tmp(), "dist")
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", dist)
    session.run("twine", "check", "--strict", *sorted(glob.glob(os.path.join(dist, "*"))))


@nox.session
def soak(session: nox.Session) -> None:
    """The bulk engine's model test for a time budget: random plans, then the figures.

    ``nox -s soak`` runs ``PLIVO_SOAK_SECONDS`` (default 600) over every behaviour;
    ``nox -s soak -- 3600 crash forged`` runs an hour of those two (ids in
    tests/model/test_bulk_model.py). ``PLIVO_SOAK_SEED`` picks another sequence of plans.
    Exits non-zero if any plan broke an invariant, printing the first failing plans.
    """
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "test"))
    seconds = os.environ.get("PLIVO_SOAK_SECONDS", "600")
    args = session.posargs or [seconds]
    session.run("python", "-m", "tests.model.test_bulk_model", *args)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (not tests): ratios side by side, a table, JSON under benchmarks/results/."""
    session.install("-e", ".[progress]", *nox.project.dependency_groups(PYPROJECT, "bench"))
    session.run("python", "-m", "benchmarks", *session.posargs)
