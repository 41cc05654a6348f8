#!/usr/bin/env bash
# setup.sh: installs what the project needs on a fresh Debian 12 machine, idempotently.
#   Debian packages (emscripten, eigen, SDL2, GoogleTest, Google Benchmark, nlohmann-json, chromium, wabt,
#   fonts-dejavu-core: the UI font, clang-14 + libclang-rt-14-dev: sanitizers and libFuzzer),
#   Debian source packages (imgui, libsdl2) unpacked under build/third_party/src,
#   npm packages pinned in package-lock.json (playwright-core, never a browser download).
# A second run does nothing it has done before. A failure names the package and the command, and
# leaves no half-made state behind (sources unpack into a temporary folder, then move into place).
# Usage: scripts/setup.sh [--no-browser]   (--no-browser: skip chromium, for builds without e2e tests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TP=$ROOT/build/third_party
mkdir -p "$TP/src"

fail() { echo "setup: $*" >&2; exit 1; }
run() {  # run CMD...: on failure say which command failed
  "$@" || fail "command failed (exit $?): $*"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    fail "need root to run: $* (run as root or install sudo)"; fi
}

# ---- Debian packages --------------------------------------------------------------------------
PACKAGES=(emscripten libeigen3-dev libsdl2-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev wabt
          libgl-dev dpkg-dev xvfb xauth fonts-dejavu-core
          clang-14 libclang-rt-14-dev)  # the sanitizer build and libFuzzer (preset native-asan)
[ "${1:-}" = "--no-browser" ] || PACKAGES+=(chromium)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tools that may come from elsewhere than Debian (a machine's own node, say): look for the command.
for tool in cmake:cmake g++:g++ make:make node:nodejs npm:npm; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
apt_updated=0
apt_update() {
  [ $apt_updated = 1 ] && return 0
  echo "setup: apt-get update"
  as_root apt-get update -qq >/dev/null || fail "command failed: apt-get update (is Debian's mirror reachable?)"
  apt_updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
  apt_update
  echo "setup: installing Debian packages: ${missing[*]} (a few minutes the first time)"
  apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
  if ! apt_install "${missing[@]}"; then
    # One call failed: find the package that does, so the message can name it.
    for p in "${missing[@]}"; do
      apt_install "$p" || fail "could not install Debian package '$p': command failed: apt-get install -y $p"
    done
  fi
fi

# ---- Debian source packages: Dear ImGui and SDL2, to compile them to WebAssembly ----------------
need_source() { ls -d "$TP/src/$1"-*/ >/dev/null 2>&1 && return 1 || return 0; }
if need_source imgui || need_source libsdl2; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    src=/etc/apt/sources.list.d/debian.sources
    [ -f "$src" ] || fail "no $src to derive a deb-src entry from; add a deb-src line for bookworm by hand"
    echo "setup: adding a deb-src entry (/etc/apt/sources.list.d/debian-src.sources)"
    sed 's/^Types: deb$/Types: deb-src/' "$src" | as_root tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
    apt_updated=0
  fi
  apt_update
  for pkg in imgui libsdl2; do
    need_source "$pkg" || continue
    tmp=$(mktemp -d "$TP/src/.tmp-$pkg.XXXX")
    echo "setup: apt-get source $pkg"
    (cd "$tmp" && apt-get source -qq "$pkg" >/dev/null 2>"$tmp/err.log") \
      || { cat "$tmp/err.log" >&2; rm -rf "$tmp"; fail "command failed: apt-get source $pkg"; }
    dir=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    [ -n "$dir" ] || { rm -rf "$tmp"; fail "apt-get source $pkg unpacked nothing"; }
    mv "$dir" "$TP/src/"
    rm -rf "$tmp"
  done
fi

# ---- SDL2 for WebAssembly (Emscripten's ports would download it; build Debian's source once) -----
"$ROOT/scripts/build-sdl2-wasm.sh"

# ---- npm: playwright-core (drives Debian's chromium; downloads no browser) ----------------------
# npm trusts Node's bundled CAs only; add the system's store, where a site's own (proxy) CA is installed.
[ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ] && export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-stamp; then
  echo "setup: npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 run npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.lock-stamp
fi
echo "setup: ok"
