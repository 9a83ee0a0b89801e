"""Alembic environment shared by the backbone and the services: the engine and the
version table come from the caller (see coso_backbone.migrate)."""

from alembic import context

config = context.config
engine = config.attributes["engine"]
version_table = config.attributes["version_table"]

with engine.connect() as connection:
    context.configure(connection=connection, version_table=version_table, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
