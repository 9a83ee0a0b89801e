"""coso notifications: tells the outside world when something happens.

Rules fire on other services' events (for now: a candidate was proposed) and schedule a
notification for every webhook subscribed to the rule; a deliverer posts each one, signed,
retrying with exponential backoff, and keeps a delivery log. Publishes `notifications.*`
events; consumes `admissions.*`.
"""
