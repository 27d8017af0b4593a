#!/usr/bin/env bash
# guest/js/vendor.sh DEST - fill DEST (the guest's read-only /data/js) with
# the CommonJS modules that require() and requireVendor() find there:
#
#   - our own modules, one folder each under guest/js/lib/ (package.json
#     with name, version and main, plus the code);
#   - pure-JS libraries from the npm registry, fetched with `npm pack` at
#     pinned versions, each tarball checked against the sha512 integrity
#     pinned below (the registry's dist.integrity) before it is unpacked.
#
# Writes DEST/vendored.json, [{"name", "version", "source"}, ...], and
# prints "[vendor-js] ..." progress lines. Any failure stops the script
# with a message on stderr and a non-zero status.
set -euo pipefail

# name version integrity. marked stays on 15.x, the last line to ship a
# CommonJS build (lib/marked.cjs); 16 is ESM only and QuickJS's require()
# here is CommonJS.
NPM_PACKAGES=(
  "lodash 4.17.21 sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="
  "dayjs 1.11.13 sha512-oaMBel6gjolK862uaPQOVTA7q3TZhuSvuMQAAglQDOWYO9A91IrAOUJEyKVlqJlHE0vq5p5UXxzdPfMH/x6xNg=="
  "papaparse 5.4.1 sha512-HipMsgJkZu8br23pW15uvo6sib6wne/4woLZPlFf3rpDyMe9ywEXUsuD7+6K9PRkJlVT51j/sCOYDKGGS3ZJrw=="
  "marked 15.0.12 sha512-8dD6FusOQSrpv9Z1rdNMdlSgQOIP880DHqnohobOmYLElGEqAL/JvxvuxZO16r4HtjTlfPRDC1hbvxC9dPN2nA=="
)

log() { echo "[vendor-js] $*"; }
die() {
  echo "[vendor-js] error: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: $0 DEST"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=$1
for tool in npm node jq tar; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash scripts/deps.sh installs it)"
done
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
entries="$WORK/entries.jsonl"
: >"$entries"

# record NAME VERSION SOURCE - one line of vendored.json.
record() {
  jq -cn --arg name "$1" --arg version "$2" --arg source "$3" \
    '{name: $name, version: $version, source: $source}' >>"$entries"
}

# integrity FILE - the file's sha512 in npm's "sha512-<base64>" form.
integrity() {
  node -e 'const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));' "$1"
}

# 1. Our own modules.
for dir in "$HERE"/lib/*/; do
  name=$(basename "$dir")
  [[ -f "$dir/package.json" ]] || die "guest/js/lib/$name has no package.json"
  version=$(jq -er .version "$dir/package.json") ||
    die "guest/js/lib/$name/package.json has no version"
  rm -rf "${DEST:?}/$name"
  cp -R "$dir" "$DEST/$name"
  record "$name" "$version" "llm-wasm-sandbox guest/js/lib/$name"
  log "$name $version (ours)"
done

# 2. Libraries from npm, checked against their pinned integrity.
for spec in "${NPM_PACKAGES[@]}"; do
  read -r name version pinned <<<"$spec"
  log "fetching $name@$version from npm"
  mkdir -p "$WORK/$name"
  tgz=$(cd "$WORK/$name" && npm pack --silent "$name@$version" | tail -n 1) ||
    die "npm pack $name@$version failed (is the npm registry reachable?)"
  [[ -f "$WORK/$name/$tgz" ]] || die "npm pack $name@$version wrote no tarball"
  got=$(integrity "$WORK/$name/$tgz")
  [[ "$got" == "$pinned" ]] ||
    die "$name@$version: tarball integrity $got does not match the pinned $pinned"
  rm -rf "${DEST:?}/$name"
  mkdir -p "$DEST/$name"
  tar -xzf "$WORK/$name/$tgz" -C "$DEST/$name" --strip-components=1 --no-same-owner
  actual=$(jq -er '.name + "@" + .version' "$DEST/$name/package.json") ||
    die "$name@$version: the tarball has no readable package.json"
  [[ "$actual" == "$name@$version" ]] || die "$name@$version: the tarball holds $actual"
  record "$name" "$version" "npm:$name@$version ($pinned)"
  log "$name $version (integrity verified)"
done

jq -s 'sort_by(.name)' "$entries" >"$DEST/vendored.json"
log "wrote $DEST/vendored.json ($(jq length "$DEST/vendored.json") modules)"
