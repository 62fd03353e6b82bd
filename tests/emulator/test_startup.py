"""Ways to start the emulator: pytest fixture, subprocess runner, command line."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from decimal import Decimal

import aiohttp
import pytest

from plivo_async.emulator import (
    DEFAULT_AUTH_ID,
    DEFAULT_AUTH_TOKEN,
    Emulator,
    FaultConfig,
    run_in_subprocess,
)
from plivo_async.emulator.__main__ import (
    add_emulator_arguments,
    emulator_from_args,
    main,
    run_emulator_from_args,
)
from plivo_async.emulator.process import _child_env, emulator_command

from ._helpers import Api, auth_header, call_body

DEFAULT_HEADERS = auth_header(DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN)


async def test_fixture_serves_with_default_credentials(plivo_emulator: Emulator) -> None:
    assert plivo_emulator.url.startswith("http://127.0.0.1:")
    assert plivo_emulator.phlo_url == plivo_emulator.url
    assert plivo_emulator.port > 0
    async with (
        aiohttp.ClientSession(headers=DEFAULT_HEADERS) as http,
        http.post(Api(plivo_emulator).calls, json=call_body()) as resp,
    ):
        assert resp.status == 201
    assert plivo_emulator.dialled_counts() == {"+14155550101": 1}


@pytest.mark.plivo_emulator(faults=FaultConfig(schedule=["503"]), auth_token="other-token")
async def test_fixture_is_configured_by_the_marker(plivo_emulator: Emulator) -> None:
    assert plivo_emulator.auth_token == "other-token"
    headers = auth_header(plivo_emulator.auth_id, "other-token")
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(Api(plivo_emulator).calls) as first:
            assert first.status == 503
        async with http.get(Api(plivo_emulator).calls) as second:
            assert second.status == 200


async def test_emulator_refuses_to_start_twice() -> None:
    async with Emulator() as emu:
        assert "127.0.0.1" in repr(emu) and DEFAULT_AUTH_TOKEN not in repr(emu)
        with pytest.raises(RuntimeError):
            await emu.start()
    assert "stopped" in repr(emu)


async def test_subprocess_runner_starts_serves_and_stops() -> None:
    with run_in_subprocess(seed=1, schedule=["429"], latency_ms=(0, 1), rate_limit=(300, 5)) as url:
        api_calls = f"{url}/v1/Account/{DEFAULT_AUTH_ID}/Call/"
        async with aiohttp.ClientSession(headers=DEFAULT_HEADERS) as http:
            async with http.post(api_calls, json=call_body()) as resp:
                assert resp.status == 429
                assert resp.headers["Retry-After"] == "1"
            async with http.post(api_calls, json=call_body()) as resp:
                assert resp.status == 201
            async with http.put(f"{url}/__emulator__/faults", json={"schedule": ["502"]}) as resp:
                assert resp.status == 204
            async with http.get(api_calls) as resp:
                assert resp.status == 502
            async with http.get(f"{url}/__emulator__/stats") as resp:
                stats = await resp.json()
            assert stats["calls"] == 1 and stats["duplicates"] == {}
            assert stats["faults"] == {"429": 1, "502": 1}
            async with http.post(f"{url}/__emulator__/reset") as resp:
                assert resp.status == 204
            async with http.get(f"{url}/__emulator__/stats") as resp:
                assert (await resp.json())["requests"] == 1  # just this one
            async with http.put(f"{url}/__emulator__/faults", json={"rate_429": 3}) as resp:
                assert resp.status == 400
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(api_calls):
                pass


def test_subprocess_runner_reports_a_failed_start() -> None:
    with pytest.raises(RuntimeError, match="exited"), run_in_subprocess(port=-5):
        pass


def test_cli_exits_cleanly_on_sigint() -> None:
    argv = emulator_command(auth_id="MACLI000000000000000")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_child_env())  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("PLIVO_EMULATOR_URL=http://127.0.0.1:")
    assert proc.stdout.readline().startswith("PLIVO_EMULATOR_PHLO_URL=")
    assert proc.stdout.readline().strip() == "PLIVO_EMULATOR_AUTH_ID=MACLI000000000000000"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "Traceback" not in stderr


def test_emulator_command_maps_options_to_flags() -> None:
    argv = emulator_command(
        latency_ms=(5, 10), rate_limit=(300, 5), schedule=["429", None], retry_after=None,
        callbacks=True, cps=2, seed=None, duplicate_callbacks=0.5, cash_credit="1000.00",
    )  # fmt: skip
    assert argv[:3] == [sys.executable, "-m", "plivo_async.emulator"]
    flags = argv[3:]
    assert "--callbacks" in flags and "--seed" not in flags
    pairs = dict(zip(flags[1::2], flags[2::2], strict=True))
    assert pairs["--latency-ms"] == "5:10"
    assert pairs["--rate-limit"] == "300/5"
    assert pairs["--schedule"] == "429,ok"
    assert pairs["--retry-after"] == "none" and pairs["--duplicate-callbacks"] == "0.5"
    assert pairs["--host"] == "127.0.0.1" and pairs["--port"] == "0"
    assert pairs["--cash-credit"] == "1000.00"
    with pytest.raises(TypeError):
        emulator_command(bogus=1)


def test_arguments_build_the_configured_emulator() -> None:
    parser = argparse.ArgumentParser()
    add_emulator_arguments(parser)
    args = parser.parse_args(
        ["--latency-ms", "10:20", "--fault-429", "0.1", "--fault-5xx-after", "0.2",
         "--drop-after", "0.05", "--schedule", "503, ok", "--fault-paths", "calls",
         "--rate-limit", "300/5", "--retry-after", "none", "--seed", "9", "--ringing-s", "1",
         "--duplicate-callbacks", "0.25", "--cash-credit", "1000.50"]
    )  # fmt: skip
    emu = emulator_from_args(args)
    assert emu.cash_credit == Decimal("1000.50")
    faults = emu.faults
    assert faults.latency_bounds == (0.01, 0.02)
    assert (faults.rate_429, faults.rate_5xx_after, faults.drop_after) == (0.1, 0.2, 0.05)
    assert faults.schedule == ("503", "ok")
    assert faults.paths == "calls" and faults.retry_after is None
    assert faults.duplicate_callbacks == 0.25
    assert emu.auth_id == DEFAULT_AUTH_ID


@pytest.mark.parametrize(
    "argv",
    [
        ["--fault-429", "2"],
        ["--latency-ms", "abc"],
        ["--rate-limit", "x/y"],
        ["--cash-credit", "lots"],
        ["--cash-credit", "NaN"],
    ],
)
def test_bad_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_inconsistent_arguments_exit_with_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_emulator_arguments(parser)
    args = parser.parse_args(["--fault-429", "0.7", "--drop-before", "0.7"])
    assert run_emulator_from_args(args) == 2
    assert "add up" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "limit"), [(None, 20_000), ("7", 7), ("none", None)])
def test_record_limit_flag(given: str | None, limit: int | None) -> None:
    parser = argparse.ArgumentParser()
    add_emulator_arguments(parser)
    argv = [] if given is None else ["--history-limit", given]
    emulator = emulator_from_args(parser.parse_args(argv))
    assert emulator.history.requests.limit == limit == emulator.history.callbacks.limit
    argv = emulator_command(history_limit=limit)
    assert argv[argv.index("--history-limit") + 1] == str(limit).lower()


def test_record_limit_flag_refuses_a_negative_count(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_emulator_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--history-limit", "-1"])
    assert "a history limit is a whole number >= 0, or none" in capsys.readouterr().err
