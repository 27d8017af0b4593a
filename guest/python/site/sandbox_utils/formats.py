"""sandbox_utils.formats - converting between CSV, JSON, XML and YAML under
/app, with the original sandbox's shapes: each X_to_Y returns the text it
produces, or writes it to `output` and returns None; xml_to_dict returns a
dict. YAML uses the vendored PyYAML (safe_load / safe_dump only: no
arbitrary objects)."""
import csv
import io
import json
import os

from . import _paths


def _write_text(output, text):
    """Write text to a file under /app, creating its folder; return path."""
    real = _paths.resolve(output)
    folder = os.path.dirname(real)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(real, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return real


def _read_text(path):
    """Return the UTF-8 text of a file under /app (a BOM is dropped)."""
    with open(_paths.resolve(path), encoding="utf-8-sig", newline="") as f:
        return f.read()


def _finish(text, output):
    """The converters' ending: write text to output and return None, or
    return text when there is no output."""
    if output is None:
        return text
    _write_text(output, text)
    return None


def csv_to_json(csv_file, output=None, delimiter=","):
    """Convert a CSV file whose first row names the columns into JSON: an
    array with one object per row, every value a string as in the file,
    pretty-printed ("name": "Ann"). Returns the JSON text, or, with
    `output`, writes it to that path and returns None.
    Example: rows = json.loads(csv_to_json("sales.csv"));
             csv_to_json("a.csv", output="a.json")
    """
    rows = list(csv.DictReader(io.StringIO(_read_text(csv_file)), delimiter=delimiter))
    return _finish(json.dumps(rows, indent=2, ensure_ascii=False), output)


def json_to_csv(json_file, output=None, delimiter=","):
    """Convert a JSON file holding an array of objects (or one object) into
    CSV text: a header row of every key, in the order first seen, then one
    row per object; missing values are empty, nested lists or objects are
    written as JSON. Returns the CSV text, or, with `output`, writes it to
    that path and returns None. `json_file` may also be the list itself.
    Example: json_to_csv("people.json") -> "name,age\nAlice,30\n"
    """
    data = json_file
    if isinstance(data, (str, os.PathLike)):
        data = json.loads(_read_text(data))
    if isinstance(data, dict):
        data = [data]
    rows = list(data)
    columns = []
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError(f"json_to_csv: every row must be an object (dict), got {type(row).__name__}: {row!r}")
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                         for k, v in row.items()})
    return _finish(buffer.getvalue(), output)


def _element_to_value(element):
    """Convert an ElementTree element: attributes become "@name" keys,
    children become keys (a list when repeated), text becomes "#text", or
    the whole value when the element has nothing else. A converted element
    is never a list, so a list under a key always means a repeated tag."""
    value = {"@" + name: attr for name, attr in element.attrib.items()}
    for child in element:
        converted = _element_to_value(child)
        if child.tag not in value:
            value[child.tag] = converted
        elif isinstance(value[child.tag], list):
            value[child.tag].append(converted)
        else:
            value[child.tag] = [value[child.tag], converted]
    text = (element.text or "").strip()
    if text:
        if not value:
            return text
        value["#text"] = text
    return value if value else None


def xml_to_dict(xml_str):
    """Parse XML into nested dicts: {root_tag: value}. Attributes become
    "@name" keys, child elements become keys (a list when a tag repeats),
    and text becomes "#text" - or the value itself for an element with only
    text (<a>1</a> -> "1"); an empty element is None.
    `xml_str` is the XML text, or the path of a file under /app (any
    string not starting with "<").
    Example: xml_to_dict('<r id="1"><x>a</x><x>b</x></r>')
             -> {"r": {"@id": "1", "x": ["a", "b"]}}
    """
    import xml.etree.ElementTree as ET

    text = xml_str if isinstance(xml_str, str) and xml_str.lstrip().startswith("<") else _read_text(xml_str)
    root = ET.fromstring(text)
    return {root.tag: _element_to_value(root)}


def _text_or_file(source, suffixes):
    """The text a converter works on: `source` itself, or the content of
    the file it names when it is a path object or a one-line string ending
    in one of suffixes ("conf.yaml")."""
    if isinstance(source, os.PathLike) or (
            isinstance(source, str) and "\n" not in source and source.strip().lower().endswith(suffixes)):
        return _read_text(source)
    if not isinstance(source, str):
        raise TypeError(f"expected text or a file path, got {type(source).__name__}")
    return source


def yaml_to_json(yaml_str, output=None):
    """Convert YAML to JSON text (indented by 2, dates as "YYYY-MM-DD").
    `yaml_str` is the YAML text, or the path of a .yaml/.yml file under
    /app. Returns the JSON text, or, with `output`, writes it there and
    returns None. Only plain YAML is read (yaml.safe_load, the vendored
    PyYAML).
    Example: config = json.loads(yaml_to_json("config.yaml"));
             yaml_to_json("a: 1") -> '{\n  "a": 1\n}'
    """
    import yaml

    data = yaml.safe_load(_text_or_file(yaml_str, (".yaml", ".yml")))
    return _finish(json.dumps(data, indent=2, ensure_ascii=False, default=str), output)


def json_to_yaml(json_str, output=None):
    """Convert JSON to YAML text (block style, keys in their order).
    `json_str` is the JSON text, the path of a .json file under /app, or
    the Python data itself (a dict or list). Returns the YAML text, or,
    with `output`, writes it there and returns None.
    Example: json_to_yaml('{"k": [1, "v"]}') -> "k:\n- 1\n- v\n"
    """
    import yaml

    data = json_str
    if isinstance(json_str, (str, os.PathLike)):
        data = json.loads(_text_or_file(json_str, (".json",)))
    return _finish(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False), output)
