"""One resource shape: every area is a ``Resource``, every list is walked by one loop."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

from aioresponses import aioresponses

import plivo_async.resources as resources
from plivo_async import models
from plivo_async.client import AsyncPlivo
from plivo_async.models import _shared
from plivo_async.models import calls as call_models
from plivo_async.resources._base import Resource
from plivo_async.resources._paging import paginate

from ._resources_helpers import (
    API,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)

PACKAGE = Path(resources.__file__).parent
#: Views over ``Calls``: they send nothing themselves.
VIEWS = {"LiveCalls", "QueuedCalls"}


def resource_modules() -> list[Any]:
    return [
        importlib.import_module(f"plivo_async.resources.{info.name}")
        for info in pkgutil.iter_modules([str(PACKAGE)])
    ]


def test_every_exported_area_is_a_resource() -> None:
    for name in resources.__all__:
        cls = getattr(resources, name)
        if name not in VIEWS:
            assert issubclass(cls, Resource), name


def test_every_resource_class_is_exported() -> None:
    defined = {
        name
        for module in resource_modules()
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and cls.__module__ == module.__name__ and issubclass(cls, Resource)
    }
    assert defined <= set(resources.__all__)
    assert {"Calls", "Recordings", "Conferences", "MultiPartyCalls", "Phlo"} <= defined


def test_only_the_base_talks_to_the_transport_and_only_paging_loops() -> None:
    for path in PACKAGE.glob("*.py"):
        source = path.read_text()
        if path.name != "_base.py":
            assert "_transport.request" not in source, path.name
        loops = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.While)]
        if path.name != "_paging.py":
            assert loops == [], path.name


def test_shared_models_live_in_one_module_and_keep_their_old_homes() -> None:
    for name in ("ListMeta", "ActionResponse"):
        shared = getattr(_shared, name)
        assert shared.__module__ == "plivo_async.models._shared"
        assert getattr(call_models, name) is shared
        assert getattr(models, name) is shared


async def test_a_page_without_meta_shorter_than_limit_is_the_last(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    """The rule of the id lists now holds for every list: no extra request for nothing."""
    mocked.get(API + "Call/?limit=2&offset=0", payload={"objects": [{"call_uuid": "a"}]})
    got = [c.call_uuid async for c in client.calls.iter_all(limit=2)]
    assert got == ["a"]
    assert len(sent(mocked)) == 1


async def test_unique_yields_each_id_once_and_stops_at_a_page_with_nothing_new() -> None:
    pages = {0: ["a", "b"], 2: ["b", "c"], 4: ["a", "c"]}
    asked: list[dict[str, Any]] = []

    async def fetch(query: dict[str, Any]) -> list[str]:
        asked.append(dict(query))
        return pages.get(query["offset"], [])

    got = [i async for i in paginate(fetch, {"limit": 2}, items=list, unique=True)]
    assert got == ["a", "b", "c"]
    assert [q["offset"] for q in asked] == [0, 2, 4]


async def test_paged_false_sends_the_query_as_given_and_stops_without_meta() -> None:
    asked: list[dict[str, Any]] = []

    async def fetch(query: dict[str, Any]) -> list[str]:
        asked.append(dict(query))
        return ["x"]

    assert [i async for i in paginate(fetch, {"call_uuid": "u"}, items=list, paged=False)] == ["x"]
    assert asked == [{"call_uuid": "u"}]
