"""guest_asm.py [--segue] IN.s OUT.s - three rewrites of a guest's compiled assembly.

A guest is an interpreter (CPython, QuickJS). wasm has no computed goto, so
its opcode dispatch is a `switch`: every opcode's code ends with a `jmp` to
one shared block (often through a block of leftover fuel charges) that
charges the loop header, tests fuel, loads the next opcode and makes the
one indirect `jmp *reg` of the whole interpreter. gcc does not copy that
block into its predecessors for a `switch` (it does for computed gotos), so
the CPU predicts every opcode's successor from one jump, and each opcode
pays two or three extra jumps and charges. On gcc's output (`gcc -S`, with
aot_hooks.h's charges as `subq $k, %r15`) this script does:

0. Whole byte tables. An opcode is a byte, but gcc's `switch` on it tests
   the byte against the cases' range, indexes a table of 32-bit offsets
   and adds the table's address back: `movzbl`, (`leal -B` or `subl $B`),
   `cmpl $M`, `ja default`, `movslq (%base,%i,4), %e`, `addq %base, %e`,
   `jmp *%e`. When those lines stand together (but for up to
   INTERLEAVED_MAX instructions gcc scheduled between the load and the
   `leal`/`subl`, which stay where they are: no jump, call, stack op or
   flag reader, naming none of the byte, index, base and entry registers)
   and the table follows with M+1 entries, at least WHOLE_TABLE_MIN of
   them (an interpreter's opcode switch; a smaller one is not worth 2 KB
   of addresses that the loader relocates in every process), a table of
   the 256 absolute addresses is put just before it (both move to
   .data.rel.ro, relocated once) and the jump indexes it:
   - the entry loaded into the index register (%e = %i): the jump
     becomes `jmp *-2048(%base,%byte,8)`. Every byte value has an entry,
     and those outside the range go to a stub that redoes the `leal`/
     `subl` and `cmpl` (the default block may read that register or the
     flags) and jumps to the default;
   - into another register, which the default may read (it was written
     only after the test), and the cases may read the index: the biased
     index is computed as 64 bits, `leaq -B(%byte), %i`, so a byte below
     B indexes the entries before the range, and the jump becomes `jmp
     *(8B-2048)(%base,%i,8)`. The stub cuts the index to the 32 bits the
     `leal`/`subl` left (`movl %i32, %i32`) and redoes the `cmpl`;
   - the table's address loaded after the test (the default path must
     keep that register's old value): the test stays, and only the last
     three instructions become `jmp *(8B-2048)(%base,%i,8)`.
   The only difference is in what the old jump left and no target reads:
   the summed address in %e and the `addq`'s flags. The old offset table
   stays at its label for any other user. CPython and QuickJS then
   dispatch an opcode with two or three instructions instead of seven.
1. Dispatch threading. A direct `jmp L` whose path from L runs, through
   further direct jumps, to an indirect `jmp *` within DISPATCH_MAX
   instructions is replaced by a copy of that path: the same instructions
   in the same order, with its conditional jumps going to the same labels.
   Every opcode then ends in its own indirect jump, as with computed goto.
   The path may hold no call, return, push or pop, no CFI or section
   directive, and no numeric local label; it must stay in the jump's
   section. Labels on the path are not copied.
2. Charge merging (with --segue only: guest code compiled with Segue,
   aot_hooks.h, reaches guest memory through %gs and nothing else, so the
   accesses that can fault are known). A plain charge (`subq $a, %r15`,
   no `js` after it) is deleted and added to the next charge on its
   fall-through path (`subq $b, %r15` becomes `subq $a+b, %r15`), if
   nothing in between can see the counter: no label, unconditional jump,
   call or return, no instruction naming %r15, no guest memory access
   (`%gs:`, which can fault: the fault's handler reads the counter), no
   directive but alignment. A forward conditional jump on the way is
   crossed: it goes instead to a stub that pays what its edge now skips
   (`leaq -a(%r15), %r15`, which keeps the flags the target may read) and
   jumps to the old target. The fall-through path, which gcc lays out as
   the likely one, pays one `sub` where it paid several; a taken jump pays
   a `leaq` and a `jmp` more. A backward jump (a loop's back edge, taken
   on every iteration but the last) is not crossed. A test reads the same
   value as before and every jump target sees the same counter, so a
   run's fuel and where it stops are unchanged.

Both keep fuel exact: a completed run, an out-of-fuel stop and a trap in
guest memory see the same counter as before. A stack overflow's fault may
report a merged charge less (only the host's stack limit decides where it
happens, so it is not comparable with another engine anyway).

With --segue it also puts back the %gs prefix that gcc 12 drops from an
access at a constant address above INT32_MAX: it writes `movabsl
4294967296, %eax`, which reads that absolute address in the host, not in
linear memory (python's profile-guided object had one, on a cold path).
The `movabs` form takes a segment prefix like any access; any other
`movabs` to or from memory is refused.

Prints what it did; fails (exit 1) on a merged charge above a `sub`
immediate (a stub's `leaq` displacement is at most that). Input it does
not recognise is copied unchanged.
"""
import re
import sys

