#!/usr/bin/env bash
# Installs vpclint for the GitHub Action into "$VPCLINT_ROOT/bin" and adds that directory
# to GITHUB_PATH.
#   install.sh key       print the cache key of a build from the action's own source
#   install.sh install   build from source (unless the cache restored the binary), or
#                        download the release $VPCLINT_VERSION when it is not "source"
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
root="${VPCLINT_ROOT:?VPCLINT_ROOT must be set}"
version="${VPCLINT_VERSION:-source}"
repository="${VPCLINT_REPOSITORY:-vpclint/vpclint}"

exe=vpclint
case "${RUNNER_OS:-$(uname -s)}" in Windows | MINGW* | MSYS* | CYGWIN*) exe=vpclint.exe ;; esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

source_key() {
  # Everything cargo install reads: a change to any of it is a new build.
  (cd "$action_path" && find Cargo.toml Cargo.lock src rules -type f 2>/dev/null | LC_ALL=C sort | while read -r f; do
    printf '%s ' "$f"
    sha256 <"$f"
  done) | sha256 | cut -c1-32
}

release_target() {
  local arch
  arch="${RUNNER_ARCH:-$(uname -m)}"
  case "${RUNNER_OS:-$(uname -s)}:$arch" in
    Linux:X64 | Linux:x86_64) echo x86_64-unknown-linux-musl ;;
    Linux:ARM64 | Linux:aarch64) echo aarch64-unknown-linux-musl ;;
    macOS:ARM64 | Darwin:arm64) echo aarch64-apple-darwin ;;
    macOS:X64 | Darwin:x86_64) echo x86_64-apple-darwin ;;
    Windows:X64 | MINGW*:x86_64 | MSYS*:x86_64) echo x86_64-pc-windows-msvc ;;
    *) echo "no vpclint release for ${RUNNER_OS:-?}/$arch; use version: source" >&2; return 1 ;;
  esac
}

case "${1:-}" in
  key)
    echo "vpclint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$(source_key)"
    ;;
  install)
    mkdir -p "$root/bin"
    if [ -x "$root/bin/$exe" ]; then
      echo "vpclint restored from the cache"
    elif [ "$version" = source ]; then
      cargo install --locked --root "$root" --path "$action_path"
    else
      target="$(release_target)"
      tag="v${version#v}"
      archive="vpclint-$tag-$target.tar.gz"
      url="https://github.com/$repository/releases/download/$tag/$archive"
      echo "downloading $url"
      curl --fail --location --silent --show-error --retry 3 "$url" | tar -xzf - -C "$root/bin"
    fi
    if [ -n "${GITHUB_PATH:-}" ]; then
      echo "$root/bin" >>"$GITHUB_PATH"
    fi
    "$root/bin/$exe" --version
    ;;
  *)
    echo "usage: install.sh key|install" >&2
    exit 2
    ;;
esac
