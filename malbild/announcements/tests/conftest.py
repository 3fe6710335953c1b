import pytest


@pytest.fixture(autouse=True)
def _in_english(english):
    """Every test here in English (conftest.english): they compare messages with the msgids."""
