"""Test doubles: an in-memory unit of work (Cosmic Python's ``FakeUnitOfWork``) and what drives it."""
