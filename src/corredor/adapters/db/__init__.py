"""The database adapter: SQLAlchemy 2 tables, the engine, and Alembic migrations."""
