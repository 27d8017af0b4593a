"""instructions.py CALLGRIND_OUT BINARY BASELINE - what the fuel charges add,
by kind, for bench/instructions.sh.

CALLGRIND_OUT is callgrind's output (--dump-instr=yes) of BINARY running a
workload with charges; BASELINE is the instruction count of the same
workload without them. Each executed instruction of BINARY is classed by
its disassembly (objdump, AT&T syntax) as one of what the fuel code is
made of (src/wasm/aot_hooks.h, scripts/guest_asm.py):
  charge - `sub $k, %r15`;
  test   - the `js` right after a charge;
  stub   - a stub's `lea -k(%r15), %r15` and the `jmp` after it;
and the rest of the extra instructions, above BASELINE, is what the
charges cost gcc's code elsewhere (a register less, cold paths).
"""
import re
import subprocess
import sys
from collections import Counter

CHARGE = re.compile(r"sub\s+\$0x[0-9a-f]+,%r15$")
STUB_CHARGE = re.compile(r"lea\s+-0x[0-9a-f]+\(%r15\),%r15$")
INSTRUCTION = re.compile(r"\s*([0-9a-f]+):\s+(\S.*)$")
OBJECT = re.compile(r"c?ob=\((\d+)\)(?: (.*))?$")


def executed(path, binary):
    """({address: times executed} for binary's code, the whole run's
    count) from a callgrind file. Lines name their address in full
    (0x...), relative to the previous one (+n, -n) or as the same (*);
    the line after `calls=` is the call's inclusive cost, not an
    instruction's own."""
    counts, names, current, address, call_cost = Counter(), {}, None, 0, False
    summary = 0
    with open(path) as f:
        for line in f:
            if line.startswith("summary: "):
                summary = int(line.split()[1])
                continue
            if line.startswith(("ob=", "cob=")):
                m = OBJECT.match(line.strip())
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("ob="):
                    current = names.get(m.group(1))
                continue
            if line.startswith("calls="):
                call_cost = True
                continue
            if not line or line[0] not in "+-*0123456789":
                continue
            fields = line.split()
            position = fields[0]
            if position[0] in "+-":
                address += int(position, 0)
            elif position != "*":
                address = int(position, 0)
            if call_cost:
                call_cost = False
            elif current == binary and len(fields) >= 3:
                counts[address] += int(fields[2])
    return counts, summary


def kinds(binary, counts):
    """Counter of executed instructions by kind (see above)."""
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True,
                             text=True, check=True).stdout
    total, previous = Counter(), ""
    for line in listing.split("\n"):
        m = INSTRUCTION.match(line)
        if not m:
            continue
        text = m.group(2).strip()
        if CHARGE.match(text):
            kind = "charge"
        elif STUB_CHARGE.match(text) or (STUB_CHARGE.match(previous) and text.startswith("jmp")):
            kind = "stub"
        elif CHARGE.match(previous) and text.startswith("js"):
            kind = "test"
        else:
            kind = "other"
        total[kind] += counts.get(int(m.group(1), 16), 0)
        previous = text
    return total


def main(argv):
    """Print the split; exit 2 on a wrong command line."""
    if len(argv) != 4:
        sys.stderr.write("usage: instructions.py CALLGRIND_OUT BINARY BASELINE\n")
        return 2
    counts, with_charges = executed(argv[1], argv[2])
    extra = with_charges - int(argv[3])
    total = kinds(argv[2], counts)
    rest = extra - total["charge"] - total["test"] - total["stub"]
    parts = ["%s %.1f%%" % (k, 100.0 * v / extra) for k, v in
             (("charges", total["charge"]), ("tests", total["test"]), ("stubs", total["stub"]),
              ("other", rest))]
    print("              the extra %d: %s" % (extra, ", ".join(parts)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
