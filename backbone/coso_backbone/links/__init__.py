"""Links between authorities' stacks: RabbitMQ federation configured from a link file.

`spec` is the link file (docs/FEDERATION.md), `policy` decides which events cross upward,
`admin` writes the brokers' configuration through the management API, `status` reads the
links' health back (also as Prometheus metrics), `cli` is the `coso-link` command.
"""
