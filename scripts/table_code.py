"""table_code.py IN.c OUT.c - the guest's function table: filled by code, called through cheaply.

1. Filled by code. wasm2c 1.0.32 writes each active element segment as a
static array of {type index, function pointer, instance offset} and copies
it into the table when an instance is made (funcref_table_init). In our
position-independent host every one of those function pointers is a
relocation that the dynamic loader applies at every start of every
process, even one that never makes a guest instance: python's segment has
4,777 entries (114 KB of .data.rel.ro, 28 pages written at each start), so
`llm-sandbox --help` paid for them too. Each segment becomes a function
that stores the same entries into the table with code (rip-relative
addresses: no relocation, and the code pages are only read, by the
processes that instantiate), and the funcref_table_init call becomes the
same bounds check and a call of that function. The table's contents are
unchanged.

2. Called through cheaply. wasm2c's call_indirect, on every call, loads the
table's size, tests the entry's function pointer for null, loads the
expected type's id from `func_types` (filled at start-up by a global
registry) and loads the callee's instance from the entry: thirteen
instructions around the `call *` (CPython makes one indirect call per 200
instructions on pystone). For a module whose only table is fixed-size
(size = max, as wasm-ld writes it; nothing in the module can grow, set,
fill or copy it; not exported) whose entries are all its own functions:
- the size is a constant: the table can never have another;
- type ids are constants, in `static const u32 func_types[]`: each type's
  id is 1 + the index of the first type with the same parameters and
  results, the same equivalence the registry applies. Ids only ever meet
  other ids of this module (no table or function reference crosses a
  module boundary here), so the registry's numbering across modules is not
  needed;
- no null test: an empty entry is zeroed (calloc), and id 0 matches no
  type, so the type test traps on it as the null test did;
- the callee's instance is the caller's: every entry was stored with this
  instance (offset 0).
Every call_indirect still traps, with the same code, on an index past the
end, an empty entry and a type mismatch (tools/fuel/test/traps.wat).

Fails (exit 1, with the reason) on output whose shape it does not know: an
entry that is not a plain function reference, a segment used other than
by one whole-segment funcref_table_init, a second, growable or exported
table, a call_indirect written differently, or a table modified by code. A module
with no table and no segment passes through unchanged.
"""
import re
import sys

SEGMENT_START = re.compile(r"^static const wasm_elem_segment_expr_t (elem_segment_exprs_\w+)\[\] = \{$")
ENTRY = re.compile(r"^  \{(\d+), (\(wasm_rt_function_ptr_t\)&\w+), (0|offsetof\(\w+, \w+\))\},$")
TABLE_INIT = re.compile(
    r"^  funcref_table_init\(&instance->(\w+), (elem_segment_exprs_\w+), (\d+), (\d+)u, 0, (\d+), "
    r"instance, func_types\);$")
# How wasm2c's accessor of an exported table returns it (the name follows).
EXPORTED_FIELD = "  return &instance->"
TABLE_ALLOCATE = re.compile(r"^  wasm_rt_allocate_funcref_table\(&instance->(\w+), (\d+), (\d+)\);$")
FUNC_TYPES_DECL = re.compile(r"^static u32 func_types\[(\d+)\];$")
FUNC_TYPE_REGISTER = re.compile(r"^  func_types\[(\d+)\] = wasm_rt_register_func_type\((.*)\);$")
# wasm2c's own definition, which part 2 replaces (five lines).
CALL_INDIRECT_DEFINITION = [
    "#define CALL_INDIRECT(table, t, ft, x, ...)             \\",
    "  (LIKELY((x) < table.size && table.data[x].func &&     \\",
    "          table.data[x].func_type == func_types[ft]) || \\",
    "       TRAP(CALL_INDIRECT),                             \\",
    "   ((t)table.data[x].func)(__VA_ARGS__))",
]
# One use: the part before the callee's instance (table, function pointer
# type, type index, index variable), then that instance as the entry holds it.
CALL_INDIRECT_USE = (r"(CALL_INDIRECT\(instance->%s, [^,()]+\(\*\)\([^()]*\), \d+, (w2c_[a-z]\d+), )"
                     r"instance->%s\.data\[\2\]\.module_instance(?=[,)])")
# Code that would change a table after instantiation.
TABLE_WRITERS = re.compile(r"\b(funcref_table_(set|fill|copy)|wasm_rt_grow_funcref_table|"
                           r"externref_table_\w+)\(")


def segment_function(name, entries):
    """The C lines of the function that stores segment name's entries."""
    out = ["/* lsb: %s as code, not as a table of pointers (scripts/table_code.py) */" % name,
           "static void lsb_%s(wasm_rt_funcref_t* d, void* inst, const u32* func_types) {" % name]
    for i, (type_index, func, offset) in enumerate(entries):
        out.append("  d[%d] = (wasm_rt_funcref_t){func_types[%s], %s, (char*)inst + %s};"
                   % (i, type_index, func, offset))
    out.append("}")
    return out


def table_init_call(m, segments):
    """The lines replacing one funcref_table_init of a whole segment."""
    table, name, size, dest, count = m.groups()
    entries = segments.get(name)
    if entries is None or int(size) != len(entries) or int(count) != len(entries):
        raise ValueError("%s: not a whole-segment funcref_table_init" % name)
    return ["  if (UNLIKELY(%su + (uint64_t)%s > instance->%s.size))" % (dest, count, table),
            "    TRAP(OOB);",
            "  lsb_%s(&instance->%s.data[%su], instance, func_types);" % (name, table, dest)]


