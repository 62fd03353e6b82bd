"""The correlation mark: added to every callback URL, the user's own query kept."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plivo_async import ValidationError
from plivo_async.correlation import MARK_PARAM, mark_of, new_mark, with_mark
from plivo_async.models.calls import CreateCallRequest

BASE = {"from_": "+14155550100", "to": "+14155550101"}


@pytest.mark.parametrize(
    ("url", "marked"),
    [
        ("https://e.com/a", f"https://e.com/a?{MARK_PARAM}=m"),
        ("https://e.com/a?x=1&y=2", f"https://e.com/a?x=1&y=2&{MARK_PARAM}=m"),
        ("https://e.com/a?", f"https://e.com/a?{MARK_PARAM}=m"),
        ("https://e.com/a?x=1#top", f"https://e.com/a?x=1&{MARK_PARAM}=m#top"),
    ],
)
def test_the_mark_is_one_more_query_parameter(url: str, marked: str) -> None:
    request = with_mark(CreateCallRequest(**BASE, answer_url=url, ring_url=url), "m")
    assert request.answer_url == marked and request.ring_url == marked
    assert request.hangup_url is None  # URLs not given stay not given
    assert mark_of(marked) == "m" and mark_of(url) is None


@pytest.mark.parametrize("mark", ["", "a b", "x" * 65, "é", "a&b"])
def test_a_bad_mark_is_refused_naming_the_field(mark: str) -> None:
    with pytest.raises(ValidationError, match="mark"):
        with_mark(CreateCallRequest(**BASE, answer_url="https://e.com/a"), mark)


def test_a_url_marked_twice_is_refused() -> None:
    once = with_mark(CreateCallRequest(**BASE, answer_url="https://e.com/a"), new_mark())
    with pytest.raises(ValidationError, match="answer_url"):
        with_mark(once, new_mark())


def test_new_marks_are_distinct_and_valid() -> None:
    marks = {new_mark() for _ in range(100)}
    assert len(marks) == 100
    request = CreateCallRequest(**BASE, answer_url="https://e.com/a")
    assert all(mark_of(with_mark(request, m).answer_url) == m for m in list(marks)[:5])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("not a time", None),
        ("2026-01-02 03:04:05", "2026-01-02T03:04:05+00:00"),  # naive: UTC
        ("2026-01-02 03:04:05+05:30", "2026-01-02T03:04:05+05:30"),
    ],
)
def test_record_times_are_read_leniently(text: str | None, expected: str | None) -> None:
    from plivo_async.reconciliation import _parse_time

    parsed = _parse_time(text)
    assert (parsed.isoformat() if parsed else None) == expected


_part = st.text(alphabet="abcXYZ019-._~%", min_size=0, max_size=8)
_urls = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}/{path}{query}{fragment}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["example.com", "127.0.0.1:8080", "a.b.example.org"]),
    _part,
    st.one_of(st.just(""), st.just("?"), _part.map(lambda q: f"?q={q}"), st.just("?a=1&")),
    st.one_of(st.just(""), _part.map(lambda f: f"#{f}")),
)


@given(
    answer=_urls,
    others=st.fixed_dictionaries(
        {}, optional={n: _urls for n in ("ring_url", "hangup_url", "fallback_url")}
    ),
    mark=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
)
def test_the_marked_request_is_the_request_validated_anew_with_the_marked_urls(
    answer: str, others: dict[str, str], mark: str
) -> None:
    request = CreateCallRequest(**BASE, answer_url=answer, **others)
    marked = with_mark(request, mark)
    changes = {
        n: getattr(marked, n) for n in ("answer_url", *others) if getattr(marked, n) is not None
    }
    # the same as building it again, validators included (with_mark skips them: no need)
    assert marked == attrs.evolve(request, **changes)
    attrs.validate(marked)
    assert all(mark_of(url) == mark for url in changes.values())
    assert request.answer_url == answer  # the original is untouched
