"""The notifications exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import Conflict, CosoError, InvalidInput, NotFound


class NotificationsError(CosoError):
    """Base of every refusal by the notifications service."""


class InvalidWebhook(NotificationsError, InvalidInput):
    """A configured webhook is unusable (no URL scheme, no secret, a duplicate)."""


class UnknownRule(NotificationsError, InvalidInput):
    """A rule name that no rule answers to."""


class InvalidRetryPolicy(NotificationsError, InvalidInput):
    """Retry settings that would never retry sensibly."""


class InvalidDeliveryQuery(NotificationsError, InvalidInput):
    """A delivery-log query with a bad parameter, e.g. an unknown status."""


class UnknownDelivery(NotificationsError, NotFound):
    """No delivery has this notification id."""


class DeliveryAlreadyFinished(NotificationsError, Conflict):
    """An attempt was recorded for a delivery that is already delivered or failed."""


class UnknownChannel(NotificationsError, InvalidInput):
    """A channel name that no channel answers to."""


class InvalidSubscription(NotificationsError, InvalidInput):
    """A subscription that cannot receive anything (no authority, a bad address, no secret)."""


class UnknownSubscription(NotificationsError, NotFound):
    """No subscription has this id."""


class SubscriptionConflict(NotificationsError, Conflict):
    """A subscription that clashes with an existing one (the same webhook URL with another secret)."""


class InvalidDeadlineRule(NotificationsError, InvalidInput):
    """A deadline rule setting that makes no sense (negative working days, an unknown role list)."""


class InvalidCalendar(NotificationsError, InvalidInput):
    """A working-day calendar setting that cannot be used."""


class InvalidMinimum(NotificationsError, InvalidInput):
    """A minimum of official members that is not a positive count."""
