"""fuel_local.py IN.c OUT.c - keep each guest function's fuel in a C local.

wasm2c keeps lsb-fuel's counter in the instance (instance->w2c_fuel), so
every charge is a store gcc cannot drop. This rewrite of wasm2c 1.0.32's
output gives each guest function a local copy, `lsb_fuel`, read at entry
and written back only where the counter must be seen outside it: before
every call (a guest function, an import such as lsb.out_of_fuel, or
call_indirect) and at the one exit (FUNC_EPILOGUE), and read again after
each call. The charges then compile to register arithmetic, and small if
arms can become conditional moves.

Why in the C and not in lsb-fuel: wasm2c's output is flat, one statement
per wasm instruction, so each call is a line of its own and the write-back
lands between its operands and the call; in the wasm a call sits inside
expressions whose operands may charge.

What changes: only when a trap unwinds a function (an out-of-bounds access,
unreachable, stack exhaustion, a bad call_indirect; never out of fuel, whose
call writes back first) does the instance keep the value of its last
write-back, so such a run reports up to one function's charges less.

Fails (exit 1, with the reason) on output whose shape it does not know: a
guest function without exactly one FUNC_PROLOGUE and one FUNC_EPILOGUE, a
`return` before the epilogue, or a counter access left outside a function.
"""
import re
import sys

CALL = re.compile(r"\bw2c_\w+\(instance\b|\(\*Z_\w+\)\(|CALL_INDIRECT\(")
FUNC = re.compile(r"^static \S+ w2c_\w+\(Z_\w+_instance_t\* instance\b")
COUNTER = "instance->w2c_fuel"
LOCAL = "lsb_fuel"
WRITE_BACK = COUNTER + " = " + LOCAL + ";"
READ = LOCAL + " = " + COUNTER + ";"


def indent_of(line):
    """The leading spaces of line."""
    return line[: len(line) - len(line.lstrip(" "))]


def rewrite_function(lines, name):
    """The body lines of one guest function, rewritten; raises ValueError."""
    out, prologues, epilogues = [], 0, 0
    for line in lines:
        text = line.strip()
        if text == "FUNC_PROLOGUE;":
            prologues += 1
            out += [line, "  u64 " + LOCAL + " = " + COUNTER + ";"]
        elif text == "FUNC_EPILOGUE;":
            epilogues += 1
            out += ["  " + WRITE_BACK, line]
        else:
            if text.startswith("return") and not epilogues:
                raise ValueError("%s: return before FUNC_EPILOGUE" % name)
            line = line.replace(COUNTER, LOCAL)
            if CALL.search(line):
                out += [indent_of(line) + WRITE_BACK, line, indent_of(line) + READ]
            else:
                out.append(line)
    if prologues != 1 or epilogues != 1:
        raise ValueError("%s: %d FUNC_PROLOGUE and %d FUNC_EPILOGUE, want 1 and 1"
                         % (name, prologues, epilogues))
    return out


def rewrite(lines):
    """All of wasm2c's output, rewritten, and the number of functions.
    A signature may wrap over several lines; it ends with ") {"."""
    out, body, head, count = [], None, [], 0
    for line in lines:
        if body is None and (head or FUNC.match(line)):
            head.append(line)
            if line.endswith(") {"):
                body = []
            elif line.endswith(";"):  # a prototype, not a definition
                out += head
                head = []
        elif body is not None and line == "}":
            out += head + rewrite_function(body, head[0]) + [line]
            body, head, count = None, [], count + 1
        elif body is not None:
            body.append(line)
        else:
            out.append(line)
    return out, count


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fuel_local.py IN.c OUT.c")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        out, count = rewrite(lines)
    except ValueError as e:
        sys.exit("fuel_local: unexpected wasm2c output: %s" % e)
    # init_globals sets the counter outside any guest function; nothing else may
    strays = [l for l in out if COUNTER in l and l.strip() not in (WRITE_BACK, READ)
              and "u64 " + LOCAL not in l and l.strip() != COUNTER + " = 0ull;"]
    if strays:
        sys.exit("fuel_local: unexpected counter access outside a function: %s" % strays[0])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("[fuel_local] %d functions" % count)


if __name__ == "__main__":
    main()
