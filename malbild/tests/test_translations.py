"""The Swedish catalogue is complete, has no fuzzy entries, and is compiled.

The catalogue is regenerated from the source in a temporary copy, so the test never changes
tracked files.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
PO = PACKAGE / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

MAKEMESSAGES = """
import django
from django.conf import settings
from django.core.management import call_command
settings.configure(USE_I18N=True, LOCALE_PATHS=[], INSTALLED_APPS=[])
django.setup()
call_command("makemessages", locale=["sv"], verbosity=0, no_obsolete=True)
"""


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("catalogue") / "malbild"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests", "static"))
    subprocess.run([sys.executable, "-c", MAKEMESSAGES], cwd=copy, check=True)
    return copy / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def msgattrib(option: str, po: Path) -> str:
    return subprocess.run(
        ["msgattrib", option, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout


def test_every_string_has_a_swedish_translation(regenerated):
    untranslated = msgattrib("--untranslated", regenerated)
    assert untranslated == "", (
        "Untranslated (run `make messages`, then translate):\n" + untranslated
    )


def test_no_translation_is_fuzzy(regenerated):
    fuzzy = msgattrib("--only-fuzzy", regenerated)
    assert fuzzy == "", "Fuzzy entries (check them and remove the flag):\n" + fuzzy


def test_the_compiled_catalogue_matches_the_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)], check=True)
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    assert actual == expected, "django.mo is stale: run `make messages`"
