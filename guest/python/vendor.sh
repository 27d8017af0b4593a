#!/usr/bin/env bash
# guest/python/vendor.sh DEST - build DEST, the folder the guest sees as
# /data/site-packages: Debian bookworm's pure-Python packages listed below,
# our own modules from guest/python/site/, DEST/vendored.json describing
# every importable top-level package, and bytecode for the guest's CPython.
#
# Invariants: DEST holds no native code (*.so), no symlinks and no stale
# caches; every package in PACKAGES has exactly the expected upstream version
# and top-level names, or the script stops with a message saying what to do.
# Needs apt-get (with package lists: `apt-get update`), dpkg-deb, python3.11.
set -euo pipefail

# The package list, in one place. One row per Debian binary package:
#   Debian package | pip name | top-level import names (comma-separated) |
#   upstream version expected (a bump is a deliberate edit, and it changes
#   scripts/data.sh's cache key).
PACKAGES='
python3-openpyxl            openpyxl            openpyxl            3.0.9
python3-et-xmlfile          et-xmlfile          et_xmlfile          1.0.1
python3-xlsxwriter          XlsxWriter          xlsxwriter          3.0.2
python3-pypdf2              PyPDF2              PyPDF2              2.12.1
python3-odf                 odfpy               odf                 1.4.2
python3-defusedxml          defusedxml          defusedxml          0.7.1
python3-tabulate            tabulate            tabulate            0.8.9
python3-jinja2              Jinja2              jinja2              3.1.2
python3-markupsafe          MarkupSafe          markupsafe          2.1.2
python3-markdown            Markdown            markdown            3.4.1
python3-dateutil            python-dateutil     dateutil            2.8.2
python3-attr                attrs               attr,attrs          22.2.0
python3-six                 six                 six                 1.16.0
python3-certifi             certifi             certifi             2022.9.24
python3-charset-normalizer  charset-normalizer  charset_normalizer  3.0.1
python3-idna                idna                idna                3.3
python3-urllib3             urllib3             urllib3             1.26.12
python3-tomli               tomli               tomli               2.0.1
python3-yaml                PyYAML              yaml                6.0
'
# Top-level entries Debian ships that we drop: PyYAML's `_yaml` is a stub
# that only re-exports the C extension, which we cannot ship (import fails).
DROP_TOPLEVEL='_yaml'
# certifi.where() must name a real file inside the sandbox, which has no
# /etc/ssl: we build certifi/cacert.pem from this package's Mozilla CA list
# (any version: a newer CA list is always welcome).
CA_PACKAGE=ca-certificates
CA_DIR=usr/share/ca-certificates/mozilla
# The sandbox has no /usr/share/zoneinfo either: from this package we build
# a `tzdata` package (the layout zoneinfo.ZoneInfo falls back to) and point
# dateutil.tz at its files (any version: newer rules are always welcome).
TZ_PACKAGE=tzdata
TZ_DIR=usr/share/zoneinfo
DIST_PACKAGES=usr/lib/python3/dist-packages
# The guest runs CPython 3.11; every 3.11.x shares one bytecode format.
PYTHON=python3.11
# Where the guest sees DEST: file names compiled into the bytecode.
GUEST_DIR=/data/site-packages

HERE=$(cd "$(dirname "$0")" && pwd)

log() { echo "[vendor] $(date +%T) $*"; }
die() {
  echo "[vendor] error: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: $0 DEST (the folder to fill; it must be absent or empty)"
DEST=$(realpath -m "$1")
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST")" ]; then
  die "$DEST is not empty; give a fresh folder (scripts/data.sh does)"
