"""Templates follow the layers too (docs/architecture.md, "Layers"): an app's template includes or
extends another app's template, or loads another app's template tags, only when that app stands
on a lower floor (or in the core, whose apps use each other). import-linter checks the Python
imports against the same floors, read here from its contract in pyproject.toml."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "malbild" / "templates"
TAG = re.compile(r'{%\s*(?:include|extends)\s+"([^"/]+)/[^"]*"')
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
# Template folders named by the app's label where it differs from the package.
LABELS = {"platform": "platforms"}


def floors() -> tuple[dict[str, int], set[int]]:
    """Each app's floor, counted from the bottom, and the floors whose apps use each other."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    found: dict[str, int] = {}
    shared: set[int] = set()
    for number, layer in enumerate(reversed(contract["layers"])):
        if " : " in layer:
            shared.add(number)
        for module in re.split(r" [|:] ", layer):
            found[module.strip().removeprefix("malbild.")] = number
    return found, shared


def tag_libraries() -> dict[str, str]:
    """The app of each template tag library (`{% load <library> %}`)."""
    return {
        module.stem: module.parts[-3]
        for module in (ROOT / "malbild").glob("*/templatetags/*.py")
        if module.stem != "__init__"
    }


def upward_templates() -> list[str]:
    floor, shared = floors()
    libraries = tag_libraries()
    wrong = []
    for template in sorted(TEMPLATES.rglob("*")):
        if not template.is_file():
            continue
        folder = template.relative_to(TEMPLATES).parts[0]
        app = LABELS.get(folder, folder)
        if app not in floor:
            continue  # base.html, includes/, errors/, pages/: the frame, used by everyone
        text = template.read_text(encoding="utf-8")
        loaded = [libraries[name] for names in LOAD.findall(text) for name in names.split()
                  if name in libraries]  # fmt: skip
        for used in TAG.findall(text) + loaded:
            other = LABELS.get(used, used)
            if other == app or other not in floor:
                continue
            same_shared_floor = floor[other] == floor[app] and floor[app] in shared
            if floor[other] >= floor[app] and not same_shared_floor:
                wrong.append(f"{template.relative_to(TEMPLATES)} uses {used}/…")
    return wrong


def test_the_floors_are_read_from_the_contract():
    floor, shared = floors()
    assert floor["lib"] == 0
    assert floor["tenants"] == floor["audit"] == floor["accounts"] in shared
    assert floor["goals"] < floor["plans"] < floor["announcements"] < floor["stories"]
    assert floor["stories"] < floor["dashboards"] < floor["demo"]


def test_the_tag_libraries_are_found():
    assert tag_libraries()["tenants"] == "tenants"
    assert tag_libraries()["surveys"] == "surveys"


def test_no_template_includes_extends_or_loads_tags_of_an_app_above_it():
    assert upward_templates() == []
