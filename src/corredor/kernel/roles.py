"""On PostgreSQL the platform runs as a role that owns nothing.

The owner (who runs `corredor db upgrade`) creates and alters the tables; the application role,
the one in the server's CORREDOR_DATABASE_URL, may read and write rows, but on the audit log only
read and append: no UPDATE, DELETE or TRUNCATE, and, owning no table, no ALTER and no DISABLE
TRIGGER either. So a compromised server can neither rewrite nor empty the audit log. Grants are
applied again after every migration, so new tables are covered.
"""

from __future__ import annotations

import re
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import make_url

APPEND_ONLY: Final = ("audit_entries",)
NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class RoleError(ValueError):
    pass


def grant_app_role(owner_url: str, role: str) -> list[str]:
    """Create the application role if needed and give it exactly its rights; returns the
    statements run. Needs the owner's (or a superuser's) URL."""
    if not NAME.fullmatch(role):
        raise RoleError(f"role name {role!r}: use lower-case letters, digits and _")
    if make_url(owner_url).get_backend_name() != "postgresql":
        raise RoleError("application roles exist on PostgreSQL only; SQLite has no roles")
    engine = sa.create_engine(owner_url)
    ran: list[str] = []
    try:
        with engine.begin() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
            ).first()
            database = connection.execute(sa.text("SELECT current_database()")).scalar_one()
            statements = [
                *([] if exists else [f'CREATE ROLE "{role}" LOGIN']),
                f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
                f'GRANT USAGE ON SCHEMA public TO "{role}"',
                f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
                *(
                    f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM "{role}"'
                    for table in APPEND_ONLY
                ),
                f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
            ]
            for statement in statements:
                connection.execute(sa.text(statement))
                ran.append(statement)
    finally:
        engine.dispose()
    return ran
