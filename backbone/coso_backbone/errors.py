"""The backbone's exception hierarchy: each error names what went wrong and why."""


class BackboneError(Exception):
    """Base of every error raised by the event backbone."""


class ConcurrencyError(BackboneError):
    """Another writer appended to the stream since it was read."""

    def __init__(self, stream_id: str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual_version}, "
            f"but the command expected version {expected_version}; reload and retry"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class AppendConflict(ConcurrencyError):
    """The database refused an append as a duplicate stream version or event id."""

    def __init__(self, stream_ids: list[str]) -> None:
        BackboneError.__init__(
            self,
            f"append to {', '.join(stream_ids[:5])}{' …' if len(stream_ids) > 5 else ''} clashed with a concurrent "
            "writer or reused an event id; reload and retry",
        )
        self.stream_id = stream_ids[0] if stream_ids else ""
        self.expected_version = -1
        self.actual_version = -1


class MalformedMessage(BackboneError):
    """A message that is not a valid coso CloudEvent."""


class UnknownEventVersion(BackboneError):
    """An event type this consumer knows, in a version it does not."""


class EventSourceUnavailable(BackboneError):
    """The read API of a source service could not be reached or answered badly."""


class PublishFailed(BackboneError):
    """The broker refused (nacked) or did not confirm a published batch in time."""


class CosoError(Exception):
    """Base of the services' own error hierarchies: a refusal with a clear reason.

    `field` names the input at fault and `rule` the rule it broke, so an API answer or a
    row-by-row import report can point at them. Subclasses pick a kind through the mixins
    below, which the HTTP layer maps to a status code.
    """

    def __init__(self, message: str, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict[str, str | None]:
        return {"error": type(self).__name__, "message": self.message, "field": self.field, "rule": self.rule}


class InvalidInput(CosoError):
    """The input breaks a rule (HTTP 422)."""


class NotFound(CosoError):
    """The input names something that does not exist (HTTP 404)."""


class Conflict(CosoError):
    """The input clashes with what exists (HTTP 409), e.g. a duplicate or a stale version."""


class Forbidden(CosoError):
    """The caller may not do this for this authority (HTTP 403)."""


class Unauthenticated(CosoError):
    """The caller presented no credentials, or ones the service does not know (HTTP 401)."""
