"""The one cattrs converter: request models to JSON, JSON to response models.

Requests (classes marked with :func:`request_model`): ``None`` fields are omitted (the API
applies its own defaults) and Python names that clash with keywords are renamed
(``from_`` -> ``from``). :func:`from_wire` is the inverse: it builds (and so validates)
a request model from a wire dict, which is what the bulk engine and the property tests use.

Responses (any attrs class with a ``raw`` field): known fields are structured into the
model, and the whole payload is kept in ``.raw`` so a field Plivo adds tomorrow is never
lost. A field that is missing, ``null`` or of an unexpected shape keeps the model's
default instead of crashing the caller; the value is still in ``.raw``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from .errors import ValidationError

__all__ = [
    "converter",
    "from_wire",
    "request_model",
    "structure_response",
    "to_wire",
    "wire_name",
    "wire_names",
]

T = TypeVar("T")
C = TypeVar("C", bound=type)

log = logging.getLogger("plivo_async")

converter = make_converter(omit_if_default=False, forbid_extra_keys=False)


def wire_name(name: str) -> str:
    """The JSON key for a Python field name: a trailing ``_`` (``from_``) is dropped."""
    return name[:-1] if name.endswith("_") else name


_FIELDS: dict[type, tuple[tuple[str, str, Any], ...]] = {}


def _wire_fields(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """``(python name, wire name, resolved type)`` for each field of an attrs class."""
    fields = _FIELDS.get(cls)
    if fields is None:
        attrs.resolve_types(cls)
        fields = tuple((a.name, wire_name(a.name), a.type) for a in attrs.fields(cls))
        _FIELDS[cls] = fields
    return fields


_NAMES: dict[type, frozenset[str]] = {}


def wire_names(cls: type) -> frozenset[str]:
    """The JSON keys a request model knows (set or not): what ``extra_body`` may not name."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = frozenset(key for _name, key, _type in _wire_fields(cls))
    return names


# -- requests -----------------------------------------------------------------------------

_REQUEST_MODELS: set[type] = set()


def _unstructure_request_fn(cls: type) -> Callable[[Any], dict[str, Any]]:
    """cattrs' generated ``model -> wire dict`` for a request model: each field under its
    wire name, left out when ``None`` (every optional field defaults to ``None``; a field
    with another default, ``role="agent"``, is always sent)."""
    attrs.resolve_types(cls)
    overrides = {
        a.name: override(rename=wire_name(a.name), omit_if_default=a.default is None)
        for a in attrs.fields(cls)
    }
    return make_dict_unstructure_fn(cls, converter, **overrides)  # type: ignore[arg-type]


def _structure_request(data: Any, cls: type[T]) -> T:
    """``cls(**data)``, the keys mapped from wire names (or Python names) to arguments.

    Not a cattrs-generated hook: the model's own converters and validators check each
    value (naming the field and the rule), and both ``from`` and ``from_`` are accepted.
    """
    if not isinstance(data, Mapping):
        raise ValidationError.invalid(cls.__name__, "must be built from a JSON object", data)
    fields = _wire_fields(cls)
    names = {key: name for name, key, _type in fields} | {name: name for name, _k, _t in fields}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = names.get(key)
        if name is None:
            raise ValidationError.invalid(str(key), f"is not a field of {cls.__name__}", value)
        kwargs[name] = value
    return cls(**kwargs)


def request_model(cls: C) -> C:
    """Class decorator: register ``cls`` (an attrs class) as a request model.

    ``converter.unstructure(model)`` then gives the wire dict, and
    ``converter.structure(wire, cls)`` rebuilds and re-validates the model; the wire dict
    may use either the wire names (``from``) or the Python names (``from_``).
    """
    _REQUEST_MODELS.add(cls)
    return cls


converter.register_unstructure_hook_factory(
    lambda cls: cls in _REQUEST_MODELS, _unstructure_request_fn
)
converter.register_structure_hook_func(lambda cls: cls in _REQUEST_MODELS, _structure_request)


def to_wire(model: Any) -> dict[str, Any]:
    """Unstructure a request model to the JSON object the API expects (``None`` omitted)."""
    data = converter.get_unstructure_hook(type(model))(model)
    if type(model) in _REQUEST_MODELS:
        return data  # type: ignore[no-any-return]  # the hook renames and omits None
    if not isinstance(data, dict):
        raise TypeError(f"{type(model).__name__} does not serialise to a JSON object")
    return {wire_name(k): v for k, v in data.items() if v is not None}


def from_wire(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build request model ``cls`` from a wire dict; raises ``ValidationError`` if invalid."""
    return converter.structure(data, cls)


# -- responses ----------------------------------------------------------------------------


def _is_response_model(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and hasattr(attrs.fields(cls), "raw")


def _structure_response_model(data: Any, cls: type[T]) -> T:
    if type(data) is dict:  # the common case, first: an ABC isinstance check costs more
        pass
    elif data is None:
        data = {}
    elif not isinstance(data, Mapping):
        data = {"value": data}
    kwargs: dict[str, Any] = {}
    for name, key, typ, takes_str in _response_fields(cls):
        value = data.get(key)
        if value is None:
            continue
        if takes_str and type(value) is str:  # the common case: no dispatch needed
            kwargs[name] = value
            continue
        try:
            kwargs[name] = converter.structure(value, typ)
        except Exception as exc:  # an unexpected shape must not cost the caller the call
            log.debug("%s.%s: kept default for %r (%s)", cls.__name__, name, value, exc)
    obj = cls(**kwargs)
    object.__setattr__(obj, "raw", dict(data))
    return obj


converter.register_structure_hook_func(_is_response_model, _structure_response_model)
_STR_TYPES: frozenset[Any] = frozenset({str, str | None, str | list[str] | None})
_RESPONSE_FIELDS: dict[type, tuple[tuple[str, str, Any, bool], ...]] = {}


def _response_fields(cls: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """``(name, wire name, type, takes a str as it is)`` of a response model's fields but
    ``raw``, once per class (hashing a union type for the ``_STR_TYPES`` test is not free)."""
    fields = _RESPONSE_FIELDS.get(cls)
    if fields is None:
        fields = tuple(
            (name, key, typ, typ in _STR_TYPES)
            for name, key, typ in _wire_fields(cls)
            if name != "raw"
        )
        _RESPONSE_FIELDS[cls] = fields
    return fields


def _structure_bool(value: Any, _type: Any) -> bool:
    # cattrs' default is bool(value), which reads "false" as True.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value in (0, 1):
        return bool(value)
    raise TypeError(f"expected a boolean, got {value!r}")


converter.register_structure_hook(bool, _structure_bool)


def _structure_decimal(value: Any, _type: Any) -> Decimal:
    # Money comes as text ("0.00650"): exact, never through a float. A finite number only.
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"expected a decimal number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise TypeError(f"expected a decimal number, got {value!r}") from None
    if not number.is_finite():
        raise TypeError(f"expected a finite decimal number, got {value!r}")
    return number


converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_unstructure_hook(Decimal, str)


def structure_response(cls: type[T], data: Any) -> T:
    """Build response model ``cls`` from a decoded JSON payload, keeping it whole in ``raw``.

    Missing optional fields take their defaults; unknown fields are ignored by the model
    but stay readable in ``.raw``; nested response models keep their own ``.raw``.
    """
    return _structure_response_model(data, cls)
