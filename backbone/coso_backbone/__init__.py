"""coso's event backbone: the plumbing every coso service shares.

Event store with gap-free global positions, transactional outbox relay to RabbitMQ,
CloudEvents envelope, idempotent consumer with catch-up, dead letters and metrics.
Services import this package; they never import each other.
"""
