"""Request models (frozen, validated when built) and response models (with ``.raw``)."""

from __future__ import annotations

from ._shared import ActionResponse, ListMeta
from .calls import (
    CallDetails,
    CallListResponse,
    CreateCallRequest,
    CreateCallResponse,
    ListCallsRequest,
    LiveCall,
    LiveCallIds,
    LiveCallsRequest,
    PlayRequest,
    QueuedCall,
    QueuedCallIds,
    RecordRequest,
    RecordResponse,
    SendDigitsRequest,
    SpeakRequest,
    UpdateCallRequest,
)
from .phlo import (
    MemberActionRequest,
    MultiPartyCallActionRequest,
    PhloActionResponse,
    PhloDetails,
    PhloRunResponse,
)

__all__ = [
    "ActionResponse",
    "CallDetails",
    "CallListResponse",
    "CreateCallRequest",
    "CreateCallResponse",
    "ListCallsRequest",
    "ListMeta",
    "LiveCall",
    "LiveCallIds",
    "LiveCallsRequest",
    "MemberActionRequest",
    "MultiPartyCallActionRequest",
    "PhloActionResponse",
    "PhloDetails",
    "PhloRunResponse",
    "PlayRequest",
    "QueuedCall",
    "QueuedCallIds",
    "RecordRequest",
    "RecordResponse",
    "SendDigitsRequest",
    "SpeakRequest",
    "UpdateCallRequest",
]
