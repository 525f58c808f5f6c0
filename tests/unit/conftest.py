"""Tests of the pure modules (router core, tiers, pricing, heartbeat rules, the import
graph): they run with nothing running, not even PostgreSQL or Redis.

Run alone (`pytest tests/unit`) they read `tests/unit/pytest.ini`, without Django. Run with
the whole suite they see `tests/conftest.py` too, whose Redis fixture is switched off here.
"""

import pytest


@pytest.fixture(autouse=True)
def _fresh_broker_state():
    """Nothing here touches Redis (overrides the suite-wide fixture of the same name)."""