CHARGE = re.compile(r"^\tsubq \$(\d+), %r15$")
TEST_JUMP = re.compile(r"^\tjs \S+$")
LABEL = re.compile(r"^([.\w$]+):$")
DIRECT_JUMP = re.compile(r"^\tjmp\t([.\w$]+)$")
INDIRECT_JUMP = re.compile(r"^\tjmp\t\*(%\w+|-?\d*\(%\w+,%\w+,8\))$")
ANY_JUMP = re.compile(r"^\tj\w+\s")
CONDITIONAL_JUMP = re.compile(r"^\tj(?!mp)\w+\t([.A-Za-z_$][.\w$]*)$")
ALIGNMENT = re.compile(r"^\t\.(p2align|align)\b")
SECTION = re.compile(r"^\t\.(text|data|bss)$|^\t\.section\t([^,\s]+)")
UNSAFE_ON_PATH = re.compile(r"^\t(call|ret|push|pop|leave|enter|ud2|hlt|int)\w*\b|\b\d+[bf]\b")
COUNTER = re.compile(r"%r15")
GUEST_MEMORY = re.compile(r"%gs:")
MOVABS_MEMORY = re.compile(r"^\tmovabs\w*\t(?!.*\$)(?!.*%gs:)")
ABSOLUTE_LOAD = re.compile(r"^(\tmovabs\w*\t)(\d+, %\w+)$")
ABSOLUTE_STORE = re.compile(r"^(\tmovabs\w*\t%\w+, )(\d+)$")
BYTE_LOAD = re.compile(r"^\tmovzbl\t.+, %(\w+)$")
BIAS_LEA = re.compile(r"^\tleal\t-(\d+)\(%(\w+)\), %(\w+)$")
BIAS_SUB = re.compile(r"^\tsubl\t\$(\d+), %(\w+)$")
BOUND = re.compile(r"^\tcmpl\t\$(\d+), %(\w+)$")
ABOVE = re.compile(r"^\tja\t([.\w$]+)$")
TABLE_ADDRESS = re.compile(r"^\tleaq\t([.\w$]+)\(%rip\), %(\w+)$")
TABLE_LOAD = re.compile(r"^\tmovslq\t0?\(%(\w+),%(\w+),4\), %(\w+)$")
TABLE_ADD = re.compile(r"^\taddq\t%(\w+), %(\w+)$")
TABLE_ENTRY = re.compile(r"^\t\.long\t([.\w$]+)-([.\w$]+)$")
REG64 = dict([("e" + r, "r" + r) for r in ("ax", "bx", "cx", "dx", "si", "di", "bp")] +
             [("r%dd" % n, "r%d" % n) for n in range(8, 16)])
