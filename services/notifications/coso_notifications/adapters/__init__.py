"""The notifications adapters: SQL tables and stores, the channels (HTTP webhooks, SMTP, AMQP,
feed), the Jinja2 templates, Vietnam's working-day calendar, the clock, metrics."""
