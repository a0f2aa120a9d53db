#!/usr/bin/env python3
"""Turns vpclint's SARIF into the GitHub Action's step outputs, job summary and
annotations. Standard library only: it runs on any GitHub-hosted runner."""

import argparse
import json
import os
import sys
import urllib.parse

LEVELS = ("error", "warning", "note")
# Workflow command per SARIF level.
COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
# The job summary is limited to 1 MiB: list at most this many findings.
MAX_TABLE_ROWS = 500
# A graph of more lines than this is collapsed in <details>.
GRAPH_OPEN_LINES = 40
# GitHub renders Mermaid diagrams up to this many characters (Mermaid's maxTextSize).
GRAPH_MAX_CHARS = 50_000


class Finding:
    def __init__(self, rule, level, message, path, line, column, end_line, end_column):
        self.rule = rule
        self.level = level
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column


def as_int(value):
    return value if isinstance(value, int) and value > 0 else None


def rule_levels(run):
    """Default level of each rule, by index, from tool.driver.rules."""
    rules = run.get("tool", {}).get("driver", {}).get("rules", [])
    return [
        r.get("defaultConfiguration", {}).get("level", "warning") if isinstance(r, dict) else "warning"
        for r in rules
    ]


def findings_of(sarif):
    """The unsuppressed results of every run, in the order vpclint wrote them."""
    found = []
    for run in sarif.get("runs", []):
        defaults = rule_levels(run)
        for result in run.get("results", []) or []:
            if result.get("suppressions"):
                continue
            level = result.get("level")
            if level not in LEVELS:
                index = result.get("ruleIndex")
                level = defaults[index] if isinstance(index, int) and 0 <= index < len(defaults) else "warning"
            if level not in LEVELS:
                continue
            path = line = column = end_line = end_column = None
            locations = result.get("locations") or []
            if locations:
                physical = locations[0].get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri")
                if isinstance(uri, str):
                    path = urllib.parse.unquote(uri)
                region = physical.get("region", {})
                line = as_int(region.get("startLine"))
                column = as_int(region.get("startColumn"))
                end_line = as_int(region.get("endLine"))
                end_column = as_int(region.get("endColumn"))
            found.append(
                Finding(
                    rule=str(result.get("ruleId", "vpclint")),
                    level=level,
                    message=str(result.get("message", {}).get("text", "")),
                    path=path,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                )
            )
    return found


def escape_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text):
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding):
    """One workflow command (`::error file=...,line=...::message`)."""
    props = []
    if finding.path:
        props.append(("file", finding.path))
        if finding.line:
            props.append(("line", str(finding.line)))
            if finding.end_line:
                props.append(("endLine", str(finding.end_line)))
            # GitHub ignores columns on annotations that span several lines.
            if finding.column and finding.end_line in (None, finding.line):
                props.append(("col", str(finding.column)))
                if finding.end_column:
                    props.append(("endColumn", str(finding.end_column)))
    props.append(("title", f"vpclint {finding.rule}"))
    rendered = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::{COMMANDS[finding.level]} {rendered}::{escape_data(finding.message)}"


def markdown_cell(text):
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def location_link(finding, blob_base):
    if not finding.path:
        return ""
    label = finding.path + (f":{finding.line}" if finding.line else "")
    if not blob_base or finding.path.startswith("/") or ".." in finding.path.split("/"):
        return markdown_cell(f"`{label}`")
    url = blob_base + urllib.parse.quote(finding.path)
    if finding.line:
        url += f"#L{finding.line}"
    return f"[{markdown_cell(label)}]({url})"


def blob_base():
    """`https://github.com/owner/repo/blob/<sha>/`, or None outside GitHub."""
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = os.environ.get("GITHUB_REPOSITORY")
    sha = os.environ.get("GITHUB_SHA")
    if not repository or not sha:
        return None
    return f"{server}/{repository}/blob/{sha}/"


def counts_by_level(findings):
    return {level: sum(1 for f in findings if f.level == level) for level in LEVELS}


def summary(findings):
    counts = counts_by_level(findings)
    lines = ["## vpclint", ""]
    if not findings:
        lines += ["No findings.", ""]
        return "\n".join(lines)
    plural = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")  # noqa: E731
    lines += [
        f"{plural(len(findings), 'finding')}: {plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}, {plural(counts['note'], 'note')}.",
        "",
        "| Rule | Errors | Warnings | Notes | Total |",
        "|---|---:|---:|---:|---:|",
    ]
    by_rule = {}
    for f in findings:
        by_rule.setdefault(f.rule, {level: 0 for level in LEVELS})[f.level] += 1
    for rule in sorted(by_rule):
        c = by_rule[rule]
        lines.append(f"| `{rule}` | {c['error']} | {c['warning']} | {c['note']} | {sum(c.values())} |")
    lines += ["", "| Level | Rule | Location | Message |", "|---|---|---|---|"]
    base = blob_base()
    for f in findings[:MAX_TABLE_ROWS]:
        lines.append(f"| {f.level} | `{f.rule}` | {location_link(f, base)} | {markdown_cell(f.message)} |")
    if len(findings) > MAX_TABLE_ROWS:
        lines += ["", f"{len(findings) - MAX_TABLE_ROWS} more findings are in the SARIF file."]
    lines.append("")
    return "\n".join(lines)


def graph_section(mermaid):
    """The network graph for the job summary: a Mermaid block, collapsed when large."""
    mermaid = mermaid.strip()
    if not mermaid:
        return ""
    if len(mermaid) > GRAPH_MAX_CHARS:
        return (
            "### Network graph\n\n"
            f"The graph is too large for GitHub to render ({len(mermaid):,} characters, "
            f"the limit is {GRAPH_MAX_CHARS:,}): run `vpclint graph` locally.\n"
        )
    block = f"```mermaid\n{mermaid}\n```\n"
    if mermaid.count("\n") + 1 <= GRAPH_OPEN_LINES:
        return f"### Network graph\n\n{block}"
    return f"<details>\n<summary>Network graph</summary>\n\n{block}\n</details>\n"


def append(path_var, text):
    path = os.environ.get(path_var)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sarif", required=True)
    parser.add_argument("--annotations", choices=("true", "false"), default="true")
    parser.add_argument("--graph", help="a Mermaid flowchart of the linted network")
    args = parser.parse_args()
    try:
        with open(args.sarif, encoding="utf-8") as f:
            sarif = json.load(f)
    except (OSError, ValueError) as err:
        print(f"::error title=vpclint::cannot read SARIF file {args.sarif}: {err}")
        return 2
    findings = findings_of(sarif if isinstance(sarif, dict) else {})
    counts = counts_by_level(findings)
    append(
        "GITHUB_OUTPUT",
        f"findings={len(findings)}\nerrors={counts['error']}\nwarnings={counts['warning']}\n"
        f"notes={counts['note']}\nsarif-file={args.sarif}\n",
    )
    text = summary(findings)
    if args.graph:
        try:
            with open(args.graph, encoding="utf-8") as f:
                text += "\n" + graph_section(f.read())
        except (OSError, ValueError) as err:
            print(f"cannot read the network graph {args.graph}: {err}")
    append("GITHUB_STEP_SUMMARY", text)
    if args.annotations == "true":
        for f in findings:
            print(annotation(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
