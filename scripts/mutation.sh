#!/usr/bin/env bash
# Mutation testing (mutmut 3): how much of the code would the focused tests notice if it broke?
#
#   scripts/mutation.sh                 # every group below (several minutes)
#   scripts/mutation.sh selection skm   # only some groups
#   scripts/mutation.sh --rev HEAD~3    # the code and tests of a commit (before/after scores)
#
# Each group mutates some files and runs only the tests that are meant to check them
# (mutmut then runs, per mutant, the tests that reach the mutated function). A group runs
# in its own copy of the tree under var/mutation/<group>/ (mutmut copies that again into
# mutants/), so the checkout is never touched and several groups keep their results.
# The score per file leaves out the mutants judged equivalent in
# scripts/mutation-equivalent.md. Not part of scripts/test.sh: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

declare -A FILES TESTS
FILES[selection]="hub/engine/selection.py"
FILES[state]="hub/engine/state.py"
FILES[engine]="hub/engine/engine.py hub/engine/events.py hub/engine/records.py hub/engine/errors.py"
TESTS[selection]="tests/engine"
TESTS[state]="tests/engine"
TESTS[engine]="tests/engine"
FILES[eventlog]="hub/eventlog.py"
TESTS[eventlog]="tests/eventlog"
FILES[skm]="hub/reports/skm.py"
TESTS[skm]="tests/reports"
FILES[queries]="hub/reports/queries.py"
TESTS[queries]="tests/reports"
ORDER=(selection state engine eventlog skm queries)

usage() {
    echo "usage: scripts/mutation.sh [--rev COMMIT] [GROUP...]   groups: ${ORDER[*]}"
    for group in "${ORDER[@]}"; do
        echo "  $group: mutates ${FILES[$group]}, runs ${TESTS[$group]}"
    done
}
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then usage; exit 0; fi
rev=""
if [[ "${1:-}" == "--rev" ]]; then rev=${2:?--rev needs a commit}; shift 2; fi
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=("${ORDER[@]}")
for group in "${groups[@]}"; do
    [[ -n "${FILES[$group]:-}" ]] || { echo "unknown group: $group" >&2; usage >&2; exit 2; }
done

[[ -x .venv/bin/python ]] || scripts/bootstrap.sh
# mutmut is a dev tool, not a dependency of the project: install it here if it is missing.
.venv/bin/python -c "import mutmut" 2>/dev/null || .venv/bin/pip install --quiet "mutmut>=3.3,<4"
export QT_QPA_PLATFORM=offscreen

for group in "${groups[@]}"; do
    work="var/mutation/$group"
    echo "== $group: ${FILES[$group]} against ${TESTS[$group]}"
    rm -rf "$work"
    mkdir -p "$work"
    # Only what the tests need; mutmut copies source_paths, tests/ and also_copy into mutants/.
    if [[ -n "$rev" ]]; then
        git archive "$rev" hub tests config bench pyproject.toml | tar -x -C "$work"
    else
        cp -r hub tests config bench pyproject.toml "$work/"
    fi
    find "$work" -name __pycache__ -prune -exec rm -rf {} +
    rm -rf "$work/tests/artifacts"
    only_mutate=$(for f in ${FILES[$group]}; do echo "    $f"; done)
    # mutmut reads setup.cfg when pyproject.toml has no [tool.mutmut]; this file exists
    # only in the work copy. No pytest timeout: mutmut's tracing makes the state machine
    # several times slower, and mutmut times out hanging mutants itself.
    cat > "$work/setup.cfg" <<EOF
[mutmut]
source_paths =
    hub
also_copy =
    config
    bench
only_mutate =
$only_mutate
pytest_add_cli_args_test_selection =
    ${TESTS[$group]}
pytest_add_cli_args =
    -p
    no:cacheprovider
    --timeout=0
EOF
    (cd "$work" && "$root/.venv/bin/mutmut" run --max-children "$(nproc)" > mutmut-run.log 2>&1) || {
        echo "mutmut failed for $group; see $work/mutmut-run.log" >&2
        tail -20 "$work/mutmut-run.log" >&2
        exit 1
    }
    (cd "$work" && "$root/.venv/bin/mutmut" results --all true > results.txt)
done

.venv/bin/python scripts/mutation_score.py "${groups[@]}"
