"""fuel_register.py IN.c OUT.c - keep the guest's fuel counter in a register.

wasm2c keeps lsb-fuel's counter in the instance (instance->w2c_fuel), so a
charge is a load, a subtraction and a store, and every call between guest
functions has to leave the counter in memory for the callee. This rewrite
of wasm2c 1.0.32's output makes every guest function use `lsb_fuel`
instead: a global register variable (src/wasm/aot_hooks.h, %r15 on x86-64)
that gcc reserves in the guest's translation unit. A charge becomes one
`sub` on that register, and calls between guest functions cost nothing
extra.

The instance field stays the counter's home outside guest code:
- each export the host calls (Z_<mod>Z_<name>) saves the host's %r15,
  loads the register from the instance, runs, stores it back and restores
  the host's value (%r15 is callee-saved: the host's C expects it kept);
- before every call of an import (WASI, lsb.out_of_fuel, proc_exit) the
  register is written to the instance, and read again after, so the host
  sees the exact counter and may change it;
- a trap raised by guest code (wasm2c's TRAP macro) hands the register to
  rt_trap_in_guest, and a fault's signal handler reads it from the
  interrupted context (runtime.c), so a trapped run's count is exact too.

Fails (exit 1, with the reason) on output whose shape it does not know: no
TRAP macro to hook, an export that is not a single call, a guest function
called from outside guest code and exports, or a counter access outside
guest functions other than init_globals' zeroing.
"""
import re
import sys

FUNC = re.compile(r"^static \S+ w2c_\w+\(Z_\w+_instance_t\* instance\b")
EXPORT = re.compile(r"^(\S+) (Z_\w+Z_\w+)\(Z_\w+_instance_t\* instance.*\) \{$")
IMPORT_CALL = re.compile(r"\(\*Z_\w+\)\(")
GUEST_CALL = re.compile(r"\bw2c_\w+\(instance\b")
TRAP_MACRO = "#define TRAP(x) (wasm_rt_trap(WASM_RT_TRAP_##x), 0)"
TRAP_HOOKED = "#define TRAP(x) (rt_trap_in_guest(WASM_RT_TRAP_##x, lsb_fuel), 0)"
COUNTER = "instance->w2c_fuel"
REGISTER = "lsb_fuel"
WRITE_BACK = COUNTER + " = " + REGISTER + ";"
READ = REGISTER + " = " + COUNTER + ";"
ZEROING = COUNTER + " = 0ull;"


def indent_of(line):
    """The leading spaces of line."""
    return line[: len(line) - len(line.lstrip(" "))]


def rewrite_function(lines):
    """The body lines of one guest function: the counter is the register,
    and each import call is bracketed by a write-back and a read."""
    out = []
    for line in lines:
        line = line.replace(COUNTER, REGISTER)
        if IMPORT_CALL.search(line):
            out += [indent_of(line) + WRITE_BACK, line, indent_of(line) + READ]
        else:
            out.append(line)
    return out


def wrap_export(head, body):
    """An export's lines, its one call run with the register loaded from the
    instance and the host's register value kept; an export that runs no
    guest code (the memory's accessor) stays as it is. Raises ValueError."""
    m = EXPORT.match(head)
    returns, name = m.group(1), m.group(2)
    if not any(GUEST_CALL.search(l) for l in body):
        return [head] + body + ["}"]
    if len(body) != 1 or not body[0].startswith("  return ") or not GUEST_CALL.search(body[0]):
        raise ValueError("%s: export is not a single call: %r" % (name, body))
    call = body[0][len("  return "):]
    enter = "  uint64_t lsb_host_r = %s; %s" % (REGISTER, READ)
    leave = "  %s %s = lsb_host_r;" % (WRITE_BACK, REGISTER)
    if returns == "void":
        return [head, enter, "  " + call, leave, "}"]
    return [head, enter, "  %s lsb_result = %s" % (returns, call), leave,
            "  return lsb_result;", "}"]


def rewrite(lines):
    """All of wasm2c's output, rewritten, and the number of guest functions
    and exports. A signature may wrap over several lines; it ends with ") {"."""
    out, body, head, kind = [], None, [], None
    counts = {"function": 0, "export": 0}
    for line in lines:
        if body is None and (head or FUNC.match(line) or EXPORT.match(line)):
            head.append(line)
            kind = kind or ("export" if EXPORT.match(line) else "function")
            if line.endswith(") {"):
                body = []
            elif line.endswith(";"):  # a prototype, not a definition
                out += head
                head, kind = [], None
        elif body is not None and line == "}":
            if kind == "export":  # EXPORT matched its one-line signature
                out += wrap_export(head[0], body)
            else:
                out += head + rewrite_function(body) + [line]
            counts[kind] += 1
            body, head, kind = None, [], None
        elif body is not None:
            body.append(line)
        else:
            if GUEST_CALL.search(line):
                raise ValueError("guest code called outside guest functions: %s" % line)
            if COUNTER in line and line.strip() != ZEROING:
                raise ValueError("counter access outside guest functions: %s" % line)
            out.append(line)
    return out, counts


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fuel_register.py IN.c OUT.c")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines.count(TRAP_MACRO) != 1:
        sys.exit("fuel_register: unexpected wasm2c output: no single TRAP macro to hook")
    lines[lines.index(TRAP_MACRO)] = TRAP_HOOKED
    try:
        out, counts = rewrite(lines)
    except ValueError as e:
        sys.exit("fuel_register: unexpected wasm2c output: %s" % e)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("[fuel_register] %d functions, %d exports" % (counts["function"], counts["export"]))


if __name__ == "__main__":
    main()
