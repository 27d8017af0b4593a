"""profile.py - where a guest's time goes, for bench/profile.sh.

Usage: profile.py PERF_DATA STACK_POINTER_OFFSET

Reads `perf annotate --stdio` of a recorded run and sorts every sample of
the AOT-compiled guest (symbols w2c_*) into what the instruction does:
  memory       a linear-memory load or store (%gs: with Segue)
  fuel         a fuel charge: an instruction on the counter's register
               (%r15, src/wasm/aot_hooks.h) and the js to the cold
               out-of-fuel call
  stack ptr    __stack_pointer's load/store in the instance (through a
               register, or rip-relative to the static instance object,
               scripts/static_instance.py)
  indirect     call_indirect's call (the table checks count as "rest")
  dispatch     an indirect jmp: a br_table (the interpreters' opcode switch)
  rest         everything else
and prints the top functions with their share of all samples. The classes
are read off the disassembly, so they are approximate.
"""
import re
import subprocess
import sys

HEADER = re.compile(r"^\s*Percent \|.*\((\d+) samples")
SYMBOL = re.compile(r"^\s*:\s+\d+\s+[0-9a-f]+ <([^>]+)>:")
LINE = re.compile(r"^\s*(\d+\.\d+)\s*:\s+[0-9a-f]+:\s+(\S+)\s*(.*)$")
CLASSES = ["memory", "fuel", "stack ptr", "indirect", "dispatch", "rest"]


FUEL_REGISTER = "%r15"


def stack_pointer_refs(offset):
    """How an access to the instance field at offset reads in objdump's
    text: off a register holding the instance, or rip-relative to the one
    static instance, which objdump names in its comment."""
    field = "_the_instance+%s>" % hex(offset) if offset else "_the_instance>"
    return ("%s(%%r" % hex(offset), field)


def classify(op, args, sp_refs):
    """The class of one instruction (op, args)."""
    if "%gs:" in args:
        return "memory"
    if FUEL_REGISTER in args or (op == "js" and ".cold" in args):
        return "fuel"
    if any(ref in args for ref in sp_refs):
        return "stack ptr"
    if op.startswith("call") and args.startswith("*"):
        return "indirect"
    if op.startswith("jmp") and args.startswith("*"):
        return "dispatch"
    return "rest"


def read_functions(text, sp_refs):
    """{symbol: {class: samples}} from perf annotate's text."""
    funcs, cur, samples = {}, None, 0
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            samples, cur = int(m.group(1)), None
            continue
        m = SYMBOL.match(line)
        if m:
            cur = funcs.setdefault(m.group(1), dict.fromkeys(CLASSES, 0.0))
            continue
        m = LINE.match(line)
        if not m or cur is None:
            continue
        pct, op, args = float(m.group(1)), m.group(2), m.group(3)
        if pct == 0.0:
            continue
        cur[classify(op, args, sp_refs)] += pct * samples / 100
    return funcs


def main():
    data, sp_off = sys.argv[1], int(sys.argv[2])
    text = subprocess.run(["perf", "annotate", "-i", data, "--stdio"], capture_output=True,
                          text=True, check=True).stdout
    funcs = read_functions(text, stack_pointer_refs(sp_off))
    funcs = {k: v for k, v in funcs.items() if k.startswith("w2c_")}
    total = sum(sum(v.values()) for v in funcs.values()) or 1
    sums = {c: sum(v[c] for v in funcs.values()) for c in CLASSES}
    print("  guest samples by instruction class (approximate):")
    print("    " + "  ".join("%s %.1f%%" % (c, 100 * sums[c] / total) for c in CLASSES))
    print("  top guest functions (share of guest samples):")
    for name, v in sorted(funcs.items(), key=lambda kv: -sum(kv[1].values()))[:10]:
        print("    %5.1f%%  %s" % (100 * sum(v.values()) / total, name))


if __name__ == "__main__":
    main()
