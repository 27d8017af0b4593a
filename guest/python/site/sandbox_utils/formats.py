"""sandbox_utils.formats - converting between CSV, JSON, XML and YAML files
under /app. Readers return Python data; writers return the text they
produce and also write it when given an `output` path. YAML uses the
vendored PyYAML (safe_load / safe_dump only: no arbitrary objects)."""
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


def csv_to_json(file, output=None, delimiter=","):
    """Read a CSV file whose first row names the columns; return a list of
    dicts (one per row; all values are strings, as in the file). With
    `output`, also write that list as JSON (indented) to the output path.
    Example: rows = csv_to_json("sales.csv"); csv_to_json("a.csv", "a.json")
    """
    rows = list(csv.DictReader(io.StringIO(_read_text(file)), delimiter=delimiter))
    if output is not None:
        _write_text(output, json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return rows


def json_to_csv(data, output=None, delimiter=","):
    """Turn a list of dicts into CSV text and return it; with `output`,
    also write it there. `data` is the list itself or the path of a JSON
    file holding one. Columns are every key, in the order first seen;
    missing values are empty, and nested lists or dicts are written as JSON.
    Example: json_to_csv([{"a": 1}, {"a": 2, "b": 3}], "out.csv")
    """
    if isinstance(data, (str, os.PathLike)):
        data = json.loads(_read_text(data))
    if isinstance(data, dict):
        data = [data]
    rows = list(data)
    columns = []
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError(f"json_to_csv: every row must be a dict, got {type(row).__name__}: {row!r}")
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                         for k, v in row.items()})
    text = buffer.getvalue()
    if output is not None:
        _write_text(output, text)
    return text


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


def xml_to_dict(source):
    """Parse XML into nested dicts: {root_tag: value}. Attributes become
    "@name" keys, child elements become keys (a list when a tag repeats),
    and text becomes "#text" - or the value itself for an element with only
    text (<a>1</a> -> "1"); an empty element is None.
    `source` is a file path under /app, or the XML text itself when it
    starts with "<".
    Example: xml_to_dict('<r id="1"><x>a</x><x>b</x></r>')
             -> {"r": {"@id": "1", "x": ["a", "b"]}}
    """
    import xml.etree.ElementTree as ET

    text = source if isinstance(source, str) and source.lstrip().startswith("<") else _read_text(source)
    root = ET.fromstring(text)
    return {root.tag: _element_to_value(root)}


def yaml_to_json(file, output=None):
    """Read a YAML file and return its data (dicts, lists, ...); with
    `output`, also write the data as JSON (indented) there. Only plain YAML
    is accepted (yaml.safe_load). Dates become "YYYY-MM-DD" strings in the
    JSON file.
    Example: config = yaml_to_json("config.yaml")
    """
    import yaml

    data = yaml.safe_load(_read_text(file))
    if output is not None:
        _write_text(output, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return data


def json_to_yaml(data, output=None):
    """Turn data into YAML text and return it; with `output`, also write it
    there. `data` is the Python data itself, or the path (str) of a JSON
    file to convert. Keys keep their order.
    Example: json_to_yaml("config.json", "config.yaml")
    """
    import yaml

    if isinstance(data, (str, os.PathLike)):
        data = json.loads(_read_text(data))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    if output is not None:
        _write_text(output, text)
    return text
