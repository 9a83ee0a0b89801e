"""The notifications application layer: scheduling (event rules and the deadline scheduler),
deadline tracking, delivering, subscriptions, the delivery log, and their ports."""
