"""static_instance.py IN.c OUT.c - one guest instance per process, at a fixed address.

wasm2c 1.0.32 passes the module's instance to every function as its first
argument, so each guest function keeps that pointer in a register for as
long as it reads a global (`__stack_pointer`), calls another guest function
or calls through the table: in a hot function such as an interpreter's
dispatch loop, one callee-saved register less for gcc's own values, plus
the moves and saves around every call. A process of ours holds at most one
instance of each guest (a run process restores one; a snapshot build makes
one), so the instance can be an object of the guest's own translation unit,
`Z_<mod>_the_instance`, whose fields gcc addresses rip-relative with no
register at all.

Every function definition that takes the instance (guest functions, the
exports, instantiate, free and wasm2c's init helpers) keeps its signature,
so wasm2c's prototypes, the function table's entries and call_indirect
stay as they are, but its parameter is renamed and never read: the body
sees `instance` as a constant pointer to the object. gcc then drops the
parameter from the static functions whose address is not taken, and the
argument the others still receive is a constant. The host must pass that
object wherever it passes an instance (src/wasm/guest_glue.c gives it as
guest_module.instance); declared with hidden visibility, so it is
addressed without the GOT even in a shared library.

Fails (exit 1, with the reason) on output whose shape it does not know: no
instantiate to name the module, no header include to define the object
after, or a line naming the instance parameter that does not open a
definition (`T name(T* instance, ...) {`, on up to 8 lines).
"""
import re
import sys

INSTANTIATE = re.compile(r"^void Z_(\w+)_instantiate\(Z_\1_instance_t\* instance\b")
# A definition's first line: return type, name, and the instance as the
# first parameter. wasm2c writes `T* instance` in most, `T *instance` in
# some helpers, and wraps a long parameter list onto further lines, the last
# ending in `) {` or `){`.
DEFINITION = re.compile(r"^(\S.*\()(Z_%s_instance_t) ?\* ?instance\b(.*)$")
# A prototype or a call can only name the type without a parameter name.
NAMED_PARAMETER = re.compile(r"Z_%s_instance_t ?\* ?instance\b")
HEADER_END = re.compile(r"\) ?\{$")
# How many lines a definition's header may take.
HEADER_LINES_MAX = 8
UNUSED = "lsb_unused_instance"


def module_name(lines):
    """The wasm2c module name, from Z_<mod>_instantiate's definition."""
    for line in lines:
        m = INSTANTIATE.match(line)
        if m:
            return m.group(1)
    sys.exit("static_instance.py: no Z_<mod>_instantiate definition: not wasm2c 1.0.32 output?")


def the_instance(mod):
    """The C name of the one instance object."""
    return "Z_%s_the_instance" % mod


def header_end(lines, first):
    """The index of the line that ends the definition header starting at first."""
    for i in range(first, min(first + HEADER_LINES_MAX, len(lines))):
        if HEADER_END.search(lines[i]):
            return i
        if lines[i].rstrip().endswith(";"):
            break
    sys.exit("static_instance.py: a header naming the instance that does not open a "
             "definition: %s" % lines[first].strip())


def rewrite(lines):
    """The rewritten lines, the number of definitions that now use the
    object, and the module's name."""
    mod = module_name(lines)
    include = '#include "%s.h"' % mod
    if include not in lines:
        sys.exit("static_instance.py: no %s to define the instance after" % include)
    definition = re.compile(DEFINITION.pattern % re.escape(mod))
    named = re.compile(NAMED_PARAMETER.pattern % re.escape(mod))
    out, rewritten, i = [], 0, 0
    while i < len(lines):
        m = definition.match(lines[i])
        if m:
            end = header_end(lines, i)
            out += definition_header(lines[i:end + 1], m, mod)
            rewritten, i = rewritten + 1, end + 1
            continue
        if named.search(lines[i]):
            sys.exit("static_instance.py: the instance parameter outside a definition's first "
                     "line: %s" % lines[i].strip())
        out.append(lines[i])
        if lines[i] == include:
            out += ["/* lsb: the process's one instance (scripts/static_instance.py) */",
                    '__attribute__((visibility("hidden"))) Z_%s_instance_t %s;' % (mod, the_instance(mod))]
        i += 1
    return out, rewritten, mod


def definition_header(header, match, mod):
    """A definition's header lines (match: DEFINITION on the first) with the
    parameter renamed, and the body's first line: `instance`, the object."""
    first = "%s%s* %s%s" % (match.group(1), match.group(2), UNUSED, match.group(3))
    return [first] + header[1:] + ["  %s* const instance = &%s;" % (match.group(2), the_instance(mod))]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: static_instance.py IN.c OUT.c")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, rewritten, mod = rewrite(lines)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("[static_instance] %d functions use %s" % (rewritten, the_instance(mod)))


if __name__ == "__main__":
    main()
