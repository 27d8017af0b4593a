#!/usr/bin/env bash
# scripts/quickstart.sh - from a fresh Debian bookworm machine to a real
# Python and JavaScript execution: installs what is missing, builds (guest
# builds are cached, the first one takes several minutes), then runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -j"$(nproc)" all
echo
echo '$ build/llm-sandbox run --lang python -c ...'
build/llm-sandbox run --lang python -c 'import sys, json, sqlite3, zlib, decimal; print(json.dumps({"v": sys.version_info[:2], "sqlite": sqlite3.sqlite_version}))'
echo '$ build/llm-sandbox run --lang javascript -c ...'
build/llm-sandbox run --lang javascript -c 'console.log([1,2,3].map(x => x * 2).join(","))'
