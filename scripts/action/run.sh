#!/usr/bin/env bash
# The GitHub Action's logic (action.yml calls it; tests/action.rs runs it locally).
# Lints once, writing SARIF to a file and the requested format to the log from the same
# analysis; derives the job summary, step outputs and annotations from the SARIF; embeds
# the Mermaid graph of the linted network in the job summary when this vpclint has
# `vpclint graph`; exits like vpclint: 0 nothing at or above the fail level, 1 findings,
# 2 usage or configuration error.
#
# Inputs come from the environment: INPUT_PATHS (whitespace-separated, default "."),
# INPUT_CONFIG, INPUT_FAIL_LEVEL, INPUT_FORMAT (text|compact|json|sarif|github|none),
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

case "$format" in text | compact | json | sarif | github | none) ;; *) fail "format must be text, compact, json, sarif, github or none, not '$format'" ;; esac
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
common=()
if [ -n "$config" ]; then
  common+=(--config "$config")
fi

# The report for the log comes from the same run as the SARIF.
log_format=$format
emit_annotations=$annotations
if [ "$format" = github ]; then
  if [ "$annotations" = true ]; then
    emit_annotations=false # vpclint prints them as workflow commands
  else
    log_format=compact # the github format is annotations: print the same lines without
  fi
fi
formats=(--format "sarif=$sarif")
case "$log_format" in
  none | sarif) ;;
  *) formats+=(--format "$log_format") ;;
esac

status=0
# ${a[@]+"${a[@]}"}: an empty array under `set -u` in the bash 3.2 of macOS runners.
"$vpclint" lint "${formats[@]}" --fail-level "$fail_level" ${common[@]+"${common[@]}"} -- "${paths[@]}" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  fail "vpclint exited with status $status (see the message above)"
fi
[ -f "$sarif" ] || fail "vpclint did not write $sarif"
if [ "$log_format" = sarif ]; then
  cat "$sarif"
fi

# The network's picture for the job summary, when this vpclint draws one.
graph_args=()
graph="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/vpclint-graph.mmd"
rm -f "$graph"
if "$vpclint" graph --help >/dev/null 2>&1; then
  if "$vpclint" graph --format mermaid ${common[@]+"${common[@]}"} -- "${paths[@]}" >"$graph" 2>/dev/null; then
    graph_args=(--graph "$graph")
  else
    echo "vpclint graph failed; the job summary has no network graph"
  fi
fi

"$python" "$here/report.py" --sarif "$sarif" --annotations "$emit_annotations" ${graph_args[@]+"${graph_args[@]}"}
exit "$status"
