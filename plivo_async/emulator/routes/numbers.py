"""Phone numbers: ``Number/`` (the account's) and ``PhoneNumber/`` (rentable) under the
account (state: ``state/numbers.py``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import COMPARISONS, BadRequest
from ..rules.numbers import (
    SearchQuery,
    pattern_regex,
    validate_buy,
    validate_carrier_numbers,
    validate_number_list,
    validate_number_update,
    validate_search,
)
from ..state import ApplicationState, NumberState, OwnedNumber
from ..state.numbers import Rentable
from ._paging import page, query_page
from .calls import ACCOUNT

__all__ = ["ROUTES"]

NUMBER = ACCOUNT + "/Number/{number}"
PHONE_NUMBER = ACCOUNT + "/PhoneNumber/{number}"


def _number_of(request: web.Request, core: EmulatorCore) -> OwnedNumber:
    number = request.match_info["number"].lstrip("+")
    found = core.state(NumberState).owned.get(number)
    if found is None:
        raise web.HTTPNotFound(reason="number not found")
    return found


def _check_app(core: EmulatorCore, app_id: str | None) -> None:
    if app_id and app_id not in core.state(ApplicationState).applications:
        raise web.HTTPNotFound(reason=f"application {app_id!r} not found")


# -- rentable numbers ---------------------------------------------------------------------


def _type_matches(r: Rentable, wanted: str) -> bool:
    b = r.block
    if wanted == "any":
        return True
    if wanted == "local":  # Plivo: local numbers, fixed or mobile
        return b.type != "tollfree"
    if wanted == "national":
        return b.sub_type == "national"
    return b.type == wanted


def _region_matches(r: Rentable, region: str) -> bool:
    """Plivo's region filter: a region code, a region's name, or a part of one."""
    wanted, name = region.lower(), r.block.region.lower()
    return wanted in (name, r.block.region_code.lower()) or (len(wanted) >= 3 and wanted in name)


def _found(r: Rentable, q: SearchQuery) -> bool:
    b = r.block
    npanxx = q["npanxx"]
    services = {"voice", *(["sms"] if b.sms else []), *(["mms"] if b.mms else [])}
    return (
        _type_matches(r, q["type"])
        and (q["pattern"] is None or pattern_regex(q["pattern"]).match(r.national) is not None)
        and (q["region"] is None or _region_matches(r, q["region"]))
        and q["services"] <= services
        and (q["lata"] is None or str(b.lata) == q["lata"])
        and (q["rate_center"] is None or (b.rate_center or "").lower() == q["rate_center"].lower())
        and (q["city"] is None or (b.city or "").lower() == q["city"].lower())
        and (
            npanxx is None
            or r.national.startswith(npanxx[:3] if q["local_calling_area"] else npanxx)
        )
    )


async def search_numbers(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    q = validate_search(request.query)
    found = [
        r.view(core.auth_id)
        for r in core.state(NumberState).rentable(q["country_iso"])
        if _found(r, q)
    ]
    path = f"/v1/Account/{core.auth_id}/PhoneNumber/"
    listing = page(found, path, q["limit"], q["offset"])
    return core.json(200, {"api_id": core.new_id(), **listing})


async def buy_number(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Rent the number: it leaves the inventory and becomes one of the account's."""
    core = ctx.core
    fields = validate_buy(ctx.body)
    number = request.match_info["number"].lstrip("+")
    state = core.state(NumberState)
    if state.find_rentable(number) is None:
        raise web.HTTPNotFound(reason=f"number {number!r} is not available for rent")
    _check_app(core, fields.get("app_id"))
    state.add(number, core.clock(), **fields)
    payload = {
        "api_id": core.new_id(),
        "message": "created",
        "numbers": [{"number": number, "status": "Success"}],
        "status": "fulfilled",
    }
    return core.json(201, payload)


# -- the account's numbers ----------------------------------------------------------------


def _listed(view: dict[str, Any], services: frozenset[str], f: dict[str, Any]) -> bool:
    wanted_type = f["type"]
    if wanted_type == "fixed":
        type_ok = view["number_type"] in ("local", "national")
    else:
        type_ok = wanted_type in (None, view["number_type"])
    prefix = f["number_startswith"]
    exact = all(
        f[name] is None or str(view[key] or "").lower() == f[name].lower()
        for name, key in (
            ("subaccount", "sub_account"),
            ("alias", "alias"),
            ("tendlc_registration_status", "tendlc_registration_status"),
            ("tendlc_campaign_id", "tendlc_campaign_id"),
            ("toll_free_sms_verification", "toll_free_sms_verification"),
            ("toll_free_sms_verification_order_status", "toll_free_sms_verification_order_status"),
            ("cnam_lookup", "cnam_lookup"),
        )
    )
    renewal = all(
        f[f"renewal_date{suffix}"] is None
        or compare(view["renewal_date"], f[f"renewal_date{suffix}"])
        for suffix, compare in COMPARISONS.items()
    )
    return (
        type_ok
        and (prefix is None or view["number"].startswith(prefix.lstrip("+")))
        and f["services"] <= services
        and exact
        and renewal
    )


async def list_numbers(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    filters = validate_number_list(request.query)
    selected = []
    for owned in core.state(NumberState).owned.values():
        view = owned.view(core.auth_id)
        view.setdefault("toll_free_sms_verification_order_status", None)
        if _listed(view, owned.services, filters):
            selected.append(view)
    path = f"/v1/Account/{core.auth_id}/Number/"
    return core.json(200, {"api_id": core.new_id(), **query_page(request.query, selected, path)})


async def get_number(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    view = _number_of(request, core).view(core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_number(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    owned = _number_of(request, core)
    fields = validate_number_update(ctx.body)
    _check_app(core, fields.get("app_id"))
    for name, value in fields.items():
        setattr(owned, name, value)
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


async def delete_number(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Release the number; a rented one is rentable again."""
    core = ctx.core
    owned = _number_of(request, core)
    del core.state(NumberState).owned[owned.number]
    return web.Response(status=204)


async def add_carrier_numbers(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_carrier_numbers(ctx.body)
    _check_app(core, fields.get("app_id"))
    state = core.state(NumberState)
    numbers = fields.pop("numbers")
    taken = [n for n in numbers if n in state.owned]
    if taken:
        raise BadRequest(f"number {taken[0]} is already in the account")
    for number in numbers:
        state.add(number, core.clock(), block=None, **fields)
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


ROUTES = (
    RouteSpec("GET", ACCOUNT + "/PhoneNumber", search_numbers),
    RouteSpec("POST", PHONE_NUMBER, buy_number),
    RouteSpec("POST", ACCOUNT + "/Number", add_carrier_numbers),
    RouteSpec("GET", ACCOUNT + "/Number", list_numbers),
    RouteSpec("GET", NUMBER, get_number),
    RouteSpec("POST", NUMBER, update_number),
    RouteSpec("DELETE", NUMBER, delete_number),
)
"""The number APIs' endpoints (served with and without a trailing slash)."""
