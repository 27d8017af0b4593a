#!/usr/bin/env bash
# scripts/check-vendored.sh BIN - prove, inside the real sandbox, that every
# package listed in /data/site-packages/vendored.json imports and works.
#
# For each entry it runs `BIN run --lang python` with a tiny real use of the
# package (write and read an xlsx, render a template, parse YAML, ...) and
# prints "ok   NAME (fuel)" or "FAIL NAME" with what went wrong. An entry
# without a usage check below is a failure too, so a new package cannot be
# vendored untested. Last line: "check-vendored: N passed, M failed"; exit 1
# on any failure. BIN mounts /data from $(dirname BIN)/assets/data itself.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 path/to/llm-sandbox" >&2; exit 2; }
BIN=$(realpath "$1")
LIST="$(dirname "$BIN")/assets/data/site-packages/vendored.json"
# Generous limits: this checks that the packages work, not how fast.
FUEL=40000000000
TIMEOUT=60

if [ ! -x "$BIN" ]; then
  echo "check-vendored: $BIN is not an executable; build it first (make)" >&2
  exit 1
fi
if [ ! -f "$LIST" ]; then
  echo "check-vendored: $LIST is missing; build the assets first (make)" >&2
  exit 1
fi

# usage IMPORT: print the Python check for one import name (prints "ok").
usage() {
  case "$1" in
  openpyxl) cat <<'EOF' ;;
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sales"
ws.append(["item", "qty"])
ws.append(["pen", 3])
ws["C2"] = "=B2*2"
wb.save("/app/t.xlsx")
rows = list(openpyxl.load_workbook("/app/t.xlsx")["Sales"].iter_rows(values_only=True))
assert rows == [("item", "qty", None), ("pen", 3, "=B2*2")], rows
EOF
  et_xmlfile) cat <<'EOF' ;;
import io
from et_xmlfile import xmlfile
out = io.BytesIO()
with xmlfile(out) as xf:
    with xf.element("root"):
        xf.write("hi")
assert out.getvalue() == b"<root>hi</root>", out.getvalue()
EOF
  xlsxwriter) cat <<'EOF' ;;
import xlsxwriter, zipfile
book = xlsxwriter.Workbook("/app/w.xlsx")
sheet = book.add_worksheet("Data")
sheet.write(0, 0, "hello xlsx")
sheet.write_number(1, 0, 42)
book.close()
with zipfile.ZipFile("/app/w.xlsx") as z:
    assert b"hello xlsx" in z.read("xl/sharedStrings.xml")
    assert b"<v>42</v>" in z.read("xl/worksheets/sheet1.xml")
EOF
  PyPDF2) cat <<'EOF' ;;
from PyPDF2 import PdfReader, PdfWriter
writer = PdfWriter()
writer.add_blank_page(width=200, height=100)
writer.add_metadata({"/Title": "lsb check"})
with open("/app/t.pdf", "wb") as f:
    writer.write(f)
reader = PdfReader("/app/t.pdf")
assert len(reader.pages) == 1 and reader.metadata.title == "lsb check", reader.metadata
assert float(reader.pages[0].mediabox.width) == 200
EOF
  odf) cat <<'EOF' ;;
from odf import teletype
from odf.opendocument import OpenDocumentText, load
from odf.text import P
doc = OpenDocumentText()
doc.text.addElement(P(text="hello odf"))
doc.save("/app/t.odt")
paragraphs = load("/app/t.odt").getElementsByType(P)
assert teletype.extractText(paragraphs[0]) == "hello odf"
EOF
  tabulate) cat <<'EOF' ;;
from tabulate import tabulate
table = tabulate([[1, "a"], [22, "b"]], headers=["n", "s"], tablefmt="github")
assert table == "|   n | s   |\n|-----|-----|\n|   1 | a   |\n|  22 | b   |", repr(table)
EOF
  jinja2) cat <<'EOF' ;;
import jinja2
env = jinja2.Environment(autoescape=True)
text = env.from_string("Hi {{ name|upper }}{% for i in xs %} {{ i }}{% endfor %} {{ tag }}").render(
    name="ann", xs=[1, 2], tag="<b>")
assert text == "Hi ANN 1 2 &lt;b&gt;", text
EOF
  markupsafe) cat <<'EOF' ;;
import markupsafe
assert str(markupsafe.escape("<a href='x'>")) == "&lt;a href=&#39;x&#39;&gt;"
assert markupsafe.Markup("<b>%s</b>") % "<i>" == "<b>&lt;i&gt;</b>"
assert markupsafe.escape.__module__ == "markupsafe._native", markupsafe.escape.__module__
EOF
  markdown) cat <<'EOF' ;;
import markdown
html = markdown.markdown("# Title\n\nSome *text* and a [link](http://x).", extensions=["tables"])
assert html == '<h1>Title</h1>\n<p>Some <em>text</em> and a <a href="http://x">link</a>.</p>', html
EOF
  dateutil) cat <<'EOF' ;;
import datetime
from dateutil import parser, relativedelta, tz
when = parser.parse("2024-01-31T10:20:30+02:00")
assert when.utcoffset() == datetime.timedelta(hours=2)
assert (when + relativedelta.relativedelta(months=1)).date() == datetime.date(2024, 2, 29)
assert parser.parse("March 5, 2021").date() == datetime.date(2021, 3, 5)
assert tz.tzutc().utcoffset(None) == datetime.timedelta(0)
oslo = tz.gettz("Europe/Oslo")
assert oslo is not None, "dateutil.tz.gettz finds no time zone data"
assert datetime.datetime(2024, 7, 1, tzinfo=oslo).utcoffset() == datetime.timedelta(hours=2)
EOF
  tzdata) cat <<'EOF' ;;