# Every name of a 64-bit register, at each width.
REGISTER_NAMES = dict([("r" + r + "x", ("r%sx" % r, "e%sx" % r, "%sx" % r, "%sl" % r, "%sh" % r))
                       for r in "abcd"] +
                      [("r" + r, ("r" + r, "e" + r, r, r + "l")) for r in ("si", "di", "bp")] +
                      [("r%d" % n, tuple("r%d%s" % (n, w) for w in ("", "d", "w", "b")))
                       for n in range(8, 16)])
FLAG_READER = re.compile(r"^\t(set|cmov|adc|sbb|rc[lr]|j)\w*\t")
BYTE_VALUES = 256
WHOLE_TABLE_MIN = 128  # entries a byte table needs to be made whole (see 0.)
INTERLEAVED_MAX = 4  # instructions between a switch's byte load and its range test
DISPATCH_MAX = 24  # instructions on a copied path
JUMP_HOPS_MAX = 4  # direct jumps followed on one path
IMMEDIATE_MAX = 2**31 - 1  # a `sub` immediate is a signed 32-bit value


def is_instruction(line):
    """True for an instruction line (a tab, then not a directive)."""
    return line.startswith("\t") and not line.startswith("\t.")


def is_comment(line):
    """True for a blank line or a comment (gcc's #APP/#NO_APP markers and
    inline-asm line notes)."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def sections_and_labels(lines):
    """(section of each line, {label: line index})."""
    sections, labels, current = [], {}, ".text"
    for i, line in enumerate(lines):
        section = SECTION.match(line)
        if section:
            current = section.group(1) and "." + section.group(1) or section.group(2)
        label = LABEL.match(line)
        if label:
            labels[label.group(1)] = i
        sections.append(current)
    return sections, labels


def byte_table_jump(lines, i):
    """The parts of a table jump on a zero-extended byte that starts at
    lines[i] (see 0. above) as a dict, or None: its lines (first, last:
    the `jmp *`), interleaved (instructions gcc scheduled between the byte
    load and the `leal`/`subl`), index_lines (the `leal`/`subl` and
    `cmpl`), address (the `leaq` of the table after the test, or None),
    the registers (byte, index: 64-bit names; base), bias, default, table
    and where its label and entries are (label_at, entries)."""
    jump = byte_jump_code(lines, i)
    if jump is None:
        return None
    label_at = table_label(lines, jump["last"] + 1)
    if label_at is None:
        return None
    table = LABEL.match(lines[label_at]).group(1)
    entries = []
    for line in lines[label_at + 1:label_at + 1 + jump["count"]]:
        entry = TABLE_ENTRY.match(line)
        if not entry or entry.group(2) != table:
            return None
        entries.append(entry.group(1))
    if len(entries) != jump["count"] or jump["address_of"] not in (None, table):
        return None
    jump.update(table=table, label_at=label_at, entries=entries)
    return jump


def byte_jump_code(lines, i):
    """byte_table_jump's parts that are code (all but the table's), with
    count, the number of entries its range test allows, and address_of,
    the table the `leaq` loads (or None); or None."""
    load = BYTE_LOAD.match(lines[i])
    if not load or load.group(1) not in REG64:
        return None
    byte = REG64[load.group(1)]
    j = i + 1
    while j < len(lines) and j - i <= INTERLEAVED_MAX and is_plain_instruction(lines[j]) \
            and not names_register(lines[j], byte):
        j += 1
    interleaved_end, index, bias = j, byte, 0
    lea, sub = BIAS_LEA.match(lines[j]), BIAS_SUB.match(lines[j])
    if lea and lea.group(2) == byte and lea.group(3) in REG64:
        bias, index, j = int(lea.group(1)), REG64[lea.group(3)], j + 1
    elif sub and REG64.get(sub.group(2)) == byte:
        bias, j = int(sub.group(1)), j + 1
    bound, above = BOUND.match(lines[j]), j + 1 < len(lines) and ABOVE.match(lines[j + 1])
    if not (bound and above and REG64.get(bound.group(2)) == index):
        return None
    count = int(bound.group(1)) + 1
    if bias + count > BYTE_VALUES or count < WHOLE_TABLE_MIN:
        return None
    index_end, j = j + 1, j + 2
    address = j < len(lines) and TABLE_ADDRESS.match(lines[j])
    j += 1 if address else 0
    if j + 2 >= len(lines):
        return None
    load_entry, add = TABLE_LOAD.match(lines[j]), TABLE_ADD.match(lines[j + 1])
    if not (load_entry and add and load_entry.group(2) == index and add.group(1) == load_entry.group(1)):
        return None
    base, entry = load_entry.group(1), load_entry.group(3)
    if not (entry in REGISTER_NAMES and entry != base and add.group(2) == entry
            and lines[j + 2] == "\tjmp\t*%" + entry and (not address or address.group(2) == base)):
        return None
    interleaved = lines[i + 1:interleaved_end]
    if any(names_register(line, reg) for line in interleaved for reg in (index, base, entry)):
        return None
    return dict(first=i, last=j + 2, interleaved=interleaved, index_lines=lines[interleaved_end:index_end],
                address_of=address and address.group(1) or None,
                byte=byte, index=index, entry=entry, base=base, bias=bias, default=above.group(1), count=count)


def is_plain_instruction(line):
    """True for an instruction that only computes: no jump, call, return,
    stack or flag-reading instruction (one gcc may schedule between a
    switch's byte load and its range test)."""
    return is_instruction(line) and not (ANY_JUMP.match(line) or UNSAFE_ON_PATH.search(line)
                                         or FLAG_READER.match(line))


def names_register(line, reg64):
    """True if line names the 64-bit register reg64 under any of its widths."""
    return any(re.search(r"%" + name + r"\b", line) for name in REGISTER_NAMES[reg64])


def table_label(lines, i):
    """The index of the first label at or after lines[i] if only
    directives and comments come before it (a jump table after its
    `jmp *`), else None."""
    while i < len(lines) and not LABEL.match(lines[i]):
        if is_instruction(lines[i]):
            return None
        i += 1
    return i if i < len(lines) else None


def whole_byte_tables(lines):
    """lines with every table jump on a zero-extended byte indexing a table
    of all 256 addresses (see 0. above); returns (lines, jumps rewritten)."""
    jumps, i = [], 0
    while i < len(lines):
        jump = byte_table_jump(lines, i)
        if jump:
            jumps.append(jump)
            i = jump["last"]
        i += 1
    replace, before, stubs = {}, {}, []
    for n, jump in enumerate(jumps):
        code, outside, stub_lines, pad = whole_table_jump(lines, jump, ".Llsb_default%d" % n)
        replace[jump["first"]] = (jump["last"], code)
        if outside != jump["default"]:
            stubs += [outside + ":"] + stub_lines + ["\tjmp\t" + jump["default"]]
        after = BYTE_VALUES - pad - len(jump["entries"])
        before[jump["label_at"]] = ["\t.section\t.data.rel.ro.local,\"aw\"", "\t.align 8"] + [
            "\t.quad\t" + target for target in [outside] * pad + jump["entries"] + [outside] * after]
    out, i = [], 0
    while i < len(lines):
        if i in replace:
            last, code = replace[i]
            out += code
            i = last + 1
            continue
        out += before.get(i, []) + [lines[i]]
        i += 1
    if stubs:
        out = append_code(out, ["\t.text"] + stubs)
    return out, len(jumps)


def append_code(lines, code):
    """lines with code added at the end of the file, before its final empty
    line (so the file still ends in a newline)."""
    end = [lines.pop()] if lines and lines[-1] == "" else []
    return lines + code + end


def whole_table_jump(lines, jump, stub):
    """(the lines that replace jump, where its table sends the bytes outside
    the old range, the stub's lines before its jump to the default, and how
    many entries come before the case of index 0): see 0. above. The table
    of addresses ends where the old table's label is, so it starts
    BYTE_VALUES * 8 bytes before the base."""
    start, base = -8 * BYTE_VALUES, jump["base"]
    if jump["address_of"]:
        return lines[jump["first"]:jump["last"] - 2] + [
            "\tjmp\t*%d(%%%s,%%%s,8)" % (start + 8 * jump["bias"], base, jump["index"])], \
            jump["default"], [], jump["bias"]
    head = [lines[jump["first"]]] + jump["interleaved"]
    if jump["entry"] == jump["index"]:
        return head + ["\tjmp\t*%d(%%%s,%%%s,8)" % (start, base, jump["byte"])], stub, jump["index_lines"], \
            jump["bias"]
    index, index32 = jump["index"], REGISTER_NAMES[jump["index"]][1]
    biased = ["\tleaq\t-%d(%%%s), %%%s" % (jump["bias"], jump["byte"], index)] if jump["bias"] else []
    return head + biased + ["\tjmp\t*%d(%%%s,%%%s,8)" % (start + 8 * jump["bias"], base, index)], stub, \
        ["\tmovl\t%%%s, %%%s" % (index32, index32), jump["index_lines"][-1]], jump["bias"]


def dispatch_path(lines, sections, labels, target, section):
    """The instruction lines that run from label target up to and including
    an indirect jump (see 1. above), or None if that path is not one."""
    path, hops = [], 0
    i = labels.get(target)
    if i is None or sections[i] != section:
        return None
    i += 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if is_comment(line) or LABEL.match(line) or ALIGNMENT.match(line):
            continue
        if not is_instruction(line) or UNSAFE_ON_PATH.search(line):
            return None
        jump = DIRECT_JUMP.match(line)
        if jump:
            hops += 1
            i = labels.get(jump.group(1))
            if hops > JUMP_HOPS_MAX or i is None or sections[i] != section:
                return None
            i += 1
            continue
        path.append(line)
        if len(path) > DISPATCH_MAX:
            return None
        if INDIRECT_JUMP.match(line):
            return path
    return None


def thread_dispatch(lines):
    """lines with every direct jump to a dispatch path replaced by a copy
    of the path; returns (lines, jumps threaded)."""
    sections, labels = sections_and_labels(lines)
    paths, out, threaded = {}, [], 0
    for i, line in enumerate(lines):
        jump = DIRECT_JUMP.match(line)
        if jump:
            key = (jump.group(1), sections[i])
            if key not in paths:
                paths[key] = dispatch_path(lines, sections, labels, *key)
            if paths[key] is not None:
                out += paths[key]
                threaded += 1
                continue
        out.append(line)
    return out, threaded


def ends_straight_line(line):
    """True if line ends the straight-line code a charge may be merged
    across (see 2. above)."""
    if is_comment(line) or ALIGNMENT.match(line):
        return False
    if not is_instruction(line):
        return True
    return bool(ANY_JUMP.match(line) or UNSAFE_ON_PATH.search(line) or COUNTER.search(line)
                or GUEST_MEMORY.search(line))


class ChargeMerger:
    """The state of merge_charges' one pass over lines: the output so far,
    the plain charge waiting to be merged (its index in out and its cost),
    the forward conditional jumps crossed since (index in out, target, the
    cost deferred past it) and the stubs to append, per section."""

    def __init__(self, lines):
        self.lines = lines
        self.sections, self.labels = sections_and_labels(lines)
        self.out, self.stubs = [], {}
        self.merged = self.stub_count = 0
        self.end_run()

    def end_run(self):
        """Nothing may be merged past this point: drop the pending charge."""
        self.pending, self.crossed = None, []

    def feed(self, i, line):
        """Take input line i: a charge, a conditional jump the pending
        charge crosses, or any other line, which the pending charge passes
        unless it ends the straight-line code."""
        charge = CHARGE.match(line)
        if charge:
            tested = i + 1 < len(self.lines) and TEST_JUMP.match(self.lines[i + 1])
            self.charge(i, int(charge.group(1)), tested)
            return
        target = self.crossable_target(i, line)
        if target is not None:
            self.crossed.append((len(self.out), target, self.pending[1]))
        elif ends_straight_line(line):
            self.end_run()
        self.out.append(line)

    def charge(self, i, cost, tested):
        """Line i is a charge of cost: merge the pending one into it."""
        if self.pending is not None:
            index, deferred = self.pending
            cost += deferred
            if cost > IMMEDIATE_MAX:
                raise ValueError("merged charge %d does not fit a sub immediate" % cost)
            self.out[index] = None
            self.merged += 1
            for jump in self.crossed:
                self.add_stub(self.sections[i], *jump)
        self.out.append("\tsubq $%d, %%r15" % cost)
        self.end_run()
        if not tested:
            self.pending = (len(self.out) - 1, cost)

    def add_stub(self, section, index, target, deferred):
        """Send the jump at out[index] through a new stub that pays
        deferred, then goes to target."""
        self.stub_count += 1
        stub = ".Llsb_charge%d" % self.stub_count
        self.out[index] = self.out[index][: -len(target)] + stub
        self.stubs.setdefault(section, []).extend(
            [stub + ":", "\tleaq -%d(%%r15), %%r15" % deferred, "\tjmp\t" + target])

    def crossable_target(self, i, line):
        """The target of line i if the pending charge may move past it: a
        conditional jump to a label further on in this section or in
        another one (gcc's cold partition); else None."""
        jump = CONDITIONAL_JUMP.match(line)
        if self.pending is None or not jump:
            return None
        target = self.labels.get(jump.group(1))
        if target is None or (target <= i and self.sections[target] == self.sections[i]):
            return None
        return jump.group(1)

    def result(self):
        """The rewritten lines, the stubs appended in their sections
        (before the final empty line, so the file still ends in a newline)."""
        code = []
        for section, stubs in self.stubs.items():
            code += ["\t.section\t%s,\"ax\",@progbits" % section] + stubs
        return append_code([line for line in self.out if line is not None], code)


def merge_charges(lines):
    """lines with each plain charge merged into the next charge on its
    fall-through path (see 2. above); returns (lines, charges merged,
    jumps sent through a stub)."""
    m = ChargeMerger(lines)
    for i, line in enumerate(lines):
        m.feed(i, line)
    return m.result(), m.merged, m.stub_count


def segue_prefixes(lines):
    """lines with %gs on every access at an absolute address (see above);
    returns (lines, accesses fixed). Raises ValueError on another form."""
    out, fixed = [], 0
    for line in lines:
        if MOVABS_MEMORY.match(line):
            load, store = ABSOLUTE_LOAD.match(line), ABSOLUTE_STORE.match(line)
            if not (load or store):
                raise ValueError("a movabs access of unknown form: %r" % line.strip())
            line = load.group(1) + "%gs:" + load.group(2) if load else store.group(1) + "%gs:" + store.group(2)
            fixed += 1
        out.append(line)
    return out, fixed


def main(argv):
    """Rewrite IN.s into OUT.s (see the usage line); prints a summary."""
    args = argv[1:]
    segue = args[:1] == ["--segue"]
    if segue:
        args = args[1:]
    if len(args) != 2:
        sys.stderr.write("usage: guest_asm.py [--segue] IN.s OUT.s\n")
        return 2
    with open(args[0]) as f:
        lines = f.read().split("\n")
    charges = sum(1 for line in lines if CHARGE.match(line))
    merged = fixed = stubs = byte_tables = 0
    try:
        lines, byte_tables = whole_byte_tables(lines)
        lines, threaded = thread_dispatch(lines)
        if segue:
            lines, fixed = segue_prefixes(lines)
            lines, merged, stubs = merge_charges(lines)
    except ValueError as e:
        sys.stderr.write("guest_asm.py: %s\n" % e)
        return 1
    with open(args[1], "w") as f:
        f.write("\n".join(lines))
    print("[guest_asm] %d byte tables made whole, %d jumps threaded into dispatch, %d of %d charges merged "
          "(%d jumps through a stub), %d %%gs prefixes restored" % (byte_tables, threaded, merged, charges, stubs, fixed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
