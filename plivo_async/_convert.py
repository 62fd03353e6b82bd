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

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
from cattrs.preconf.json import make_converter

from .errors import ValidationError
from .response import RawResponse

__all__ = [
    "build",
    "converter",
    "from_wire",
    "request_model",
    "structure_response",
    "to_wire",
    "wire_name",
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


# -- requests -----------------------------------------------------------------------------


_UNSTRUCTURERS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _compile_unstructurer(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``model -> wire dict`` for one class, compiled once: an attribute load per field
    instead of a ``getattr`` call and a tuple unpacking (26 fields for a call create)."""
    lines = ["def unstructure(model):", "    out = {}"]
    for i, (name, key, _type) in enumerate(_wire_fields(cls)):
        lines.append(f"    _v{i} = model.{name}")  # attrs field names are identifiers
        lines.append(f"    if _v{i} is not None: out[{key!r}] = _v{i}")
    lines.append("    return out")
    scope: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<plivo_async unstructure {cls.__qualname__}>", "exec"), scope)
    function: Callable[[Any], dict[str, Any]] = scope["unstructure"]
    return function


def _unstructure_request(model: Any) -> dict[str, Any]:
    cls = type(model)
    unstructure = _UNSTRUCTURERS.get(cls)
    if unstructure is None:
        unstructure = _UNSTRUCTURERS[cls] = _compile_unstructurer(cls)
    return unstructure(model)


def _structure_request(data: Any, cls: type[T]) -> T:
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
    return build(cls, kwargs)


def request_model(cls: C) -> C:
    """Class decorator: register ``cls`` (an attrs class) as a request model.

    ``converter.unstructure(model)`` then gives the wire dict, and
    ``converter.structure(wire, cls)`` rebuilds and re-validates the model; the wire dict
    may use either the wire names (``from``) or the Python names (``from_``).
    """
    converter.register_unstructure_hook(cls, _unstructure_request)
    converter.register_structure_hook(cls, _structure_request)
    _REQUEST_MODELS.add(cls)
    return cls


_REQUEST_MODELS: set[type] = set()


def to_wire(model: Any) -> dict[str, Any]:
    """Unstructure a request model to the JSON object the API expects (``None`` omitted)."""
    if type(model) in _REQUEST_MODELS:  # fast path: the hook already renames and omits None
        return _unstructure_request(model)
    data = converter.unstructure(model)
    if not isinstance(data, dict):
        raise TypeError(f"{type(model).__name__} does not serialise to a JSON object")
    return {wire_name(k): v for k, v in data.items() if v is not None}


def from_wire(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build request model ``cls`` from a wire dict; raises ``ValidationError`` if invalid."""
    return converter.structure(data, cls)


# -- building request models fast --------------------------------------------------------

_NOT_GIVEN: Any = object()
_BUILDERS: dict[type, Any] = {}


def _compile_builder(cls: type) -> Any:
    """Compile, once per class, a function doing what ``cls.__init__`` does, minus idle work.

    The attrs ``__init__`` runs every field's converter and validator, given or not: for
    ``CreateCallRequest`` that is ~50 calls a request when 3 of its 26 fields are given. A
    field whose default is ``None``, whose converter maps ``None`` to ``None`` and whose
    validator is :func:`~.validation.optional` (it accepts ``None`` unseen) is simply set to
    ``None`` here when it is not given. Every other field is converted in field order, then
    validated in field order, then ``__attrs_post_init__`` runs: the same value raises the
    same :class:`ValidationError`. Returns ``None`` for a class this cannot mirror (factories,
    ``init=False`` fields, attrs ``Converter`` objects, a pre-init, a cached hash).
    """
    from .validation import SKIPS_NONE

    fields = attrs.fields(cls)
    if hasattr(cls, "__attrs_pre_init__") or "__attrs_cached_hash" in getattr(cls, "__slots__", ()):
        return None
    scope: dict[str, Any] = {"_cls": cls, "_new": object.__new__, "_set": object.__setattr__}
    scope["_NOT"] = _NOT_GIVEN
    params, body, checks = [], [], []
    given = ", ".join(f"{(a.alias or a.name)!r}: {a.alias or a.name}" for a in fields)
    missing = f"{{k: v for k, v in {{{given}}}.items() if v is not _NOT}}"
    for i, a in enumerate(fields):
        converter = a.converter
        if not a.init or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            return None
        if converter is not None and not inspect.isfunction(converter):
            return None  # attrs Converter objects and other callables: keep __init__
        alias = a.alias or a.name
        if not alias.isidentifier():
            return None
        scope[f"_a{i}"], scope[f"_c{i}"], scope[f"_v{i}"] = a, converter, a.validator
        skips = (
            a.default is None
            and (converter is None or converter(None) is None)
            and (a.validator is None or a.validator in SKIPS_NONE)
        )
        value = f"_x{i}"
        if skips:
            params.append(f"{alias}=None")
            body.append(f"    {value} = {alias}")
            if converter is not None:
                body.append(f"    if {value} is not None: {value} = _c{i}({value})")
        else:
            params.append(f"{alias}=_NOT")
            body.append(f"    {value} = {alias}")
            body.append(f"    if {value} is _NOT:")
            if a.default is attrs.NOTHING:
                body.append(f"        return _cls(**{missing})")  # attrs' own TypeError
            else:
                scope[f"_d{i}"] = a.default
                body.append(f"        {value} = _d{i}")
            if converter is not None:
                body.append(f"    {value} = _c{i}({value})")
        body.append(f"    _set(_obj, {a.name!r}, {value})")
        if a.validator is not None:
            guard = f"if {value} is not None: " if skips else ""
            checks.append(f"    {guard}_v{i}(_obj, _a{i}, {value})")
    post_init = getattr(cls, "__attrs_post_init__", None)
    scope["_post"] = post_init
    source = "\n".join(
        [
            f"def build(*, {', '.join(params)}):",
            "    _obj = _new(_cls)",
            *body,
            *checks,
            *(["    _post(_obj)"] if post_init is not None else []),
            "    return _obj",
        ]
    )
    exec(compile(source, f"<plivo_async builder {cls.__qualname__}>", "exec"), scope)
    return scope["build"]


def builder(cls: type[T]) -> Callable[..., T]:
    """The fast equivalent of ``cls`` for keyword construction (see :func:`_compile_builder`).

    Falls back to ``cls`` itself when the class cannot be mirrored, or while attrs
    validators are switched off globally (``attrs.validators.set_disabled``).
    """
    fast = _BUILDERS.get(cls, _NOT_GIVEN)
    if fast is _NOT_GIVEN:
        fast = _BUILDERS[cls] = _compile_builder(cls)
    if fast is None or attrs.validators.get_disabled():
        return cls
    return fast  # type: ignore[no-any-return]


def build(cls: type[T], kwargs: Mapping[str, Any]) -> T:
    """``cls(**kwargs)`` through :func:`builder`: same result, same errors, less work."""
    try:
        return builder(cls)(**kwargs)
    except TypeError:  # an unknown argument, or a converter's own: let attrs say it
        return cls(**kwargs)


# -- responses ----------------------------------------------------------------------------


def _is_response_model(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and hasattr(attrs.fields(cls), "raw")


def _structure_response_model(data: Any, cls: type[T]) -> T:
    if type(data) is dict:  # the common case, first: an ABC isinstance check costs more
        pass
    elif data is None:
        data = {}
    elif not isinstance(data, Mapping):
        if isinstance(data, RawResponse):  # client.with_raw_response: parse() later
            data.model = cls
            return data  # type: ignore[return-value]
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


def structure_response(cls: type[T], data: Any) -> T:
    """Build response model ``cls`` from a decoded JSON payload, keeping it whole in ``raw``.

    Missing optional fields take their defaults; unknown fields are ignored by the model
    but stay readable in ``.raw``; nested response models keep their own ``.raw``.
    """
    return _structure_response_model(data, cls)
