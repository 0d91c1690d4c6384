"""Print the mutation score per file from the results scripts/mutation.sh left behind.

Usage: python scripts/mutation_score.py GROUP...   (reads var/mutation/GROUP/results.txt)

A mutant listed in scripts/mutation-equivalent.md (its name in backticks, then the
changed code in backticks) is left out of the score: nothing can tell it from the
original. An entry whose mutant no longer exists, or whose code no longer matches
(the file changed and mutmut renumbered), is reported as stale, and the mutant counts.
Survivors are listed so they can be read with `mutmut show NAME` in the group's folder.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "scripts" / "mutation-equivalent.md"
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
"""Outcomes where the tests noticed the mutant (a hang or crash is noticed too)."""

ENTRY = re.compile(r"^\s*[-*]\s+`(?P<name>[^`]+__mutmut_\d+)`\s+`(?P<code>[^`]+)`")


def file_of(mutant: str) -> str:
    """Map `hub.engine.state.xǁEngineStateǁapply__mutmut_3` to `hub/engine/state.py`."""
    module = mutant.split(".x", 1)[0] if ".xǁ" in mutant or ".x_" in mutant else mutant
    module = re.sub(r"\.x_[^.]*$", "", module)
    return module.replace(".", "/") + ".py"


def load_results(group: str) -> dict[str, str]:
    """Read `name: status` lines that `mutmut results --all true` printed."""
    results: dict[str, str] = {}
    path = ROOT / "var" / "mutation" / group / "results.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            results[name] = status
    return results


def equivalent_entries() -> dict[str, str]:
    """Return {mutant name: code fragment its diff must contain} from the list."""
    if not EQUIVALENT.exists():
        return {}
    entries = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            entries[match["name"]] = match["code"]
    return entries


def diff_of(group: str, mutant: str) -> str:
    """Return what `mutmut show` prints for a mutant (its diff)."""
    work = ROOT / "var" / "mutation" / group
    shown = subprocess.run([str(ROOT / ".venv" / "bin" / "mutmut"), "show", mutant],
                           cwd=work, capture_output=True, text=True, check=False)
    return shown.stdout


def main(groups: list[str]) -> int:
    """Print one line per file and the survivors; return 0."""
    equivalent = equivalent_entries()
    print(f"{'file':<32} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv.':>6} {'score':>7}")
    survivors: dict[str, list[str]] = defaultdict(list)
    stale: list[str] = []
    for group in groups:
        results = load_results(group)
        by_file: dict[str, Counter[str]] = defaultdict(Counter)
        for name, status in sorted(results.items()):
            path = file_of(name)
            if name in equivalent and status not in KILLED:
                if equivalent[name] in diff_of(group, name):
                    by_file[path]["equivalent"] += 1
                    continue
                stale.append(f"{name} (its code no longer contains {equivalent[name]!r})")
            by_file[path]["total"] += 1
            if status in KILLED:
                by_file[path]["killed"] += 1
            else:
                survivors[path].append(f"{name}: {status}")
        for name in equivalent:
            if file_of(name) in by_file and name not in results:
                stale.append(f"{name} (no such mutant now)")
        for path, counts in sorted(by_file.items()):
            total, killed = counts["total"], counts["killed"]
            score = 100.0 * killed / total if total else 100.0
            print(f"{path:<32} {total:>7} {killed:>7} {total - killed:>8} "
                  f"{counts['equivalent']:>6} {score:>6.1f}%")
    for path, names in sorted(survivors.items()):
        print(f"\nsurvivors in {path} (read one: cd var/mutation/GROUP && "
              f"../../../.venv/bin/mutmut show NAME):")
        for name in names:
            print(f"  {name}")
    if stale:
        print("\nstale entries in scripts/mutation-equivalent.md (check them again):")
        for entry in stale:
            print(f"  {entry}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
