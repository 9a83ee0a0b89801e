"""One authority's stack from one file: the `coso-authority` command.

An authority (a province, a bloc, a commune, an industrial-zone committee) runs the four
services with its own databases, its own RabbitMQ vhost and its own ports, so several
authorities' stacks can share one server. Everything that differs between them is in one
YAML file (deploy/authority.example.yml); everything else is rendered from it: the
environment file the services read, a Procfile, the systemd unit instances, the container
and Helm settings and the Prometheus scrape configuration.

Provisioning (RabbitMQ vhost, user, permissions, definitions; PostgreSQL role and databases;
migrations; systemd start and health) stays in deploy/bin/coso-stack-up, which this command
calls with the rendered environment file: one implementation of those steps, whether an
operator runs the script by hand or this command does. The `links:` part belongs to
`coso-link` (docs/FEDERATION.md) and is handed to it unchanged.

The modules, by what they are for: `model` (the authority file's schema), `loading` (reading
and validating it), `linking` (what is handed to coso-link), `environment` (the settings the
processes read), `render` (the files written), `provision` (coso-stack-up and purging),
`systemd` and `honcho` (the two process managers), `health`, `lifecycle` (up and down) and
`cli` (the command line).
"""
