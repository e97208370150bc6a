"""SQLAlchemy models, engine, migrations and repositories.

The only layer that imports SQLAlchemy or Alembic. Repositories return `planner.core` records;
ORM objects never leave this package.
"""
