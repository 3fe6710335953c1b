import re
from pathlib import Path

from malbild.audit.forms import ACTION_LABELS

PACKAGE = Path(__file__).resolve().parents[2]


def recorded_actions() -> set[str]:
    actions = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        actions |= set(re.findall(r'audit\.record\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text()))
    return actions


def test_every_recorded_action_has_a_label_people_can_read():
    actions = recorded_actions()
    assert len(actions) > 10, "the pattern no longer finds the calls"
    assert actions - set(ACTION_LABELS) == set()
