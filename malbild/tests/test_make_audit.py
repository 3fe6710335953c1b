"""`make audit` (scripts/audit.py): assessed findings, review dates, and an unreachable service."""

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load() -> Any:
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = load()
TODAY = date(2026, 11, 27)
REPORT = {
    "dependencies": [
        {"name": "django", "version": "5.2.1", "vulns": [
            {"id": "PYSEC-2026-1", "aliases": ["CVE-2026-1"], "fix_versions": ["5.2.2"]},
            {"id": "GHSA-aaaa-bbbb-cccc", "aliases": [], "fix_versions": []},
        ]},
        {"name": "nh3", "version": "0.3.8", "vulns": []},
        {"name": "private-package", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}  # fmt: skip


def test_the_committed_ignore_file_is_well_formed():
    audit.read_ignores((ROOT / "audit-ignore.txt").read_text())


def test_a_malformed_line_is_named():
    with pytest.raises(ValueError, match="line 2"):
        audit.read_ignores("# comment\nPYSEC-2026-1 because\n")


def test_an_assessed_finding_is_left_out_until_its_review_date():
    findings, skipped, total = audit.read_report(REPORT)
    assert (len(findings), skipped, total) == (2, ["private-package"], 3)
    ignores = audit.read_ignores("CVE-2026-1  2026-12-31  Only the admin uses it.\n")
    open_, assessed = audit.judge(findings, ignores, TODAY)
    assert [f.id for f in open_] == ["GHSA-aaaa-bbbb-cccc"]
    assert [f.id for f, _ in assessed] == ["PYSEC-2026-1"]
    open_, assessed = audit.judge(findings, ignores, date(2027, 1, 1))
    assert len(open_) == 2
    assert assessed == []


def test_an_unreachable_service_is_reported_as_not_checked(monkeypatch, capsys):
    everything_skipped = {"dependencies": [{"name": "django", "skip_reason": "not found"}]}

    class Result:
        stdout = __import__("json").dumps(everything_skipped)
        stderr = ""

    monkeypatch.setattr(audit.subprocess, "run", lambda *a, **k: Result())
    assert audit.main() == 0
    assert "NOT CHECKED" in capsys.readouterr().out


def test_an_open_finding_fails_make_audit(monkeypatch, capsys):
    class Result:
        stdout = __import__("json").dumps(REPORT)
        stderr = ""

    monkeypatch.setattr(audit.subprocess, "run", lambda *a, **k: Result())
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "OPEN      django 5.2.1 PYSEC-2026-1 (fixed in: 5.2.2)" in out
    assert "2 packages checked, 2 open finding(s)" in out
