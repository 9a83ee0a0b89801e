"""The notifications application layer: scheduling, delivering, the delivery log, and their ports."""
