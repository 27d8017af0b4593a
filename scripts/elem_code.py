"""elem_code.py IN.c OUT.c - fill the guest's function table from code, not a pointer table.

wasm2c 1.0.32 writes each active element segment as a static array of
{type index, function pointer, instance offset} and copies it into the
table when an instance is made (funcref_table_init). In our position-
independent host every one of those function pointers is a relocation
that the dynamic loader applies at every start of every process, even
one that never makes a guest instance: python's segment has 4,777
entries (114 KB of .data.rel.ro, 28 pages written at each start), so
`llm-sandbox --help` paid for them too.

This rewrite turns each segment into a function that stores the same
entries into the table with code (rip-relative addresses: no relocation,
and the code pages are only read, by the processes that instantiate),
and replaces the funcref_table_init call with the same bounds check and a
call of that function. The table's contents are unchanged.

Fails (exit 1, with the reason) on output whose shape it does not know:
an entry that is not a plain function reference, a segment used other
than by one whole-segment funcref_table_init, or none at all.
"""
import re
import sys

SEGMENT_START = re.compile(r"^static const wasm_elem_segment_expr_t (elem_segment_exprs_\w+)\[\] = \{$")
ENTRY = re.compile(r"^  \{(\d+), (\(wasm_rt_function_ptr_t\)&\w+), (0|offsetof\(\w+, \w+\))\},$")
TABLE_INIT = re.compile(
    r"^  funcref_table_init\(&instance->(\w+), (elem_segment_exprs_\w+), (\d+), (\d+)u, 0, (\d+), "
    r"instance, func_types\);$")


def segment_function(name, entries):
    """The C lines of the function that stores segment name's entries."""
    out = ["/* lsb: %s as code, not as a table of pointers (scripts/elem_code.py) */" % name,
           "static void lsb_%s(wasm_rt_funcref_t* d, void* inst, const u32* func_types) {" % name]
    for i, (type_index, func, offset) in enumerate(entries):
        out.append("  d[%d] = (wasm_rt_funcref_t){func_types[%s], %s, (char*)inst + %s};"
                   % (i, type_index, func, offset))
    out.append("}")
    return out


def table_init_call(m, sizes):
    """The lines replacing one funcref_table_init of a whole segment."""
    table, name, size, dest, count = m.groups()
    if name not in sizes or int(size) != sizes[name] or int(count) != sizes[name]:
        raise ValueError("%s: not a whole-segment funcref_table_init" % name)
    return ["  if (UNLIKELY(%su + (uint64_t)%s > instance->%s.size))" % (dest, count, table),
            "    TRAP(OOB);",
            "  lsb_%s(&instance->%s.data[%su], instance, func_types);" % (name, table, dest)]


def rewrite(lines):
    """The rewritten lines of a wasm2c output. Raises ValueError."""
    out, sizes, entries, name, inits = [], {}, None, None, 0
    for line in lines:
        if entries is not None:
            if line == "};":
                out += segment_function(name, entries)
                sizes[name], entries = len(entries), None
                continue
            m = ENTRY.match(line)
            if not m:
                raise ValueError("%s: unknown entry %r" % (name, line))
            entries.append(m.groups())
            continue
        m = SEGMENT_START.match(line)
        if m:
            name, entries = m.group(1), []
            continue
        m = TABLE_INIT.match(line)
        if m:
            out += table_init_call(m, sizes)
            inits += 1
            continue
        if "elem_segment_exprs_" in line:
            raise ValueError("an element segment is used elsewhere: %r" % line)
        out.append(line)
    if not sizes or inits != len(sizes):
        raise ValueError("%d segments, %d whole-segment table inits" % (len(sizes), inits))
    return out, sizes


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        out, sizes = rewrite(lines)
    except ValueError as e:
        sys.exit("[elem_code] %s: %s" % (src, e))
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("[elem_code] %s" % ", ".join("%s: %d entries" % kv for kv in sizes.items()))


if __name__ == "__main__":
    main()
