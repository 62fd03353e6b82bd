"""An emulator as strict as Plivo about PHLOs: a wrong PHLO, node or member id is a 404,
which the client raises as ResourceNotFoundError (a test with a wrong id fails)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from yarl import URL

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, PhloNode, run_in_subprocess
from plivo_async.emulator.__main__ import emulator_from_args
from plivo_async.emulator.state import PhloState
from plivo_async.errors import ResourceNotFoundError

from .conftest import FROM, NODE_ID, PHLO_ID, client_for, number

CUSTOMER = number(950)

WRONG: list[tuple[str, Callable[[AsyncPlivo], Awaitable[Any]]]] = [
    ("phlo get", lambda c: c.phlo("no-such-phlo").get()),
    ("phlo run", lambda c: c.phlo("no-such-phlo").run(**{"from": FROM, "to": CUSTOMER})),
    (
        "mpc get, wrong phlo",
        lambda c: c.phlo("no-such-phlo").node("multi_party_call", NODE_ID).get(),
    ),
    ("mpc get, wrong node", lambda c: c.phlo(PHLO_ID).node("multi_party_call", "no-such").get()),
    ("mpc call, wrong node", lambda c: c.phlo(PHLO_ID).multi_party_call("x").call(FROM, CUSTOMER)),
    ("node of another type", lambda c: c.phlo(PHLO_ID).node("conference_bridge", NODE_ID).get()),
    ("member, wrong node", lambda c: c.phlo(PHLO_ID).multi_party_call("x").member(FROM).hold()),
    (
        "member nobody added",
        lambda c: c.phlo(PHLO_ID).multi_party_call(NODE_ID).member(CUSTOMER).hold(),
    ),
    ("bridge member", lambda c: c.phlo(PHLO_ID).conference_bridge(NODE_ID).member(CUSTOMER).mute()),
]


@pytest.mark.parametrize("act", [pytest.param(a, id=name) for name, a in WRONG])
async def test_a_wrong_id_is_a_404_the_client_raises_as_not_found(
    client: AsyncPlivo, emu: Emulator, act: Callable[[AsyncPlivo], Awaitable[Any]]
) -> None:
    with pytest.raises(ResourceNotFoundError) as info:
        await act(client)
    assert info.value.status == 404
    assert [r.status for r in emu.history.requests] == [404]
    assert emu.history.calls == []  # nobody was dialled


async def test_a_member_is_known_once_an_action_brought_it_in(
    client: AsyncPlivo, emu: Emulator
) -> None:
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    await mpc.call(trigger_source=FROM, to=CUSTOMER)
    assert (await mpc.member(CUSTOMER).hold()).ok  # dialled by the node
    assert (await mpc.member(FROM).mute()).ok  # the trigger source is in the call too
    assert set(emu.state(PhloState).node_members(PHLO_ID, NODE_ID)) == {FROM, CUSTOMER}
    emu.reset()  # members go, the declared PHLO stays
    with pytest.raises(ResourceNotFoundError):
        await mpc.member(CUSTOMER).hold()
    assert (await client.phlo(PHLO_ID).get()).phlo_id == PHLO_ID


async def test_any_phlo_accepts_any_id_for_quick_demos() -> None:
    async with Emulator(any_phlo=True) as emu, client_for(emu) as client:
        assert (await client.phlo("whatever").get()).phlo_id == "whatever"
        mpc = client.phlo("whatever").multi_party_call("any-node")
        assert (await mpc.member(CUSTOMER).hold()).ok


async def test_declared_members_and_later_declarations(emu: Emulator, client: AsyncPlivo) -> None:
    emu.declare_phlos({"second": {"bridge": PhloNode("conference_bridge", [CUSTOMER])}})
    bridge = client.phlo("second").conference_bridge("bridge")
    assert (await bridge.member(CUSTOMER).mute()).ok
    with pytest.raises(ResourceNotFoundError):
        await bridge.member(number(951)).mute()
    with pytest.raises(ValueError, match="node type"):
        emu.declare_phlos({"third": {"n": ""}})


@pytest.mark.plivo_emulator(phlos={"marked": {"node": "multi_party_call"}})
async def test_the_pytest_marker_declares_phlos(plivo_emulator: Emulator) -> None:
    async with client_for(plivo_emulator) as client:
        assert (
            await client.phlo("marked").node("multi_party_call", "node").get()
        ).node_id == "node"
        with pytest.raises(ResourceNotFoundError):
            await client.phlo(PHLO_ID).get()


def test_the_command_line_declares_phlos() -> None:
    from plivo_async.cli import _parser

    args: Any = _parser().parse_args(
        ["emulator", "--phlo", "p1:n1,b1=conference_bridge", "--phlo", "p1:n2", "--phlo", "p2"]
    )
    state = emulator_from_args(args).state(PhloState)
    assert {
        p: {n: node.node_type for n, node in nodes.items()} for p, nodes in state.phlos.items()
    } == {
        "p1": {"n1": "multi_party_call", "b1": "conference_bridge", "n2": "multi_party_call"},
        "p2": {},
    }
    assert not state.any_phlo
    assert (
        emulator_from_args(_parser().parse_args(["emulator", "--any-phlo"]))
        .state(PhloState)
        .any_phlo
    )


async def test_an_emulator_process_serves_the_phlos_it_was_given() -> None:
    with run_in_subprocess(phlos={"sub": {"node": "multi_party_call"}}) as url:
        async with AsyncPlivo(
            "MAEMULATOR0000000000", "emulator-token", base_url=url, phlo_base_url=url
        ) as client:
            assert (
                await client.phlo("sub").node("multi_party_call", "node").get()
            ).node_id == "node"
            with pytest.raises(ResourceNotFoundError):
                await client.phlo("sub").node("multi_party_call", "other").get()


@pytest.mark.parametrize("phlo_id", ["%0A", "%0D%0Ax", "caf%C3%A9"])
async def test_an_odd_unknown_id_is_a_404_not_a_500(emu: Emulator, phlo_id: str) -> None:
    """The 404 does not echo the id (a newline in a reason line would be a 500)."""
    auth = {"Authorization": aiohttp.encode_basic_auth(emu.auth_id, emu.auth_token)}
    async with aiohttp.ClientSession(headers=auth) as http:
        for method, path in (
            ("GET", f"/v1/phlo/{phlo_id}"),
            ("POST", f"/v1/account/{emu.auth_id}/phlo/{phlo_id}"),
            ("GET", f"/v1/phlo/{PHLO_ID}/{phlo_id}/{phlo_id}"),
        ):
            url = URL(emu.url + path, encoded=True)
            async with http.request(method, url) as resp:
                assert resp.status == 404, (method, path)
                assert (await resp.json())["error"]