import datetime, zoneinfo
new_york = zoneinfo.ZoneInfo("America/New_York")
assert datetime.datetime(2024, 1, 15, 12, tzinfo=new_york).utcoffset() == datetime.timedelta(hours=-5)
assert datetime.datetime(2024, 7, 15, 12, tzinfo=new_york).utcoffset() == datetime.timedelta(hours=-4)
assert "Asia/Tokyo" in zoneinfo.available_timezones()
EOF
  defusedxml) cat <<'EOF' ;;
import defusedxml
import defusedxml.ElementTree as ET
assert ET.fromstring("<a><b>1</b></a>").find("b").text == "1"
try:
    ET.fromstring('<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    raise AssertionError("an entity declaration was accepted")
except defusedxml.EntitiesForbidden:
    pass
EOF
  attr) cat <<'EOF' ;;
import attr
@attr.s(frozen=True)
class Point:
    x = attr.ib()
    y = attr.ib(default=0)
assert Point(1) == Point(1, 0) and attr.asdict(Point(2, 3)) == {"x": 2, "y": 3}
EOF
  attrs) cat <<'EOF' ;;
import attrs
@attrs.define
class Item:
    name: str
    qty: int = 1
assert Item("pen").qty == 1 and attrs.asdict(Item("a", 2)) == {"name": "a", "qty": 2}
EOF
  six) cat <<'EOF' ;;
import six
assert six.PY3 and six.ensure_str(b"x") == "x" and list(six.moves.range(3)) == [0, 1, 2]
from six.moves.urllib.parse import urlparse
assert urlparse("http://h/p").netloc == "h"
EOF
  certifi) cat <<'EOF' ;;
import os, certifi
path = certifi.where()
assert os.path.isfile(path), path
assert certifi.contents().count("BEGIN CERTIFICATE") > 50
EOF
  charset_normalizer) cat <<'EOF' ;;
from charset_normalizer import from_bytes
text = "Привет! Это проверка определения кодировки для текста на русском языке, и она должна пройти."
best = from_bytes(text.encode("cp1251")).best()
assert best is not None and str(best) == text, (best and best.encoding)
EOF
  idna) cat <<'EOF' ;;
import idna
assert idna.encode("bücher.example") == b"xn--bcher-kva.example"
assert idna.decode("xn--bcher-kva.example") == "bücher.example"
EOF
  urllib3) cat <<'EOF' ;;
import urllib3
url = urllib3.util.parse_url("https://user@example.com:8443/a/b?q=1#f")
assert (url.scheme, url.host, url.port, url.path, url.query) == ("https", "example.com", 8443, "/a/b", "q=1")
assert urllib3.PoolManager(num_pools=2) is not None
EOF
  tomli) cat <<'EOF' ;;
import tomli
data = tomli.loads('title = "x"\n[owner]\nname = "Ann"\nports = [80, 443]\n')
assert data == {"title": "x", "owner": {"name": "Ann", "ports": [80, 443]}}, data
EOF
  yaml) cat <<'EOF' ;;
import yaml
data = yaml.safe_load("a: [1, 2]\nb: {c: hello}\n")
assert data == {"a": [1, 2], "b": {"c": "hello"}}, data
assert yaml.safe_load(yaml.safe_dump(data)) == data
assert not yaml.__with_libyaml__
EOF
  sandbox_utils) cat <<'EOF' ;;
import json
import sandbox_utils as su
su.echo("name,n\nb,2\na,1", "t.csv")
rows = su.sort_by(json.loads(su.csv_to_json("t.csv")), "name")
assert [r["n"] for r in rows] == ["1", "2"], rows
EOF
  *) return 1 ;;
  esac
}

passed=0 failed=0
failures=()
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

imports=$(jq -r '.[].import' "$LIST") || { echo "check-vendored: $LIST is not valid JSON" >&2; exit 1; }
[ -n "$imports" ] || { echo "check-vendored: $LIST lists no packages" >&2; exit 1; }
for name in $imports; do
  if ! code=$(usage "$name"); then
    failed=$((failed + 1)); failures+=("$name")
    echo "FAIL $name: no usage check for it in scripts/check-vendored.sh; add one"
    continue
  fi
  json=$("$BIN" run --json --lang python --fuel "$FUEL" --timeout "$TIMEOUT" \
    -c "$code"$'\nprint("ok")' 2>"$T/err")
  out=$(jq -r '.stdout' <<<"$json" 2>/dev/null)
  if [ "$out" = "ok" ]; then
    passed=$((passed + 1))
    echo "ok   $name ($(jq -r '.fuel_consumed' <<<"$json") fuel)"
  else
    failed=$((failed + 1)); failures+=("$name")
    echo "FAIL $name"
    detail=$(jq -r '[.error.type, .error.message, .trap_reason, .stderr] | map(select(. != null and . != "")) | join(" | ")' \
      <<<"$json" 2>/dev/null)
    echo "     ${detail:-$json $(cat "$T/err")}" | head -c 1500; echo
  fi
done

echo "check-vendored: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  echo "check-vendored: not working in the sandbox: ${failures[*]}" >&2
  exit 1
fi