fi
for tool in apt-get apt-cache dpkg-deb "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/deps.sh (Debian bookworm)"
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# upstream_version DEB_VERSION: drop the epoch and the Debian revision.
upstream_version() {
  local v=${1#*:}
  echo "${v%-*}"
}

# --- download ---------------------------------------------------------------
debs=$(awk 'NF { print $1 }' <<<"$PACKAGES")
mkdir -p "$TMP/debs"
for pkg in $debs $CA_PACKAGE $TZ_PACKAGE; do
  apt-cache show "$pkg" >/dev/null 2>&1 ||
    die "apt knows no package $pkg; run 'apt-get update' (scripts/deps.sh does) on Debian bookworm"
done
# As root, apt drops to the _apt user, who cannot write to our private
# folder; APT::Sandbox::User=root keeps it root (no effect for other users).
log "downloading $(wc -w <<<"$debs $CA_PACKAGE $TZ_PACKAGE") Debian packages"
# shellcheck disable=SC2086 # word splitting of the package list is intended
if ! (cd "$TMP/debs" && apt-get download -q -o APT::Sandbox::User=root $debs $CA_PACKAGE $TZ_PACKAGE) \
  >"$TMP/apt.log" 2>&1; then
  cat "$TMP/apt.log" >&2
  die "apt-get download failed (log above); check access to the Debian archive, run 'apt-get update' and retry"
fi

# deb_file PKG: the one downloaded .deb of PKG.
deb_file() {
  local files=("$TMP/debs/$1"_*.deb)
  if [ ${#files[@]} -ne 1 ] || [ ! -f "${files[0]}" ]; then
    die "expected one downloaded .deb for $1, found: ${files[*]}"
  fi
  echo "${files[0]}"
}

# --- extract, check, copy ---------------------------------------------------
mkdir -p "$DEST"
: >"$TMP/rows.tsv"
while read -r pkg pip imports want; do
  [ -n "$pkg" ] || continue
  deb=$(deb_file "$pkg")
  version=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb (corrupt download?)"
  got=$(upstream_version "$version")
  [ "$got" = "$want" ] ||
    die "$pkg is now upstream version $got (Debian $version), but vendor.sh pins $want; check the new version and update PACKAGES"
  root="$TMP/x/$pkg"
  mkdir -p "$root"
  dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x failed for $deb"
  src="$root/$DIST_PACKAGES"
  [ -d "$src" ] || die "$pkg has no $DIST_PACKAGES; it is not a Python 3 library package"
  for name in $DROP_TOPLEVEL; do rm -rf "${src:?}/$name"; done
  # Its top-level entries, other than metadata, must be exactly the imports.
  found=$(find "$src" -mindepth 1 -maxdepth 1 ! -name '*.dist-info' ! -name '*.egg-info' \
    -printf '%f\n' | sed 's/\.py$//' | LC_ALL=C sort | paste -sd,)
  expected=$(tr , '\n' <<<"$imports" | LC_ALL=C sort | paste -sd,)
  [ "$found" = "$expected" ] ||
    die "$pkg ships top-level [$found] but PACKAGES lists [$expected]; update the row (or DROP_TOPLEVEL)"
  cp -R "$src/." "$DEST/"
  for name in ${imports//,/ }; do
    printf '%s\t%s\t%s\t%s %s\n' "$pip" "$name" "$want" "$pkg" "$version" >>"$TMP/rows.tsv"
  done
done <<<"$PACKAGES"
log "extracted $(wc -l <"$TMP/rows.tsv") top-level packages"

# certifi: ship the CA bundle inside the package and point where() at it.
ca_deb=$(deb_file "$CA_PACKAGE")
dpkg-deb -x "$ca_deb" "$TMP/x/ca" || die "dpkg-deb -x failed for $ca_deb"
ca_files=("$TMP/x/ca/$CA_DIR"/*.crt)
[ -f "${ca_files[0]}" ] || die "$CA_PACKAGE has no certificates in /$CA_DIR"
cat "${ca_files[@]}" >"$DEST/certifi/cacert.pem"
cat >"$DEST/certifi/core.py" <<'EOF'
"""certifi.core as vendored by llm-wasm-sandbox (guest/python/vendor.sh).

Debian's certifi points at /etc/ssl/certs, which the sandbox does not have;
the Mozilla CA bundle from Debian's ca-certificates ships next to this file.
"""
import os

_BUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cacert.pem")


def where() -> str:
    """Return the path of the CA bundle (PEM)."""
    return _BUNDLE


def contents() -> str:
    """Return the CA bundle's text."""
    with open(_BUNDLE, "r", encoding="ascii") as data:
        return data.read()
EOF

# tzdata: every TZif file of the zoneinfo tree (links dereferenced, the
# posix/ and right/ variants left out), a package __init__ in each folder so
# importlib.resources finds them, and "zones", the list of names.
tz_deb=$(deb_file "$TZ_PACKAGE")
tz_version=$(dpkg-deb -f "$tz_deb" Version) || die "cannot read the version of $tz_deb"
dpkg-deb -x "$tz_deb" "$TMP/x/tz" || die "dpkg-deb -x failed for $tz_deb"
"$PYTHON" - "$TMP/x/tz/$TZ_DIR" "$DEST/tzdata" "$(upstream_version "$tz_version")" <<'EOF' ||
"""Copy the TZif files of SOURCE into the package folder TARGET."""
import os
import sys

source, target, version = sys.argv[1:]
SKIP = {"posix", "right", "posixrules", "localtime"}
MIN_ZONES = 300  # far fewer means the Debian package changed its layout
zones = []
for folder, dirs, files in os.walk(source):
    relative = os.path.relpath(folder, source)
    if relative == ".":
        dirs[:] = [d for d in dirs if d not in SKIP]
    for name in files:
        path = os.path.join(folder, name)
        if name in SKIP or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(b"TZif"):
            continue  # zone.tab, tzdata.zi, leapseconds, ...
        key = os.path.normpath(os.path.join(relative, name))
        os.makedirs(os.path.join(target, "zoneinfo", os.path.dirname(key)), exist_ok=True)
        with open(os.path.join(target, "zoneinfo", key), "wb") as f:
            f.write(data)
        zones.append(key)
if len(zones) < MIN_ZONES or "America/New_York" not in zones:
    sys.exit(f"only {len(zones)} zones found in {source}; the tzdata package changed its layout")
for folder, _dirs, _files in os.walk(os.path.join(target, "zoneinfo")):
    open(os.path.join(folder, "__init__.py"), "w").close()
with open(os.path.join(target, "zones"), "w", encoding="utf-8") as f:
    f.write("\n".join(sorted(zones)) + "\n")
with open(os.path.join(target, "__init__.py"), "w", encoding="utf-8") as f:
    f.write('"""IANA time zone data from Debian tzdata, vendored by llm-wasm-sandbox."""\n'
            f'IANA_VERSION = "{version}"\n__version__ = IANA_VERSION\n')
EOF
  die "building the tzdata package from $tz_deb failed"
printf '%s\t%s\t%s\t%s %s\n' tzdata tzdata "$(upstream_version "$tz_version")" "$TZ_PACKAGE" "$tz_version" \
  >>"$TMP/rows.tsv"
# dateutil.tz.gettz() searches TZPATHS, a list of system folders: ours first.
tz_py="$DEST/dateutil/tz/tz.py"
tz_line='    TZPATHS = ["/usr/share/zoneinfo",'
grep -qxF "$tz_line" "$tz_py" || die "$tz_py no longer has the TZPATHS line vendor.sh patches; update the patch"
sed -i "s|^${tz_line//[/\\[}\$|    TZPATHS = [\"$GUEST_DIR/tzdata/zoneinfo\", \"/usr/share/zoneinfo\",|" "$tz_py"
grep -qF "\"$GUEST_DIR/tzdata/zoneinfo\"" "$tz_py" || die "patching TZPATHS in $tz_py failed"

# --- our own modules ----------------------------------------------------------
cp -R "$HERE/site/." "$DEST/"
rm -f "$DEST/.keep"

# Native extensions cannot load in WebAssembly; each one we vendor has a pure
# fallback (markupsafe._native, yaml without cyaml). Caches are the host's
# (a developer's test run may leave some in site/); we compile our own below.
find "$DEST" -name '*.so' -delete
find "$DEST" -name __pycache__ -prune -exec rm -rf {} +

left=$(find "$DEST" \( -type l -o -name '*.so' -o -name '*.so.*' \) | head -5)
[ -z "$left" ] || die "DEST still holds native files or symlinks: $left"

# --- vendored.json ------------------------------------------------------------
"$PYTHON" - "$TMP/rows.tsv" "$HERE/site" "$DEST/vendored.json" <<'EOF' || die "writing vendored.json failed"
"""Write vendored.json: the Debian rows, then our own public packages."""
import json
import os
import re
import sys

rows_file, site, out = sys.argv[1:]
entries = []
with open(rows_file, encoding="utf-8") as rows:
    for line in rows:
        pip, name, version, debian = line.rstrip("\n").split("\t")
        entries.append({"name": pip, "import": name, "version": version, "debian": debian})
for item in sorted(os.listdir(site)):
    init = os.path.join(site, item, "__init__.py")
    if item.startswith((".", "_")) or not os.path.isfile(init):
        continue
    with open(init, encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        sys.exit(f"{init} has no __version__ line; add one")
    entries.append({"name": item, "import": item, "version": match.group(1), "debian": None})
with open(out, "w", encoding="utf-8") as f:
    json.dump(entries, f, indent=1)
    f.write("\n")
EOF

# --- bytecode -----------------------------------------------------------------
# Importing from source compiles inside the guest, which costs most of the
# default fuel budget for openpyxl alone; bytecode halves that. The hashes
# are unchecked: the tree is immutable once built, and mtimes may change
# when it is copied.
log "compiling bytecode with $PYTHON"
"$PYTHON" -m compileall -q --invalidation-mode unchecked-hash -s "$DEST" -p "$GUEST_DIR" "$DEST" >"$TMP/compile.log" 2>&1 || {
  cat "$TMP/compile.log" >&2
  die "$PYTHON -m compileall failed on $DEST (log above)"
}
log "done: $(wc -l <"$TMP/rows.tsv") Debian top-level packages plus our own modules in $DEST"
