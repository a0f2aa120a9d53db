#!/usr/bin/env bash
# The GitHub Action's logic (action.yml calls it; tests/action.rs runs it locally).
# Lints once to SARIF, prints the report to the log in the requested format, derives the
# job summary, step outputs and annotations from the SARIF, and exits like vpclint:
# 0 nothing at or above the fail level, 1 findings, 2 usage or configuration error.
#
# Inputs come from the environment: INPUT_PATHS (whitespace-separated, default "."),
# INPUT_CONFIG, INPUT_FAIL_LEVEL, INPUT_FORMAT (text|json|sarif|github|none),
# INPUT_SARIF_FILE, INPUT_ANNOTATIONS (true|false); VPCLINT is the binary to run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vpclint="${VPCLINT:-vpclint}"
fail_level="${INPUT_FAIL_LEVEL:-warning}"
format="${INPUT_FORMAT:-text}"
annotations="${INPUT_ANNOTATIONS:-true}"
config="${INPUT_CONFIG:-}"
sarif="${INPUT_SARIF_FILE:-}"

fail() {
  echo "::error title=vpclint::$1"
  exit 2
}

case "$format" in text | json | sarif | github | none) ;; *) fail "format must be text, json, sarif, github or none, not '$format'" ;; esac
case "$annotations" in true | false) ;; *) fail "annotations must be true or false, not '$annotations'" ;; esac

python=python3
command -v "$python" >/dev/null 2>&1 || python=python
command -v "$python" >/dev/null 2>&1 || fail "python3 is required to summarize the results"

cd "${GITHUB_WORKSPACE:-.}"
if [ -z "$sarif" ]; then
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/vpclint.sarif"
fi
mkdir -p "$(dirname "$sarif")"
rm -f "$sarif"

read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
common=(--fail-level "$fail_level")
if [ -n "$config" ]; then
  common+=(--config "$config")
fi

status=0
"$vpclint" lint --format sarif --output "$sarif" "${common[@]}" -- "${paths[@]}" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  fail "vpclint exited with status $status (see the message above)"
fi
[ -f "$sarif" ] || fail "vpclint did not write $sarif"

# The report for the log; its exit status repeats the first run's.
case "$format" in
  none) ;;
  sarif) cat "$sarif" ;;
  *) "$vpclint" lint --format "$format" "${common[@]}" -- "${paths[@]}" || true ;;
esac

emit_annotations=$annotations
if [ "$format" = github ]; then
  emit_annotations=false # the github format already printed them
fi
"$python" "$here/report.py" --sarif "$sarif" --annotations "$emit_annotations"
exit "$status"
