"""The journal's records: what the writer writes is what the readers (the fast pattern
and the checked path) read, and the lines are those earlier versions wrote."""

from __future__ import annotations

import enum
import json

import attrs
from hypothesis import given
from hypothesis import strategies as st

from plivo_async.bulk.records import (
    FAST,
    MAGIC,
    Code,
    DispositionRecord,
    Header,
    OutcomeRecord,
    Record,
    StartRecord,
    decode,
    encode,
)
from plivo_async.tracking import CallResult

DIGEST = "0123456789abcdef"
ascii_text = st.text(  # what phone numbers, uuids and field names hold: no escapes
    st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\'), max_size=12
)
digests = st.text("0123456789abcdef", min_size=16, max_size=16)
rows = st.integers(0, 10**7)


@st.composite
def starts(draw: st.DrawFn) -> StartRecord:
    marked = draw(st.booleans())
    return StartRecord(
        draw(rows),
        draw(digests),
        draw(
            st.none()
            | st.dictionaries(ascii_text, st.text("0123456789abcdef", min_size=8, max_size=8))
        ),
        draw(st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)) if marked else None,
        round(draw(st.floats(0, 4e9)), 3) if marked else None,
        draw(st.integers(1, 9)),
    )


@st.composite
def ok_outcomes(draw: st.DrawFn) -> OutcomeRecord:
    return OutcomeRecord(
        draw(rows),
        "ok",
        draw(digests),
        draw(st.integers(0, 99)),
        round(draw(st.floats(0, 1e6)), 1),
        draw(st.none() | ascii_text),
        draw(st.none() | ascii_text),
        draw(st.none() | ascii_text),
        waited=round(draw(st.floats(0, 1e6)), 1),
    )


@given(starts() | ok_outcomes())
def test_the_fast_pattern_matches_every_common_line_as_the_writer_writes_it(
    record: StartRecord | OutcomeRecord,
) -> None:
    line = encode(record)
    kind = b"o" if isinstance(record, OutcomeRecord) else b""
    assert record.digest is not None
    assert FAST.findall(b"\n" + line) == [(kind, b"%d" % record.index, record.digest.encode())]
    assert decode(line) == record  # and the checked path reads it the same


@given(
    st.builds(
        OutcomeRecord,
        rows,
        st.sampled_from(["ok", "failed", "invalid", "unknown", "cancelled", "not_sent"]),
        st.none() | digests,
        st.integers(0, 9),
        st.just(1.5),
        st.none() | st.text(max_size=5),
        st.none() | st.text(max_size=5),
        st.none() | st.text(max_size=5),
        st.integers(1, 5),
        st.none() | st.sampled_from(["found", "unknown", "not_placed"]),
        st.none() | st.text(max_size=5),
        st.none() | st.just("PlivoRestError"),
        st.none() | st.text(max_size=5),
        st.none() | st.integers(400, 599),
        st.booleans(),
    )
)
def test_every_outcome_record_reads_back_as_written(record: OutcomeRecord) -> None:
    # what the writer leaves out: a note without reconciliation, error details without an error
    if record.reconciled is None:
        record = attrs.evolve(record, note=None)
    if record.error is None:
        record = attrs.evolve(record, message=None, http_status=None, nothing_placed=False)
    assert decode(encode(record)) == record


def test_lines_are_byte_for_byte_those_earlier_versions_wrote() -> None:
    call = CallResult(
        request_uuid="r",
        call_uuid="c1",
        disposition="busy",
        duration=0,
        hangup_cause="Busy",
        hangup_cause_code=3010,
    )
    cases: list[tuple[Record, bytes]] = [
        (
            Header("calls", None),
            b'{"journal":"plivo-async","version":2,"kind":"calls","input":null}',
        ),
        (
            StartRecord(7, DIGEST, {"to": "abcdef01"}, "mk", 12.5, 2),
            b'{"s":7,"h":"0123456789abcdef","f":{"to":"abcdef01"},"m":"mk","t":12.5,"dial":2}',
        ),
        (StartRecord(3, DIGEST), b'{"s":3,"h":"0123456789abcdef"}'),
        (
            OutcomeRecord(
                7,
                "failed",
                DIGEST,
                1,
                2.5,
                "+1555",
                None,
                "a",
                2,
                "unknown",
                None,
                "PlivoRestError",
                "no",
                404,
                True,
            ),
            b'{"o":7,"status":"failed","h":"0123456789abcdef","attempts":1,"ms":2.5,'
            b'"to":"+1555","api_id":"a","dial":2,"reconciled":"unknown","note":null,'
            b'"error":"PlivoRestError","message":"no","http_status":404,"nothing_placed":true}',
        ),
        (
            DispositionRecord(7, 1, "busy", call, "late", 301.12345),
            b'{"d":7,"dial":1,"disposition":"busy","call_uuid":"c1","duration":0,'
            b'"hangup_cause":"Busy","hangup_cause_code":3010,"note":"late","redial":301.123}',
        ),
        (DispositionRecord(7, 2), b'{"d":7,"dial":2,"disposition":null}'),
    ]
    for record, line in cases:
        assert encode(record) == line + b"\n"
    assert encode(Header("calls", "x")).startswith(MAGIC)


def test_a_disposition_record_says_whether_the_row_is_due_ended_or_still_placed() -> None:
    due = decode(b'{"d":1,"dial":1,"disposition":"busy","redial":5}')
    ended = decode(b'{"d":1,"dial":1,"disposition":"answered"}')
    unknown = decode(b'{"d": 1, "dial": 1, "disposition": null}')  # any spacing reads
    assert isinstance(due, DispositionRecord) and due.code == Code.REDIAL
    assert isinstance(ended, DispositionRecord) and ended.code == Code.ENDED
    assert isinstance(unknown, DispositionRecord) and unknown.code is None
    so_far = due.outcome_so_far({"to": "+1"})
    assert so_far.disposition == "busy" and so_far.dials == 1 and so_far.placed == 0


def test_codes_are_an_int_enum_one_byte_each() -> None:
    assert issubclass(Code, enum.IntEnum)
    assert bytes(Code) == bytes(range(len(Code)))
    assert json.loads(encode(OutcomeRecord(0, "not_sent", dial=2)))["dial"] == 2
    redial = decode(encode(OutcomeRecord(0, "not_sent", dial=2)))
    assert isinstance(redial, OutcomeRecord) and redial.code == Code.REDIAL
