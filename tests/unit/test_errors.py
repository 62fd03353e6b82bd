"""Every public exception survives pickle and copy with its class and fields (issue 11.11)."""

from __future__ import annotations

import copy
import inspect
import pickle
from typing import Any

import pytest

import plivo_async
from plivo_async import errors

#: A value for each keyword a public exception may require.
SAMPLES: dict[str, Any] = {
    "method": "POST",
    "path": "/v1/Account/MA1/Call/",
    "sent": True,
    "attempts": 3,
    "status": 418,
    "api_id": "api-1",
    "body": {"error": "teapot", "nested": [1, "two"]},
    "retry_after": 2.5,
    "field": "to",
    "rule": "is required",
    "location": "https://example.com/elsewhere",
    "limit": 1024,
}


def exception_classes() -> list[type[BaseException]]:
    found = {
        obj
        for module in (errors, plivo_async)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    }
    public = {c for c in found if c.__module__.startswith("plivo_async")}
    return sorted(public, key=lambda c: c.__name__)


def build(cls: type[BaseException]) -> BaseException:
    """An instance with every field it takes set to a non-default sample value."""
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(cls).parameters.items():
        if param.kind is param.KEYWORD_ONLY and name in SAMPLES:
            kwargs[name] = SAMPLES[name]
        elif param.kind is param.KEYWORD_ONLY and param.default is param.empty:
            raise AssertionError(f"{cls.__name__} requires {name}: add a sample")
    return cls("something went wrong", **kwargs)


def fields(exc: BaseException) -> dict[str, Any]:
    return {"args": exc.args, "str": str(exc), **vars(exc)}


def test_every_error_module_class_is_covered() -> None:
    classes = exception_classes()
    names = {c.__name__ for c in classes}
    helpers = {"REDACTED", "redact", "register_secret", "register_secret_text"}
    assert set(errors.__all__) - helpers <= names
    assert {"JournalInUseError", "JournalMismatchError", "ConfigurationError"} <= names


@pytest.mark.parametrize("cls", exception_classes(), ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "clone",
    [lambda e: pickle.loads(pickle.dumps(e)), copy.copy, copy.deepcopy],
    ids=["pickle", "copy", "deepcopy"],
)
def test_exception_survives_pickle_and_copy(cls: type[BaseException], clone: Any) -> None:
    original = build(cls)
    again = clone(original)
    assert type(again) is cls
    assert fields(again) == fields(original)
    assert again is not original


def test_outcome_unknown_keeps_attempts_through_a_process_boundary() -> None:
    exc = errors.OutcomeUnknownError("unknown", method="POST", path="/p", attempts=4)
    again = pickle.loads(pickle.dumps(exc))
    assert (again.method, again.path, again.attempts) == ("POST", "/p", 4)
    assert isinstance(again, errors.PlivoError)


def test_a_short_test_token_does_not_garble_every_message() -> None:
    """A token too short to be Plivo's is still redacted in its Basic/base64 forms only."""
    import base64

    from plivo_async.errors import PlivoRestError, register_secret

    register_secret("MASHORT", "tok")
    b64 = base64.b64encode(b"MASHORT:tok").decode()
    exc = PlivoRestError(f"missing auth_token; header was Basic {b64}", status=401)
    assert "auth_token" in str(exc)
    assert b64 not in str(exc)
