"""Reporting's exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import Conflict, CosoError, Forbidden, InvalidInput, NotFound, Unauthenticated


class ReportingError(CosoError):
    """Base of every refusal by reporting."""


class UnknownAuthority(ReportingError, NotFound):
    """No indicators exist for the authority: it was never registered nor counted."""


class DuplicateRecord(ReportingError, Conflict):
    """An event registers or proposes, a second time, something already recorded."""


class RebuildInProgress(ReportingError, Conflict):
    """Tables of another rebuild exist: it is running, or it crashed and left them."""


class InvalidPlan(ReportingError, InvalidInput):
    """A plan, target or split breaks a rule (blank title, shares not summing to the target…)."""


class UnknownPlan(ReportingError, NotFound):
    """No plan has the given id."""


class DuplicatePlan(ReportingError, Conflict):
    """A plan with the given id was already adopted."""


class InvalidReportRequest(ReportingError, InvalidInput):
    """A report was asked for with a bad period or date."""


class HierarchyEventRefused(ReportingError, Conflict):
    """A hierarchy event cannot be placed in an authority's timeline (unknown authority,
    a change before it existed or after it ended); it is dead-lettered, to be replayed."""


class NotSignedIn(ReportingError, Unauthenticated):
    """A request without an API token (header, or the dashboard's session cookie for reading),
    or with a token reporting does not know, or a session that has ended."""


class AccessDenied(ReportingError, Forbidden):
    """The caller's grants do not cover the authority concerned."""


class InvalidGrant(ReportingError, InvalidInput):
    """A grant that cannot be given: an unknown role, or no authority."""
