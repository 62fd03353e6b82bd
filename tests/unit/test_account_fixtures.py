"""Every official SDK fixture of the account areas (``tests/fixtures/{account,subaccounts,
pricing,lookup}/``, copied from the SDK's ``tests/resources/fixtures/``) parses into its
model, every field the model knows taken, the whole answer kept in ``.raw``."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from plivo_async._convert import structure_response
from plivo_async.models._shared import ActionResponse
from plivo_async.models.account import Account
from plivo_async.models.lookup import NumberLookup
from plivo_async.models.pricing import Pricing
from plivo_async.models.subaccounts import (
    CreateSubaccountResponse,
    Subaccount,
    SubaccountListResponse,
)

from ._fixtures import FIXTURES, fixture

#: (area, file, model): the SDK's accountGetResponse.json is account/get.json, and so on.
PARSED: list[tuple[str, str, type[Any]]] = [
    ("account", "get", Account),
    ("account", "updated", ActionResponse),
    ("subaccounts", "create", CreateSubaccountResponse),
    ("subaccounts", "get", Subaccount),
    ("subaccounts", "list", SubaccountListResponse),
    ("subaccounts", "updated", ActionResponse),
    ("pricing", "get", Pricing),
    ("lookup", "get", NumberLookup),
]


def test_every_fixture_of_these_areas_is_listed() -> None:
    on_disk = {
        (area, path.stem)
        for area in ("account", "subaccounts", "pricing", "lookup")
        for path in (FIXTURES / area).glob("*.json")
    }
    assert on_disk == {(area, name) for area, name, _ in PARSED}


@pytest.mark.parametrize(("area", "name", "model"), PARSED, ids=[f"{a}/{n}" for a, n, _ in PARSED])
def test_fixture_parses_with_every_known_field(area: str, name: str, model: type[Any]) -> None:
    data = fixture(area, name)
    parsed = structure_response(model, data)
    assert parsed.raw == data
    for field in attrs.fields(model):
        if field.name == "raw" or data.get(field.name) is None:
            continue
        assert getattr(parsed, field.name) not in (None, [], {}), field.name
