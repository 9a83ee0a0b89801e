"""Events as the event store sees them: new ones to append, recorded ones read back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended to one stream."""

    event_type: str
    data: dict[str, Any]
    authority: str
    version: int = 1
    event_id: str = field(default_factory=lambda: str(uuid4()))

    def data_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class RecordedEvent:
    """An event read back from the store, with its global position."""

    position: int
    event_id: str
    stream_id: str
    stream_version: int
    event_type: str
    event_version: int
    authority: str
    data_json: str
    recorded_at: datetime

    @property
    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.data_json)
        return loaded
