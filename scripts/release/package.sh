#!/usr/bin/env bash
# Packs a release build into DIR/vpclint-TAG-TARGET.tar.gz (+ .sha256), the name the
# GitHub Action's installer (scripts/action/install.sh) downloads.
#   package.sh TARGET TAG DIR
set -euo pipefail
target="$1"
tag="$2"
dir="$3"
exe=vpclint
case "$target" in *windows*) exe=vpclint.exe ;; esac
binary="target/$target/release/$exe"
[ -f "$binary" ] || { echo "no binary at $binary" >&2; exit 1; }
mkdir -p "$dir"
archive="vpclint-$tag-$target.tar.gz"
tar -czf "$dir/$archive" -C "$(dirname "$binary")" "$exe"
(cd "$dir" && { sha256sum "$archive" 2>/dev/null || shasum -a 256 "$archive"; } >"$archive.sha256")
echo "$dir/$archive"
