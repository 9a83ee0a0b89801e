"""coso notifications: makes sure the right office hears of a deadline in time.

Event rules fire on other services' events (a candidate was proposed); deadline rules fire
on the deadlines admissions' events carry (decision, ceremony, probation, recognition, file
expiry), evaluated by a scheduler on a working-day calendar. Notifications reach
subscriptions (per authority subtree and role) by webhook, email, AMQP or the in-app feed,
exactly once per rule, subject, due date and recipient, retried with backoff and kept in a
delivery log. Publishes `notifications.*` events; consumes `admissions.*`.
"""
