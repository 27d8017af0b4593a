#!/usr/bin/env bash
# tests/scale/run.sh [BINARY] - the scale-out test (cluster.mjs: 3 nodes
# behind HAProxy with deploy/haproxy.cfg, 20 SDK clients, one node killed
# with kill -9) on the Node 22 and SDK that tests/mcp/install.sh installs.
# Needs Debian's haproxy (scripts/deps.sh installs it). The last line is
# "scale: N passed, M failed"; the exit status is nonzero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/llm-sandbox}") || exit 1
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; echo "scale: 0 passed, 1 failed"; exit 2; }
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "run.sh: haproxy is missing (scripts/deps.sh installs it)" >&2; echo "scale: 0 passed, 1 failed"; exit 1; }
bash "$here/../mcp/install.sh" >/dev/null || { echo "scale: 0 passed, 1 failed"; exit 1; }
exec "$here/../mcp/node_modules/.bin/node" "$here/cluster.mjs" "$bin" "${@:2}"
