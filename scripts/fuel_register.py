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

Each charge becomes one instruction that gcc cannot split: LSB_CHARGE(k)
and, where lsb-fuel tests the counter after the charge, LSB_CHARGE_TEST(k,
label), whose `sub` sets the flags its `js` reads (aot_hooks.h). Written as
C, a charge (`j0 = fuel; j1 = k; j0 -= j1; fuel = j0;`) let gcc keep old and
new counter values in other registers, if-convert small charged arms with
copies, and test with a separate `test`: a loop header cost five
instructions (lea, mov, mov, test, js) instead of two.

Fails (exit 1, with the reason) on output whose shape it does not know: no
TRAP macro to hook, an export that is not a single call, a guest function
called from outside guest code and exports, a counter access outside guest
functions other than init_globals' zeroing, or a charge that is not in
lsb-fuel's shape.
"""
import itertools
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
# A charge as wasm2c writes lsb-fuel's `fuel = fuel - k` (after the counter
# became the register), and the test `if (fuel < 0) lsb.out_of_fuel();`.
CHARGE_READ = re.compile(r"^( *)(w2c_j\d+) = lsb_fuel;$")
CHARGE_CONST = re.compile(r"^( *)(w2c_j\d+) = (\d+)ull;$")
CHARGE_WRITE = re.compile(r"^ *lsb_fuel = w2c_j\d+;$")
TEST_COMPARE = re.compile(r"^ *(w2c_i\d+) = \(u64\)\(\(s64\)(w2c_j\d+) < \(s64\)(w2c_j\d+)\);$")
OUT_OF_FUEL_CALL = "(*Z_lsbZ_out_of_fuel)(instance->Z_lsb_instance);"
IMMEDIATE_MAX = 2**31 - 1  # a `sub` immediate is a signed 32-bit value
TEST_LABELS = itertools.count(1)


def indent_of(line):
    """The leading spaces of line."""
    return line[: len(line) - len(line.lstrip(" "))]


def match_charge(lines, i):
    """(indent, cost) if lines[i:i+4] are a charge (`j = fuel; k = cost;
    j -= k; fuel = j;`), else None."""
    read = CHARGE_READ.match(lines[i])
    if not read or i + 3 >= len(lines):
        return None
    indent, acc = read.group(1), read.group(2)
    const = CHARGE_CONST.match(lines[i + 1])
    if not const or const.group(1) != indent:
        return None
    if lines[i + 2] != "%s%s -= %s;" % (indent, acc, const.group(2)):
        return None
    if lines[i + 3] != "%s%s = %s;" % (indent, REGISTER, acc):
        return None
    return indent, int(const.group(3))


def match_test(lines, i, indent):
    """True if lines[i:i+8] are the counter test at indent: `j = fuel; k = 0;
    c = j < k; if (c) {` and the bracketed lsb.out_of_fuel call."""
    body = lines[i:i + 8]
    if len(body) != 8:
        return False
    read, zero, compare = CHARGE_READ.match(body[0]), CHARGE_CONST.match(body[1]), TEST_COMPARE.match(body[2])
    if not (read and zero and compare) or read.group(1) != indent or zero.group(3) != "0":
        return False
    if (compare.group(2), compare.group(3)) != (read.group(2), zero.group(2)):
        return False
    inner = indent + "  "
    return body[3:] == ["%sif (%s) {" % (indent, compare.group(1)), inner + WRITE_BACK,
                        inner + OUT_OF_FUEL_CALL, inner + READ, indent + "}"]


def charges_to_asm(lines):
    """lines with every charge as LSB_CHARGE(k), and a charge followed by
    the counter test as LSB_CHARGE_TEST(k, label) with the out_of_fuel call
    under label (aot_hooks.h). Raises ValueError on a write of the counter
    that is neither."""
    out, i = [], 0
    while i < len(lines):
        charge = match_charge(lines, i)
        if charge is None:
            if CHARGE_WRITE.match(lines[i]) and i > 0 and " -= " in lines[i - 1]:
                raise ValueError("a charge of unknown shape: %r" % lines[i - 3:i + 1])
            out.append(lines[i])
            i += 1
            continue
        indent, cost = charge
        if cost > IMMEDIATE_MAX:
            raise ValueError("a charge of %d does not fit a sub immediate" % cost)
        i += 4
        if not match_test(lines, i, indent):
            out.append("%sLSB_CHARGE(%d);" % (indent, cost))
            continue
        label = "lsb_out_of_fuel_%d" % next(TEST_LABELS)
        out += ["%sLSB_CHARGE_TEST(%d, %s);" % (indent, cost, label), indent + "if (0) {",
                "%s%s:" % (indent, label)] + lines[i + 4:i + 7] + [indent + "}"]
        i += 8
    return out


def rewrite_function(lines):
    """The body lines of one guest function: the counter is the register,
    each import call is bracketed by a write-back and a read, and each
    charge is one instruction (charges_to_asm)."""
    out = []
    for line in lines:
        line = line.replace(COUNTER, REGISTER)
        if IMPORT_CALL.search(line):
            out += [indent_of(line) + WRITE_BACK, line, indent_of(line) + READ]
        else:
            out.append(line)
    return charges_to_asm(out)


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
    """Rewrite argv[1] into argv[2]; prints a summary."""
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
    tests = sum(1 for line in out if line.lstrip().startswith("LSB_CHARGE_TEST("))
    print("[fuel_register] %d functions, %d exports, %d tests after a charge"
          % (counts["function"], counts["export"], tests))


if __name__ == "__main__":
    main()
