"""The notifications domain: rules, deadlines and the working-day calendar, recipients,
deliveries and their retry policy, webhook signing. No I/O."""
