"""``plivo-async xml check``: the real command in a subprocess, as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.unit._cli_helpers import cli_environment, run_cli

ANSWER = """\
<Response>
  <GetInput action="https://x.test/a" executionTimeout="2">
    <Play>not a url</Play>
  </GetInput>
  <Hangup reason="dummy"/>
</Response>
"""
CLEAN = '<Response><Speak>Hello</Speak><Hangup reason="busy"/></Response>'


async def test_problems_are_printed_like_a_compiler_and_exit_1(tmp_path: Path) -> None:
    answer, clean = tmp_path / "answer.xml", tmp_path / "clean.xml"
    answer.write_text(ANSWER)
    clean.write_text(CLEAN)
    done = await run_cli("xml", "check", str(answer), str(clean), env=cli_environment())
    assert done.code == 1
    assert done.out.splitlines() == [
        f"{answer}:2:3: GetInput.executionTimeout: must be an integer from 5 to 60 (got 2)",
        f"{answer}:3:5: Play.text: must be an absolute http(s) URL (got 'not a url')",
        f"{answer}:5:3: Hangup.reason: must be one of 'rejected', 'busy' (got 'dummy')",
    ]
    assert done.err_lines == ["3 problems in 1 of 2 file(s)"]


async def test_clean_documents_exit_0(tmp_path: Path) -> None:
    clean = tmp_path / "clean.xml"
    clean.write_text(CLEAN)
    done = await run_cli("xml", "check", str(clean), env=cli_environment())
    assert (done.code, done.out, done.err) == (0, "", "")


async def test_an_unreadable_document_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    broken = tmp_path / "broken.xml"
    broken.write_text("<Response><Speak>")
    done = await run_cli("xml", "check", str(missing), env=cli_environment())
    assert done.code == 2
    assert done.err_lines == [f"plivo-async xml check: {missing}: no such file or directory"]
    assert "Traceback" not in done.err
    # Not well-formed XML is a problem of the document (exit 1), located.
    done = await run_cli("xml", "check", str(broken), env=cli_environment())
    assert done.code == 1
    assert done.out.startswith(f"{broken}:1:18: document: is not well-formed XML")


async def test_usage_mistakes_are_one_line_and_exit_2() -> None:
    env = cli_environment()
    for args, said in (
        (("xml",), "the following arguments are required: COMMAND"),
        (("xml", "check"), "the following arguments are required: FILE"),
        (("xml", "lint", "a.xml"), "invalid choice: 'lint'"),
    ):
        done = await run_cli(*args, env=env)
        assert done.code == 2, args
        [line] = done.err_lines
        assert said in line and "Traceback" not in done.err
