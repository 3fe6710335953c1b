"""Check the pinned dependencies for known vulnerabilities (`make audit`).

Runs pip-audit on the lock files, leaves out the findings assessed in `audit-ignore.txt` (until
their review date), and says plainly when the vulnerability service could not be asked: pip-audit
then skips every package and would otherwise print "No known vulnerabilities found".

Exit status: 0 when nothing unassessed was found or nothing could be checked (said loudly), 1 for
unassessed findings, 2 for a malformed `audit-ignore.txt`.
"""

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.lock", "requirements-dev.lock")
LINE = re.compile(r"^(?P<id>\S+)\s+(?P<review>\d{4}-\d{2}-\d{2})\s+(?P<reason>\S.*)$")


@dataclass(frozen=True)
class Assessment:
    id: str
    review: date
    reason: str


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixes: tuple[str, ...]


def read_ignores(text: str) -> dict[str, Assessment]:
    """The assessed findings: `ID  YYYY-MM-DD  reason` per line; # starts a comment."""
    assessments = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = LINE.match(line)
        if match is None:
            raise ValueError(
                f"audit-ignore.txt line {number}: write 'ID  YYYY-MM-DD  reason', not {raw!r}"
            )
        review = date.fromisoformat(match["review"])
        assessments[match["id"]] = Assessment(match["id"], review, match["reason"])
    return assessments


def read_report(report: dict) -> tuple[list[Finding], list[str], int]:
    """pip-audit's JSON: (findings, names of skipped packages, number of packages)."""
    findings, skipped = [], []
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(dependency["name"])
            continue
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    dependency["name"],
                    dependency.get("version", ""),
                    vuln["id"],
                    tuple(vuln.get("aliases", [])),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    return findings, skipped, len(report.get("dependencies", []))


def judge(
    findings: list[Finding], assessments: dict[str, Assessment], today: date
) -> tuple[list[Finding], list[tuple[Finding, Assessment]]]:
    """Split findings into (open, assessed); an assessment past its review date no longer counts."""
    open_, assessed = [], []
    for finding in findings:
        match = next(
            (
                assessments[key]
                for key in (finding.id, *finding.aliases)
                if key in assessments and assessments[key].review >= today
            ),
            None,
        )
        if match is None:
            open_.append(finding)
        else:
            assessed.append((finding, match))
    return open_, assessed


def main() -> int:
    try:
        assessments = read_ignores((ROOT / "audit-ignore.txt").read_text())
    except ValueError as e:
        print(f"make audit: {e}")
        return 2
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    for assessment in assessments.values():
        if assessment.review < today:
            print(
                f"make audit: the assessment of {assessment.id} was due for review on "
                f"{assessment.review}; it no longer hides the finding."
            )
    command = [
        sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "--format", "json",
        "--progress-spinner", "off",
    ]  # fmt: skip
    for lock in LOCK_FILES:
        command += ["-r", str(ROOT / lock)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"make audit: NOT CHECKED. pip-audit could not run ({last}).")
        return 0
    findings, skipped, total = read_report(report)
    if total and len(skipped) == total:
        print(
            f"make audit: NOT CHECKED. None of the {total} pinned packages could be looked up: "
            "pip-audit's vulnerability service (PyPI's JSON API) is not reachable from here. "
            "Run `make audit` where https://pypi.org/pypi/ answers."
        )
        return 0
    open_, assessed = judge(findings, assessments, today)
    for finding, assessment in assessed:
        print(
            f"assessed  {finding.package} {finding.version} {finding.id}: {assessment.reason} "
            f"(review by {assessment.review})"
        )
    for finding in open_:
        fixes = ", ".join(finding.fixes) or "no fixed version yet"
        print(f"OPEN      {finding.package} {finding.version} {finding.id} (fixed in: {fixes})")
    checked = total - len(skipped)
    if skipped:
        print(f"make audit: {len(skipped)} package(s) not looked up: {', '.join(skipped)}")
    print(
        f"make audit: {checked} packages checked, {len(open_)} open finding(s), "
        f"{len(assessed)} assessed."
    )
    return 1 if open_ else 0


if __name__ == "__main__":
    sys.exit(main())
