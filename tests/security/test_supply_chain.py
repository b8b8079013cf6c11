"""Issue 9, point 9: pip-audit runs in CI (.ci/run calls .ci/audit.py) and a
known vulnerability fails it."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
spec = importlib.util.spec_from_file_location("audit", ROOT / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def dep(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def test_a_known_vulnerability_fails_the_audit():
    report = {
        "dependencies": [
            dep("django", "5.2.0", [
                {"id": "PYSEC-2024-1", "fix_versions": ["5.2.1"],
                 "aliases": ["CVE-2024-45231"], "description": "..."}
            ]),
            dep("pillow", "11.0"),
        ]
    }  # fmt: skip
    status, lines = audit.verdict(report)
    assert status == 1
    assert any("django 5.2.0: PYSEC-2024-1 (CVE-2024-45231)" in line for line in lines)
    assert any("fixed in 5.2.1" in line for line in lines)


def test_a_clean_report_passes():
    status, lines = audit.verdict({"dependencies": [dep("django"), dep("pillow")]})
    assert status == 0
    assert lines[-1] == "No known vulnerabilities in 2 audited package(s)"


def test_nothing_audited_is_said_loudly_and_fails_when_strict():
    report = {"dependencies": [{"name": "django", "skip_reason": "not found"}]}
    status, lines = audit.verdict(report)
    assert status == 0
    assert lines[-1].startswith("WARNING: pip-audit could look up none")
    assert audit.verdict(report, strict=True)[0] == 2


def test_ci_runs_the_audit():
    assert ".ci/audit.py" in (ROOT / ".ci" / "run").read_text()
