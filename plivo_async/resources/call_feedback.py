"""Call quality feedback: ``client.call_feedback``.

Feedback goes to Plivo's call insights host (``https://stats.plivo.com/v1/Call/{uuid}/Feedback/``,
overridable with the client's ``callinsights_base_url``), not to the account's API URL; the
same credentials, limits and retry policy apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models.call_feedback import CallFeedbackRequest, CallFeedbackResponse
from ..validation import path_segment
from ._base import Resource

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["CallFeedback"]


class CallFeedback(Resource):
    """Rate a finished call. Get it as ``client.call_feedback``."""

    async def create(
        self,
        call_uuid: str,
        rating: float | str,
        issues: Sequence[str] | str | None = None,
        notes: str | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> CallFeedbackResponse:
        """Post feedback on a call (``POST v1/Call/{call_uuid}/Feedback/`` on the insights host).

        ``rating`` is 1 to 5 (``"4"``, ``4`` and ``4.0`` alike); below 5, ``issues`` must
        name at least one of :data:`~plivo_async.models.call_feedback.FEEDBACK_ISSUES`.
        Feedback is not idempotent (sent twice, it counts twice): an ambiguous failure is
        not retried unless ``retry_unsafe=True``.

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.``/``..`` or holds control
                characters, ``rating`` is not a number from 1 to 5, ``issues`` holds an
                unknown issue or is missing for a rating below 5.
            ResourceNotFoundError: If Plivo knows no call with that uuid.
            PlivoRestError: 422 if Plivo refuses the rating or the issues.
            OutcomeUnknownError: If the request failed ambiguously, so the feedback may or
                may not have been recorded. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
            AuthenticationError, RateLimitError, PlivoServerError, PlivoConnectionError:
                As for every request (see :class:`~plivo_async.resources.calls.Calls`).
        """
        segment = path_segment("call_uuid", call_uuid)
        request = CallFeedbackRequest(
            rating=rating,  # a numeric string is converted
            issues=list(issues) if isinstance(issues, (list, tuple)) else issues,
            notes=notes,
        )
        return await self._post(
            f"{self._transport.callinsights_base}Call/{segment}/Feedback/",
            cast_to=CallFeedbackResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )
