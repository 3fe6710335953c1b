import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_read_from_the_environment_is_documented():
    settings = (ROOT / "malbild" / "settings.py").read_text()
    read = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', settings))
    documented = set(
        re.findall(r"`MALBILD_([A-Z_]+)`", (ROOT / "docs/configuration.md").read_text())
    )
    assert read, "the pattern no longer finds the settings"
    assert read - documented == set()
