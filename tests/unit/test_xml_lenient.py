"""``parse(text, strict=False)``: the tree and every problem, located, instead of the first.

The official SDK's own XML test documents (43 in its ``tests/xml``; 20 break a rule Plivo
documents, three are ``<MultiPartyCall>`` fragments) all load, and the problems reported
are exactly the rules each one breaks.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async.errors import ValidationError
from plivo_async.xml import GetInput, Parsed, Play, Problem, Response, parse

from ._xml_strategies import documents

SDK_REPO = Path("/work/.mirror/plivo+plivo-python/repo")


def _sdk_documents() -> list[tuple[str, int, str]]:
    """Every XML document string of the SDK's ``tests/xml``: (file, line, text)."""
    if not SDK_REPO.exists():
        return []
    git = ["git", "-C", str(SDK_REPO)]
    files = subprocess.run(
        [*git, "ls-tree", "--name-only", "HEAD", "tests/xml/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = []
    for name in files:
        source = subprocess.run(
            [*git, "show", f"HEAD:{name}"], capture_output=True, text=True, check=True
        ).stdout
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if text.startswith("<") and text.endswith(">"):
                    found.append((name.rsplit("/", 1)[-1], node.lineno, node.value))
    return found


SDK_DOCUMENTS = _sdk_documents()

#: The rules the SDK's documents break: (file, line) -> [(Element.attribute, value found)].
EXPECTED: dict[tuple[str, int], list[tuple[str, Any]]] = {
    # Fragments, not documents: shown inside a Response.
    ("test_MultiPartyCallElement.py", 11): [("MultiPartyCall", None)],
    ("test_MultiPartyCallElement.py", 28): [("MultiPartyCall", None)],
    ("test_MultiPartyCallElement.py", 70): [("MultiPartyCall", None)],
    # The SDK writes its empty defaults: neither is a value Plivo takes.
    ("test_conferenceElement.py", 9): [
        ("Conference.enterSound", ""),
        ("Conference.recordWhenAlone", ""),
    ],
    # Timeouts outside Plivo's ranges (5..60 s, 2..10 s), a Play of words, not a URL.
    ("test_getInputElement.py", 8): [
        ("GetInput.executionTimeout", 100),
        ("GetInput.digitEndTimeout", 50),
        ("GetInput.speechEndTimeout", 25),
        ("Play.text", "This is test"),
    ],
    ("test_responseElement.py", 44): [("GetInput.executionTimeout", 2)],
    # prosody rate="x-high": rates run x-slow..x-fast (x-high is a pitch).
    **{
        (name, 9): [("prosody.rate", "x-high")]
        for name in (
            "test_contElement.py",
            "test_langElement.py",
            "test_pElement.py",
            "test_sElement.py",
            "test_speakElement.py",
            "test_wElement.py",
        )
    },
    ("test_prosodyElement.py", 9): [("prosody.rate", "x-high"), ("prosody.rate", "x-high")],
    # Words where a URL, a number, a SIP URI or DTMF digits belong.
    ("test_getDigitsElement.py", 8): [("Play.text", "This is test")],
    ("test_playElement.py", 9): [("Play.text", "This is test")],
    ("test_preAnswerElement.py", 9): [
        ("Play.text", "This is test"),
        ("Redirect.text", "This is test"),
        ("DTMF.text", "this is test"),
    ],
    ("test_redirectElement.py", 9): [("Redirect.text", "This is Test")],
    ("test_numberElement.py", 9): [("Number.text", "This is Test")],
    ("test_userElement.py", 9): [("User.text", "This is Test")],
    ("test_responseElement.py", 30): [("DTMF.text", "dummy")],
    ("test_responseElement.py", 51): [("Hangup.reason", "dummy")],
    ("test_responseElement.py", 63): [("Play.text", "dummy")],
    ("test_responseElement.py", 81): [("Redirect.text", "dummy")],
}


@pytest.mark.skipif(not SDK_DOCUMENTS, reason="no snapshot of the official SDK's repository")
def test_the_sdk_has_43_documents_of_which_23_break_a_rule() -> None:
    assert len(SDK_DOCUMENTS) == 43
    keys = {(name, line) for name, line, _ in SDK_DOCUMENTS}
    assert set(EXPECTED) <= keys
    assert len(EXPECTED) == 23


@pytest.mark.parametrize(
    ("name", "line", "text"),
    [pytest.param(*doc, id=f"{doc[0]}:{doc[1]}") for doc in SDK_DOCUMENTS],
)
def test_every_sdk_document_loads_with_its_real_problems(name: str, line: int, text: str) -> None:
    document, problems = parse(text, strict=False)
    assert isinstance(document, Response)
    assert [(p.where, p.got) for p in problems] == EXPECTED.get((name, line), [])
    if (name, line) not in EXPECTED:
        assert parse(text) == document  # clean: strict reads the same tree
    else:
        with pytest.raises(ValidationError):
            parse(text)


DOCUMENT = """\
<Response>
  <GetInput action="https://x.test/a" executionTimeout="2" colour="red">
    <Play>not a url</Play>
    <Dial/>
  </GetInput>
  <Wait length="soon"/>
  <Bogus/>
  <Hangup reason="dummy"/>
</Response>
"""


def test_every_problem_is_located_and_the_rest_of_the_tree_is_kept() -> None:
    parsed = parse(DOCUMENT, strict=False)
    assert isinstance(parsed, Parsed) and not parsed.ok
    assert [str(p) for p in parsed.problems] == [
        "2:3: GetInput.colour: unknown attribute (got 'red')",
        "2:3: GetInput.executionTimeout: must be an integer from 5 to 60 (got 2)",
        "3:5: Play.text: must be an absolute http(s) URL (got 'not a url')",
        "4:5: GetInput: Dial is not allowed inside GetInput (allowed: Play, Speak, Wait)",
        "6:3: Wait.length: must be an integer (got 'soon')",
        "7:3: Bogus: unknown element (inside Response)",
        "8:3: Hangup.reason: must be one of 'rejected', 'busy' (got 'dummy')",
    ]
    first = parsed.problems[1]
    assert (first.line, first.column, first.element, first.attribute, first.got) == (
        2, 3, "GetInput", "executionTimeout", 2,
    )  # fmt: skip
    assert first.rule == "must be an integer from 5 to 60"
    document = parsed.document
    assert document is not None
    get_input, wait, hangup = document.children
    assert isinstance(get_input, GetInput) and get_input.execution_timeout == 2
    assert [type(c) for c in get_input.children] == [Play]  # Dial cannot sit there
    assert 'length="soon"' in str(wait) and 'reason="dummy"' in str(hangup)


def test_strict_stays_the_default_and_stops_at_the_first_problem() -> None:
    with pytest.raises(ValidationError) as err:
        parse(DOCUMENT)
    assert err.value.field == "GetInput.colour"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<Response><Speak>hi</Response>", "1:22: document: is not well-formed XML"),
        ("", "1:1: document: is not well-formed XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><Response/>', "document: DOCTYPE"),
    ],
)
def test_a_document_that_cannot_be_read_is_one_located_problem(text: str, expected: str) -> None:
    document, problems = parse(text, strict=False)
    assert document is None
    [problem] = problems
    assert expected in str(problem)


def test_a_problem_reads_like_a_compiler_message() -> None:
    problem = Problem(line=3, column=5, element="GetInput", attribute="x", rule="r", got=2)
    assert str(problem) == "3:5: GetInput.x: r (got 2)"
    assert (
        str(Problem(line=1, column=1, element="Bogus", attribute=None, rule="r")) == "1:1: Bogus: r"
    )


@settings(max_examples=100, deadline=None)
@given(documents(sdk_only=False))
def test_a_valid_document_has_no_problem_and_the_same_tree(tree: Response) -> None:
    parsed = parse(str(tree), strict=False)
    assert parsed.ok and parsed.problems == []
    assert parsed.document == parse(str(tree))


@settings(max_examples=150, deadline=None)
@given(documents(sdk_only=False), st.data())
def test_what_strict_refuses_first_is_among_the_problems(tree: Response, data: Any) -> None:
    text = str(tree)
    # Break one attribute value of a random element (or leave the document valid).
    cut = data.draw(st.sampled_from([i for i, c in enumerate(text) if c == '"'] or [0]))
    broken = text[: cut + 1] + "\u2603" + text[cut + 1 :] if cut else text
    try:
        parse(broken)
    except ValidationError as err:
        problems = parse(broken, strict=False).problems
        assert problems
        assert err.field in {p.where for p in problems} | {"document"}
    else:
        assert parse(broken, strict=False).problems == []
