"""Applications: ``client.applications`` (``Application/``).

Names and arguments follow the official ``plivo`` SDK: ``applications.create(app_name,
answer_url=..., ...)``, ``get(app_id)``, ``list(...)``, ``update(app_id, ...)``,
``delete(app_id, cascade=..., new_endpoint_application=...)``. Ids may be given as
``int`` (``applications.get(20468599130939380)``), as the SDK's users do.

Unlike the SDK, arguments left as ``None`` are not sent: on create the API applies the
same defaults the SDK would send, and on update the application keeps its current
values (the SDK sends its defaults and so resets ``answer_method``,
``default_number_app``, ``log_incoming_messages``, ... on every update).

Every method takes ``callback_url`` / ``callback_method`` (``create``/``update`` among
their settings, ``list`` among its filters), Plivo's asynchronous mode: the API answers at
once (``"async api spawned"``, the typed answer's fields empty) and posts the result there.

Retries: ``create`` is not idempotent (a re-sent create may make a second application,
or fail on the name the first one took) and is not re-sent after an ambiguous failure
unless ``retry_unsafe=True``. ``update`` is a ``POST`` that only *sets* the fields given,
so applying it twice leaves the same application as once: treated as idempotent and
retried. ``get``, ``list`` and ``delete`` are ``GET`` and ``DELETE``, retried as usual.

Each method may also raise what any request raises, as listed on
:class:`~plivo_async.resources.calls.Calls`: 401/403/400 answers, and 429/503/connection
failures once retries run out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypedDict

from .._convert import from_wire, to_wire
from .._types import RequestOptions, split_request_options
from ..models._shared import ActionResponse, CallbackRequest, to_id_text
from ..models.applications import (
    Application,
    ApplicationListResponse,
    CreateApplicationRequest,
    CreateApplicationResponse,
    DeleteApplicationRequest,
    ListApplicationsRequest,
    UpdateApplicationRequest,
)
from ._base import Resource, filters_query, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

__all__ = ["ApplicationSettings", "Applications"]


class ApplicationSettings(TypedDict, total=False):
    """The keyword arguments of ``create`` and ``update`` beyond ``answer_url`` (the SDK's).

    URLs must be absolute http(s) URLs, methods ``GET`` or ``POST`` (any case), flags
    booleans (or ``"true"``/``"false"``), ``subaccount`` an ``SA...`` auth id. A name not
    listed here is refused with a :class:`~plivo_async.errors.ValidationError`.
    """

    answer_method: str
    hangup_url: str
    hangup_method: str
    fallback_answer_url: str
    fallback_method: str
    message_url: str
    message_method: str
    default_number_app: bool
    default_endpoint_app: bool
    subaccount: str
    log_incoming_messages: bool
    public_uri: bool
    callback_url: str
    callback_method: str


class _SettingsAndOptions(ApplicationSettings, RequestOptions, total=False):
    """What ``create`` and ``update`` take as keywords: the settings, and the per-call
    :class:`~plivo_async._types.RequestOptions`."""


class Applications(Resource):
    """The applications of one account. Get it as ``client.applications``."""

    async def create(
        self,
        app_name: str,
        answer_url: str | None = None,
        *,
        retry_unsafe: bool = False,
        **settings: Unpack[_SettingsAndOptions],
    ) -> CreateApplicationResponse:
        """Create an application (``POST Application/``).

        ``answer_url`` may be given second, as in the SDK; the other ``settings`` are the
        SDK's keyword arguments (see :class:`ApplicationSettings`).

        Raises:
            ValidationError: If ``app_name`` is empty, a setting is unknown, a URL is not
                http(s), a method is not GET/POST, a flag is not a boolean, or
                ``subaccount`` is not an ``SA...`` id. From the API (400): an
                application with that name exists already.
            OutcomeUnknownError: If the request failed ambiguously, so the application
                may or may not exist now. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        options, fields = split_request_options(settings)
        fields = {"app_name": app_name, "answer_url": answer_url, **fields}
        request = from_wire(CreateApplicationRequest, fields)
        return await self._post(
            "Application/",
            cast_to=CreateApplicationResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def get(
        self,
        app_id: str | int,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Application:
        """One application (``GET Application/{id}/``).

        Raises:
            ValidationError: If ``app_id`` is empty, ``.``/``..``, or holds a control
                character (anything else is percent-encoded into its path segment), or a
                callback argument is invalid.
            ResourceNotFoundError: If the account has no application with that id.
        """
        path = item_path("Application", "app_id", app_id)
        request = CallbackRequest(callback_url=callback_url, callback_method=callback_method)
        return await self._send("GET", path, cast_to=Application, request=request, options=options)

    async def list(self, **filters: Any) -> ApplicationListResponse:
        """One page of applications (``GET Application/``).

        Filters: ``subaccount``, ``app_name``, ``limit`` (1..20), ``offset``, and
        ``callback_url`` / ``callback_method`` (the asynchronous mode).

        Raises:
            ValidationError: If a filter is unknown or breaks its rule.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListApplicationsRequest, filters)
        return await self._get(
            "Application/", cast_to=ApplicationListResponse, query=query, options=options
        )

    async def iter_all(self, **filters: Any) -> AsyncIterator[Application]:
        """Every application matching ``filters`` (those of :meth:`list`), page after page.

        Raises:
            ValidationError: As for :meth:`list`, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListApplicationsRequest, filters)
        pages = self._paginate(
            "Application/", page=ApplicationListResponse, query=query, options=options
        )
        async for application in pages:
            yield application

    def __aiter__(self) -> AsyncIterator[Application]:
        """``async for app in client.applications``: every application of the account.

        Raises:
            PlivoError: While iterating, whatever a page's request raises.
        """
        return self.iter_all()

    async def update(
        self,
        app_id: str | int,
        answer_url: str | None = None,
        **settings: Unpack[_SettingsAndOptions],
    ) -> ActionResponse:
        """Change an application (``POST Application/{id}/``): only the fields given.

        Takes the settings of :meth:`create` (not ``app_name``, which cannot change).
        Idempotent (it sets values), so retried after ambiguous failures.

        Raises:
            ValidationError: If ``app_id`` is not a usable path segment, or a setting is
                unknown or breaks its rule (as for :meth:`create`).
            ResourceNotFoundError: If the account has no application with that id.
        """
        path = item_path("Application", "app_id", app_id)
        options, fields = split_request_options(settings)
        request = from_wire(UpdateApplicationRequest, {"answer_url": answer_url, **fields})
        return await self._post(
            path, cast_to=ActionResponse, body=request, idempotent=True, options=options
        )

    async def delete(
        self,
        app_id: str | int,
        cascade: bool | None = None,
        new_endpoint_application: str | int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Delete an application (``DELETE Application/{id}/``; 204, empty answer).

        ``cascade=True`` also deletes the endpoints attached to it, unless
        ``new_endpoint_application`` names the application they move to. These are sent
        as a JSON body, as the official SDK sends them.

        Raises:
            ValidationError: If ``app_id`` is not a usable path segment, ``cascade`` is not
                a boolean, ``new_endpoint_application`` is empty, or a callback argument
                is invalid.
            ResourceNotFoundError: If the account has no application with that id (or a
                retried delete finds it gone).
        """
        path = item_path("Application", "app_id", app_id)
        request = DeleteApplicationRequest(
            cascade=cascade,
            new_endpoint_application=to_id_text(new_endpoint_application),
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._delete(
            path, cast_to=ActionResponse, body=to_wire(request) or None, options=options
        )
