#!/usr/bin/env bash
# tests/mcp/install.sh - install the pinned MCP test clients (the official
# TypeScript SDK, the conformance suite and Node 22 itself, see package.json)
# into tests/mcp/node_modules with `npm ci`. Needs only a working node and npm
# (Debian bookworm's nodejs and npm are enough: the Node 22 the tests run on
# comes from the registry's `node` package). Idempotent: a stamp file holds
# the sha256 of package-lock.json, and a matching stamp with a working
# node_modules/.bin/node skips the install.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.lsb-install-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
  node_modules/.bin/node --version >/dev/null 2>&1 &&
  [ -e node_modules/.bin/conformance ] && [ -d node_modules/@modelcontextprotocol/sdk ]; then
  echo "[mcp-install] node_modules matches package-lock.json ($(node_modules/.bin/node --version)); nothing to do"
  exit 0
fi

for tool in node npm; do
  command -v "$tool" >/dev/null || {
    echo "[mcp-install] '$tool' is missing: run scripts/deps.sh (it installs Debian's nodejs and npm)" >&2
    exit 1
  }
done

echo "[mcp-install] npm ci in tests/mcp (system node $(node --version), npm $(npm --version)); about 20 s and 240 MB"
rm -f "$stamp"
npm ci --no-audit --no-fund
ver=$(node_modules/.bin/node --version) || {
  echo "[mcp-install] node_modules/.bin/node does not run after npm ci (the 'node' package's preinstall failed?)" >&2
  exit 1
}
echo "$want" >"$stamp"
echo "[mcp-install] done: Node $ver, SDK $(node_modules/.bin/node -p 'require("./node_modules/@modelcontextprotocol/sdk/package.json").version' 2>/dev/null || echo '?'), conformance $(node_modules/.bin/node -p 'require("./node_modules/@modelcontextprotocol/conformance/package.json").version')"
