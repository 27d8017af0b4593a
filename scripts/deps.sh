#!/usr/bin/env bash
# deps.sh - install everything the build and the tests need on a fresh Debian
# bookworm machine: Debian packages, the deb-src entry that `apt-get source`
# needs for the guest sources, and nothing else (npm packages are fetched by
# the scripts that use them, into the cache). Safe to run repeatedly: it only
# calls apt when something is missing. Needs root (or sudo) when it installs.
# haproxy is for tests/scale and bench/scale.sh, which run their own
# `haproxy -f CFG -db`; the service the package may start with Debian's
# default config binds no port, so it is left alone. linux-perf is for make
# bench's profile section (bench/profile.sh).
set -euo pipefail

PACKAGES=(
  build-essential make pkg-config dpkg-dev ca-certificates
  clang-14 lld-14 llvm-14 wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  wabt binaryen libseccomp-dev libcmocka-dev libjansson-dev libmicrohttpd-dev libinih-dev nettle-dev
  python3 python3.11 tcl jq curl nodejs npm xz-utils bzip2 clang-format-14 haproxy
  linux-perf
  python3-setuptools python3-venv python3-pip python3-pytest
)
SRC_LIST=/etc/apt/sources.list.d/llm-sandbox-src.sources

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from elsewhere (nodesource); accept any working pair.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
fi
want_src=0
[ -f "$SRC_LIST" ] || grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ || want_src=1

if [ "$want_src" = 1 ]; then
  echo "[deps] adding the deb-src entry ($SRC_LIST) for apt-get source"
  as_root tee "$SRC_LIST" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
pkgs=$(printf '%s ' "${missing[@]}" | xargs)
if [ -n "$pkgs" ] || [ "$want_src" = 1 ]; then
  echo "[deps] apt-get update"
  as_root apt-get update -qq
fi
if [ -n "$pkgs" ]; then
  echo "[deps] installing: $pkgs"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
fi
echo "[deps] ok"
