"""The notifications domain: rules, deliveries and their retry policy, webhook signing. No I/O."""
