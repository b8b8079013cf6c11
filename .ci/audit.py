"""Supply chain: pip-audit over the installed packages; fail on a known
vulnerability.

    .venv/bin/python .ci/audit.py

Runs ``pip-audit --format json`` (PyPI's advisory data) over the virtualenv,
prints every vulnerable package with its fixed versions and exits 1 if there
is one. Packages pip-audit could not look up are listed; when it could look
up none at all (the advisory service unreachable, as behind a mirror that
serves only the package index), it says so loudly and exits 0, or 2 with
AUDIT_STRICT=1, so a machine without the service does not block a landing
but never passes silently either.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def verdict(report: dict, *, strict: bool = False) -> tuple[int, list[str]]:
    """Exit status and lines to print for a pip-audit JSON report."""
    lines, vulnerable, skipped = [], [], []
    dependencies = report.get("dependencies", [])
    for dep in dependencies:
        if dep.get("skip_reason"):
            skipped.append(dep)
        elif dep.get("vulns"):
            vulnerable.append(dep)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixes}"
            )
    audited = len(dependencies) - len(skipped)
    if skipped:
        lines.append(f"{len(skipped)} package(s) not audited:")
        lines.extend(f"  {dep['name']}: {dep['skip_reason']}" for dep in skipped)
    if vulnerable:
        lines.append(f"{len(vulnerable)} vulnerable package(s) of {audited} audited")
        return 1, lines
    if dependencies and audited == 0:
        lines.append(
            "WARNING: pip-audit could look up none of the "
            f"{len(dependencies)} packages: its advisory service is unreachable "
            "from this machine. Nothing was checked."
        )
        return (2 if strict else 0), lines
    lines.append(f"No known vulnerabilities in {audited} audited package(s)")
    return 0, lines


def main() -> int:
    result = subprocess.run(
        [str(BIN / "pip-audit"), "--format", "json", "--skip-editable",
         "--progress-spinner", "off"],
        capture_output=True, text=True,
    )  # fmt: skip
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stderr)
        sys.stdout.write("pip-audit gave no report\n")
        return 2
    status, lines = verdict(report, strict=os.environ.get("AUDIT_STRICT") == "1")
    sys.stdout.write("\n".join(lines) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
