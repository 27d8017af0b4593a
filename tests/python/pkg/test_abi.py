"""tests/python/pkg/test_abi.py - the ctypes mirrors of include/llmsandbox.h's
structs have the C layout: a small C program built against the header
prints every struct's size and every field's offset, and each must equal
ctypes' view. A field added to the header and not to sandbox/_lib.py
(which made every session call crash) fails here, by name.
"""
import ctypes
import pathlib
import subprocess

import pytest

from sandbox import _lib

ROOT = pathlib.Path(__file__).resolve().parents[3]
MIRRORS = {  # C struct -> its ctypes class in sandbox._lib
    "lsb_policy": _lib.Policy,
    "lsb_result": _lib.Result,
    "lsb_session_options": _lib.SessionOptions,
    "lsb_sessions_config": _lib.SessionsConfig,
    "lsb_session_info": _lib.SessionInfo,
    "lsb_file_entry": _lib.FileEntry,
    "lsb_prune_report": _lib.PruneReport,
    "lsb_storage": _lib.Storage,
}


@pytest.fixture(scope="module")
def c_layout(tmp_path_factory):
    """{struct: (size, {field: offset})} as the C compiler lays them out."""
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include "llmsandbox.h"', "int main(void) {"]
    for c_name, cls in MIRRORS.items():
        lines.append(f'printf("{c_name} :sizeof %zu\\n", sizeof(struct {c_name}));')
        for field, *_ in cls._fields_:
            lines.append(f'printf("{c_name} {field} %zu\\n", offsetof(struct {c_name}, {field}));')
    lines.append("return 0; }")
    d = tmp_path_factory.mktemp("abi")
    (d / "abi.c").write_text("\n".join(lines))
    subprocess.run(["cc", "-std=c11", f"-I{ROOT / 'include'}", str(d / "abi.c"), "-o", str(d / "abi")],
                   check=True, capture_output=True, text=True)
    out = subprocess.run([str(d / "abi")], check=True, capture_output=True, text=True).stdout
    layout = {}
    for line in out.splitlines():
        struct, key, value = line.split()
        size, fields = layout.setdefault(struct, (None, {}))
        if key == ":sizeof":
            layout[struct] = (int(value), fields)
        else:
            fields[key] = int(value)
    return layout


@pytest.mark.parametrize("c_name", sorted(MIRRORS))
def test_struct_layout(c_layout, c_name):
    cls = MIRRORS[c_name]
    size, offsets = c_layout[c_name]
    got = {field: getattr(cls, field).offset for field, *_ in cls._fields_}
    assert got == offsets, f"{c_name}: field offsets differ from the C header"
    assert ctypes.sizeof(cls) == size, f"{c_name}: a field of the C struct is missing from sandbox/_lib.py"