def elem_as_code(lines):
    """Part 1: lines with every segment as a function; and the entries of
    each segment, by name. Raises ValueError."""
    out, segments, entries, name, inits = [], {}, None, None, 0
    for line in lines:
        if entries is not None:
            if line == "};":
                out += segment_function(name, entries)
                segments[name], entries = entries, None
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
            out += table_init_call(m, segments)
            inits += 1
            continue
        if "elem_segment_exprs_" in line:
            raise ValueError("an element segment is used elsewhere: %r" % line)
        out.append(line)
    if inits != len(segments):
        raise ValueError("%d segments, %d whole-segment table inits" % (len(segments), inits))
    return out, segments


def fixed_table(lines):
    """The one table's name and size, or None if the module has no table.
    Raises ValueError on more than one, a growable or exported one, or
    code that changes one."""
    tables, writers, exports = [], [], set()
    for line in lines:  # one pass: python's C is 2.5M lines
        m = TABLE_ALLOCATE.match(line)
        if m:
            tables.append(m)
        # The definitions of these helpers start with `static inline`; any
        # other line naming one calls it.
        if TABLE_WRITERS.search(line) and not line.lstrip().startswith(("static", "#")):
            writers.append(line)
        if line.startswith(EXPORTED_FIELD):
            exports.add(line)
    if not tables:
        return None
    if len(tables) > 1:
        raise ValueError("%d tables; only one is known" % len(tables))
    name, size, maximum = tables[0].groups()
    if size != maximum:
        raise ValueError("table %s may grow (%s to %s entries)" % (name, size, maximum))
    if writers:
        raise ValueError("code changes a table: %r" % writers[0].strip())
    if EXPORTED_FIELD + name + ";" in exports:
        raise ValueError("table %s is exported: the host could store other entries" % name)
    return name, int(size)


def constant_type_ids(lines):
    """lines with `func_types` a constant array of canonical ids and its
    registration gone. Raises ValueError."""
    out, ids, count, first = [], [], None, {}
    for line in lines:
        m = FUNC_TYPES_DECL.match(line)
        if m:
            count = int(m.group(1))
            out.append(None)  # the declaration, once every id is known
            continue
        m = FUNC_TYPE_REGISTER.match(line)
        if m:
            if int(m.group(1)) != len(ids):
                raise ValueError("func_types[%s] registered out of order" % m.group(1))
            ids.append(first.setdefault(m.group(2), len(ids) + 1))
            continue
        out.append(line)
    if count is None or count != len(ids):
        raise ValueError("func_types: %s declared, %d registered" % (count, len(ids)))
    at = out.index(None)
    out[at] = "static const u32 func_types[%d] = {%s};" % (count, ", ".join(map(str, ids)))
    return out


def cheap_call_indirect(lines, table, size):
    """Part 2 on lines whose table is `table` with `size` entries, all of
    them this instance's own functions. Returns the lines and the number of
    calls rewritten. Raises ValueError."""
    n = len(CALL_INDIRECT_DEFINITION)
    starts = [i for i, line in enumerate(lines)
              if line == CALL_INDIRECT_DEFINITION[0] and lines[i:i + n] == CALL_INDIRECT_DEFINITION]
    if len(starts) != 1:
        raise ValueError("wasm2c's CALL_INDIRECT definition not found as known")
    at = starts[0]
    ours = ["/* lsb: a fixed-size table of this instance's functions (scripts/table_code.py) */",
            "#define CALL_INDIRECT(table, t, ft, x, ...)                              \\",
            "  (LIKELY((x) < %du && table.data[x].func_type == func_types[ft]) ||     \\" % size,
            "       TRAP(CALL_INDIRECT),                                              \\",
            "   ((t)table.data[x].func)(__VA_ARGS__))"]
    use = re.compile(CALL_INDIRECT_USE % (table, table))
    out, calls = lines[:at] + ours, 0
    for line in lines[at + n:]:
        uses = line.count("CALL_INDIRECT(")
        if uses:
            line, k = use.subn(r"\1instance", line)
            if k != uses:
                raise ValueError("a call_indirect written differently: %r" % line.strip())
            calls += k
        out.append(line)
    return out, calls


def rewrite(lines):
    """The rewritten lines of a wasm2c output, and a summary. Raises ValueError."""
    table = fixed_table(lines)
    out, segments = elem_as_code(lines)
    if table is None:
        if segments:
            raise ValueError("element segments but no table")
        return out, "no table"
    name, size = table
    summary = ", ".join("%s: %d entries" % (s, len(e)) for s, e in segments.items())
    if any(offset != "0" for e in segments.values() for _, _, offset in e):
        return out, summary + "; an entry of another instance: call_indirect as wasm2c writes it"
    out = constant_type_ids(out)
    out, calls = cheap_call_indirect(out, name, size)
    return out, "%s; %d call_indirect sites on a fixed table of %d" % (summary, calls, size)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        out, summary = rewrite(lines)
    except ValueError as e:
        sys.exit("[table_code] %s: %s" % (src, e))
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("[table_code] %s" % summary)


if __name__ == "__main__":
    main()
