"""The host options: credentials go only where the client was pointed (issue 25, item 9).

With ``base_url`` away from Plivo (the emulator, a gateway), the host options left out
follow it; a mix of Plivo's hosts and others is refused, over every ``*base_url`` option
(one added later included).
"""

from __future__ import annotations

import contextlib
import re

import attrs
import pytest

from plivo_async._options import ClientOptions
from plivo_async.client import PLIVO_PHLO_URL, AsyncPlivo
from plivo_async.emulator import Emulator
from plivo_async.errors import ConfigurationError, ResourceNotFoundError

from ._resources_helpers import AUTH_ID, AUTH_TOKEN

EMU = "http://127.0.0.1:8765"


def hosts(client: AsyncPlivo) -> tuple[str, str, str]:
    options = client.transport.options
    return options.base_url, options.phlo_base_url, options.callinsights_base_url


def test_left_out_hosts_follow_a_base_url_away_from_plivo() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN, base_url=EMU)
    assert hosts(client) == (EMU, EMU, EMU)
    assert client.transport.phlo_base.startswith(EMU + "/v1/phlo/")
    assert client.transport.callinsights_base.startswith(EMU + "/v1/")


def test_the_environment_names_hosts_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLIVO_BASE_URL", EMU)
    assert hosts(AsyncPlivo(AUTH_ID, AUTH_TOKEN)) == (EMU, EMU, EMU)
    monkeypatch.setenv("PLIVO_PHLO_BASE_URL", PLIVO_PHLO_URL)  # set for another project
    with pytest.raises(
        ConfigurationError, match=re.escape("phlo_base_url=https://phlorunner.plivo.com")
    ):
        AsyncPlivo(AUTH_ID, AUTH_TOKEN)


def test_plivo_by_default() -> None:
    assert hosts(AsyncPlivo(AUTH_ID, AUTH_TOKEN)) == (
        "https://api.plivo.com",
        "https://phlorunner.plivo.com",
        "https://stats.plivo.com",
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": EMU, "phlo_base_url": PLIVO_PHLO_URL},
        {"phlo_base_url": EMU},  # base_url left at Plivo's: Plivo's token to the emulator
        {"callinsights_base_url": EMU},
        {
            "base_url": "https://gateway.example.com",
            "callinsights_base_url": "https://stats.plivo.com",
        },
    ],
)
def test_a_mix_of_plivo_and_other_hosts_is_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as err:
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, **kwargs)
    message = str(err.value)
    assert "credentials would go to both" in message
    assert "leave out all but base_url" in message
    assert AUTH_TOKEN not in message


def test_the_rule_covers_a_host_option_added_later() -> None:
    @attrs.frozen
    class WithLookup(ClientOptions):
        lookup_base_url: str = "https://lookup.plivo.com"

    with pytest.raises(
        ConfigurationError, match=re.escape("lookup_base_url=https://lookup.plivo.com")
    ):
        WithLookup(
            auth_id=AUTH_ID,
            auth_token=AUTH_TOKEN,
            base_url=EMU,
            phlo_base_url=EMU,
            callinsights_base_url=EMU,
        )
    assert "lookup_base_url" in WithLookup.host_options()


async def test_a_phlo_run_with_only_base_url_reaches_the_emulator() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        # An emulator strict about PHLOs answers an undeclared one 404: it still arrived.
        with contextlib.suppress(ResourceNotFoundError):
            await client.phlo("phlo-1").run(name="Ann")
        paths = [entry.path for entry in emu.history.requests]
    assert any("/phlo/phlo-1" in path for path in paths), paths
