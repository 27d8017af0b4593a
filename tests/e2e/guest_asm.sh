#!/usr/bin/env bash
# tests/e2e/guest_asm.sh BUILD_DIR - scripts/guest_asm.py, the rewrite of
# the guests' compiled assembly: whole byte tables, dispatch threading and
# charge merging.
#
# Checks each rule on small assembly files (what is copied and merged, and
# every barrier that must stop it), that the output assembles, that a
# switch on a byte gives every one of the 256 values the result it gave
# before (run before and after, defaults that read the index register,
# the flags and a register the jump must not write), that a chain
# merged across conditional jumps leaves every path's counter and flags as
# they were (run before and after), that a merged charge too large for a
# `sub` is refused, that the %gs prefix gcc 12 drops is restored, and that
# the shipped guests' interpreters dispatch through whole tables, threaded.
# The fuel pass's suite (tools/fuel/test) runs its exact-count and trap
# checks through the same rewrite.
# Prints "guest-asm: N passed, M failed".
set -uo pipefail
BUILD=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ASM="$ROOT/scripts/guest_asm.py"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An interpreter loop as gcc writes it for a `switch`: two opcodes end in
# a jump to a block of leftover charges, which jumps to the dispatch block
# (charge and test, load the opcode, bounds check, table, `jmp *`).
cat >"$tmp/loop.s" <<'S'
	.text
	.globl	run
	.type	run, @function
run:
	.cfi_startproc
	leaq	.Ltable(%rip), %rdi
	jmp	.Ldispatch
.Lop_add:
#APP
	subq $11, %r15
#NO_APP
	addl	$1, %eax
	jmp	.Lrest
.Lop_load:
#APP
	subq $5, %r15
#NO_APP
	movl	%gs:(%ebx), %ecx
	jmp	.Lrest
.Lrest:
#APP
	subq $2, %r15
	subq $7, %r15
#NO_APP
	jmp	.Ldispatch
	.p2align 4
.Ldispatch:
#APP
	subq $13, %r15
	js .Lout_of_fuel
#NO_APP
	movzbl	%gs:(%ebx), %edx
	cmpl	$1, %edx
	ja	.Ldone
	movslq	(%rdi,%rdx,4), %rdx
	addq	%rdi, %rdx
	jmp	*%rdx
	.section	.rodata
	.align 4
.Ltable:
	.long	.Lop_add-.Ltable
	.long	.Lop_load-.Ltable
	.text
.Lout_of_fuel:
	movq	%r15, %rsi
	call	out_of_fuel
.Ldone:
	ret
	.cfi_endproc
	.size	run, .-run
S
python3 "$ASM" --segue "$tmp/loop.s" "$tmp/out.s" >"$tmp/log"
check "a byte table of 2 entries (fewer than 128) keeps its range test" \
  'grep -q "^\[guest_asm\] 0 byte tables made whole, " "$tmp/log" && grep -q "cmpl	\$1, %edx" "$tmp/out.s"'
check "four jumps threaded into the dispatch block (the entry, two opcodes, the leftover block)" \
  'grep -q " 4 jumps threaded" "$tmp/log" && [ "$(grep -c "jmp	\*%rdx" "$tmp/out.s")" = 5 ]'
check "an opcode with no guest access ends in one charge of 11+2+7+13, its test and its own dispatch" \
  '[ "$(sed -n "/^\.Lop_add:/,/^\.Lop_load:/p" "$tmp/out.s" | grep -c "subq")" = 1 ] &&
   sed -n "/^\.Lop_add:/,/^\.Lop_load:/p" "$tmp/out.s" | grep -A1 "subq \$33, %r15" | grep -q "js .Lout_of_fuel" &&
   sed -n "/^\.Lop_add:/,/^\.Lop_load:/p" "$tmp/out.s" | grep -q "jmp	\*%rdx"'
check "a charge is not merged across a guest memory access (%gs), which may fault" \
  'sed -n "/^\.Lop_load:/,/^\.Lrest:/p" "$tmp/out.s" | grep -q "subq \$5, %r15" &&
   sed -n "/^\.Lop_load:/,/^\.Lrest:/p" "$tmp/out.s" | grep -q "subq \$22, %r15"'
check "the charge at a label others jump to is kept (.Ldispatch: 13 and its test)" \
  'sed -n "/^\.Ldispatch:/,/^	jmp/p" "$tmp/out.s" | grep -A1 "subq \$13, %r15" | grep -q "js .Lout_of_fuel"'
check "the rewritten loop assembles" 'as "$tmp/out.s" -o "$tmp/out.o"'
python3 "$ASM" "$tmp/loop.s" "$tmp/plain.s" >"$tmp/log"
check "without --segue, jumps are threaded but no charge is merged" \
  'grep -q "4 jumps threaded into dispatch, 0 of 5 charges merged (0 jumps through a stub)," "$tmp/log" &&
   ! grep -q "subq \$33" "$tmp/plain.s"'

# Paths that must not be copied: a call, a CFI directive, another section,
# too long, no indirect jump at the end.
variant() { # NAME SED-EXPRESSION [SOURCE]: SOURCE (loop.s) changed, rewritten, assembled
  sed "$2" "${3:-$tmp/loop.s}" >"$tmp/$1.s" && python3 "$ASM" --segue "$tmp/$1.s" "$tmp/$1.out.s" >"$tmp/$1.log" &&
    as "$tmp/$1.out.s" -o "$tmp/$1.o"
}
variant call 's/^	cmpl	\$1, %edx$/	call	helper\n&/'
check "a path with a call is not copied" 'grep -q " 0 jumps threaded" "$tmp/call.log"'
variant cfi 's/^	cmpl	\$1, %edx$/	.cfi_remember_state\n&/'
check "a path with a CFI directive is not copied" 'grep -q " 0 jumps threaded" "$tmp/cfi.log"'
variant direct 's/^	jmp	\*%rdx$/	jmp	.Ldone/'
check "a path that ends in a direct jump is not copied" 'grep -q " 0 jumps threaded" "$tmp/direct.log"'
long=$(printf '\\n\taddl\t$1, %%eax%.0s' $(seq 30))
variant long "s/^	cmpl	\$1, %edx\$/&$long/"
check "a path of more than 24 instructions is not copied" 'grep -q " 0 jumps threaded" "$tmp/long.log"'
variant cold 's/^	\.p2align 4$/	.section	.text.unlikely/'
check "a jump is not threaded into another section" 'grep -q " 0 jumps threaded" "$tmp/cold.log"'
variant counter 's/^	addl	\$1, %eax$/	movq	%r15, %rax/'
check "a charge is not merged across an instruction that reads the counter" \
  'sed -n "/^\.Lop_add:/,/^\.Lop_load:/p" "$tmp/counter.out.s" | grep -q "subq \$11, %r15"'
variant label 's/^	addl	\$1, %eax$/.Lmid:\n&/'
check "a charge is not merged across a label" \
  'sed -n "/^\.Lop_add:/,/^\.Lmid:/p" "$tmp/label.out.s" | grep -q "subq \$11, %r15"'

# Whole byte tables, run before and after for every byte value. In
# dispatch_hoisted (bytes 40-169) the table's address is kept in a register
# from before the jump (an interpreter loop's): it becomes one jump on the
# byte, and the default, reached through a stub, reads the biased index
# (%edx) and the range test's flags (seta). In dispatch_late (bytes
# 100-239) the address is loaded after the test, into %rcx, whose old
# value the default reads: the test stays and the jump indexes the table
# by the biased index. entries N PREFIX TABLE: N entries cycling through
# four case labels.
entries() { for ((k = 0; k < $1; k++)); do printf '\t.long\t%s%d-%s\n' "$2" $((k % 4)) "$3"; done; }
cat >"$tmp/tables.s" <<S
	.text
	.globl	dispatch_hoisted
	.type	dispatch_hoisted, @function
dispatch_hoisted:
	leaq	.Ltable_h(%rip), %rsi
	movl	%edi, %eax
	movzbl	%al, %eax
	leal	-40(%rax), %edx
	cmpl	\$129, %edx
	ja	.Ldefault_h
	movslq	(%rsi,%rdx,4), %rdx
	addq	%rsi, %rdx
	jmp	*%rdx
	.section	.rodata
	.align 4
	.align 4
.Ltable_h:
$(entries 130 .Lh .Ltable_h)
	.text
.Lh0:
	movl	\$100, %eax
	ret
.Lh1:
	movl	\$200, %eax
	ret
.Lh2:
	leal	300(%rax), %eax
	ret
.Lh3:
	movl	\$400, %eax
	ret
.Ldefault_h:
	seta	%cl
	movzbl	%cl, %ecx
	leal	(%rcx,%rdx,8), %eax
	ret
	.size	dispatch_hoisted, .-dispatch_hoisted
	.globl	dispatch_late
	.type	dispatch_late, @function
dispatch_late:
	movl	\$7, %ecx
	movl	%edi, %eax
	movzbl	%al, %eax
	subl	\$100, %eax
	cmpl	\$139, %eax
	ja	.Ldefault_l
	leaq	.Ltable_l(%rip), %rcx
	movslq	0(%rcx,%rax,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
	.section	.rodata
	.align 4
.Ltable_l:
$(entries 140 .Ll .Ltable_l)
	.text
.Ll0:
	movl	\$1000, %eax
	ret
.Ll1:
	movl	\$2000, %eax
	ret
.Ll2:
	movl	\$3000, %eax
	ret
.Ll3:
	leal	4000(%rdi), %eax
	ret
.Ldefault_l:
	imull	\$100000, %ecx, %ecx
	addl	%ecx, %eax
	ret
	.size	dispatch_late, .-dispatch_late
	.section	.note.GNU-stack,"",@progbits
S
cat >"$tmp/tables_main.c" <<'C'
#include <stdio.h>
int dispatch_hoisted(int byte);
int dispatch_late(int byte);
int main(void) {
    for (int byte = 0; byte < 256; byte++)
        printf("%d %d %d\n", byte, dispatch_hoisted(byte), dispatch_late(byte));
    return 0;
}
C
python3 "$ASM" "$tmp/tables.s" "$tmp/tables.out.s" >"$tmp/tables.log"
check "both byte tables are made whole: one jump on the byte, and one on the index after the kept test" \
  'grep -q "^\[guest_asm\] 2 byte tables made whole," "$tmp/tables.log" &&
   grep -q "^	jmp	\*-2048(%rsi,%rax,8)$" "$tmp/tables.out.s" &&
   ! sed -n "/^dispatch_hoisted:/,/^\.Ltable_h:/p" "$tmp/tables.out.s" | grep -q "cmpl" &&
   grep -q "^	jmp	\*-1248(%rcx,%rax,8)$" "$tmp/tables.out.s" && grep -q "cmpl	\$139, %eax" "$tmp/tables.out.s" &&
   [ "$(grep -B258 "^\.Ltable_h:" "$tmp/tables.out.s" | grep -c "^	\.quad	")" = 256 ] &&
   [ "$(grep -c "^	\.quad	\.Llsb_default0$" "$tmp/tables.out.s")" = 126 ]'
# same_for_every_byte NAME: $tmp/NAME.s before and NAME.out.s after the
# rewrite, each linked with tables_main.c, print the same line for each of
# the 256 byte values (the after run's lines stay in NAME_after.txt).
same_for_every_byte() {
  gcc "$tmp/tables_main.c" "$tmp/$1.s" -o "$tmp/$1_before" && gcc "$tmp/tables_main.c" "$tmp/$1.out.s" -o "$tmp/$1_after" &&
    "$tmp/$1_before" >"$tmp/$1_before.txt" && "$tmp/$1_after" >"$tmp/$1_after.txt" &&
    cmp -s "$tmp/$1_before.txt" "$tmp/$1_after.txt" && [ "$(wc -l <"$tmp/$1_after.txt")" = 256 ]
}
check "every byte value gives what it gave before: cases, and defaults reading the index, flags and old register" \
  'same_for_every_byte tables &&
   grep -qx "37 -23 699937" "$tmp/tables_after.txt" && grep -qx "42 342 699942" "$tmp/tables_after.txt" &&
   grep -qx "103 400 4103" "$tmp/tables_after.txt" && grep -qx "255 1721 700155" "$tmp/tables_after.txt"'
# What must stay a range test: another shape, or a range no byte fits.
variant short '0,/^	\.long	\.Lh3-\.Ltable_h$/s///' "$tmp/tables.s"
check "a table with fewer entries than the range test says is left alone" 'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/short.log"'
variant wide 's/^	leal	-40(%rax), %edx$/	leal	-130(%rax), %edx/' "$tmp/tables.s"
check "a range past the 256 byte values is left alone" 'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/wide.log"'
variant other 's/^	movslq	(%rsi,%rdx,4), %rdx$/	movslq	(%rsi,%rdx,4), %r8/' "$tmp/tables.s"
check "a jump whose entry, sum and target are not one register is left alone" 'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/other.log"'
variant word '0,/^	movzbl	%al, %eax$/s//	movzwl	%ax, %eax/' "$tmp/tables.s"
check "a switch on a wider value is left alone" 'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/word.log"'
# gcc may schedule other instructions between the byte load and the range
# test. They stay where they are, before the new jump, and the cases and
# the default read what they wrote (%r8d, %r9d, %r10d: a register each, so
# that neither function's call can stand in for the other's).
variant interleaved '0,/^	movzbl	%al, %eax$/s//&\n	leal	7(%rdi,%rdi), %r8d\n	imull	$3, %edi, %r9d/
  s/^	movzbl	%al, %eax$/&\n	leal	5(%rdi,%rdi), %r10d/
  s/^	movl	\$200, %eax$/	leal	200(%r8), %eax/; s/^	leal	(%rcx,%rdx,8), %eax$/&\n	addl	%r9d, %eax/
  s/^	movl	\$2000, %eax$/	leal	2000(%r10), %eax/' "$tmp/tables.s"
check "instructions between the byte load and the range test stay before the jump, and every byte gives what it gave" \
  'grep -q "^\[guest_asm\] 2 byte tables made whole," "$tmp/interleaved.log" &&
   grep -A3 "^	movzbl	%al, %eax$" "$tmp/interleaved.out.s" | grep -q "^	jmp	\*-2048(%rsi,%rax,8)$" &&
   same_for_every_byte interleaved && grep -qx "41 289 699941" "$tmp/interleaved_after.txt"'
# The table's entry may land in a register other than the index, whose
# old value the default then reads (%r8d), while the cases may read the
# index (%edx). The jump indexes the table by a 64-bit biased index
# (`leaq`), and the stub makes it the 32-bit value the range test left
# (`movl`), which the default reads whole (its upper half).
variant elsewhere 's/^	leaq	\.Ltable_h(%rip), %rsi$/&\n	movl	$5, %r8d/
  s/^	movslq	(%rsi,%rdx,4), %rdx$/	movslq	(%rsi,%rdx,4), %r8/; s/^	addq	%rsi, %rdx$/	addq	%rsi, %r8/
  s/^	jmp	\*%rdx$/	jmp	*%r8/; s/^	movl	\$400, %eax$/	leal	400(%rdx), %eax/
  s/^	leal	(%rcx,%rdx,8), %eax$/&\n	shrq	$32, %rdx\n	addl	%edx, %eax\n	addl	%r8d, %eax/' "$tmp/tables.s"
check "an entry loaded into another register: a 64-bit biased index, and every byte gives what it gave" \
  'grep -q "^\[guest_asm\] 2 byte tables made whole," "$tmp/elsewhere.log" &&
   grep -A1 "^	leaq	-40(%rax), %rdx$" "$tmp/elsewhere.out.s" | grep -q "^	jmp	\*-1728(%rsi,%rdx,8)$" &&
   grep -A1 "^\.Llsb_default0:$" "$tmp/elsewhere.out.s" | grep -q "^	movl	%edx, %edx$" &&
   same_for_every_byte elsewhere && grep -qx "3 -290 699903" "$tmp/elsewhere_after.txt" &&
   grep -qx "43 403 699943" "$tmp/elsewhere_after.txt"'
variant rewrites '0,/^	movzbl	%al, %eax$/s//&\n	addl	$1, %eax/' "$tmp/tables.s"
check "an instruction between them that writes the byte register leaves the jump alone" \
  'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/rewrites.log"'
variant flags '0,/^	movzbl	%al, %eax$/s//&\n	setc	%r8b/' "$tmp/tables.s"
check "an instruction between them that reads the flags leaves the jump alone" \
  'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/flags.log"'
variant base '0,/^	movzbl	%al, %eax$/s//&\n	movl	$0, %esi/' "$tmp/tables.s"
check "an instruction between them that names the table register leaves the jump alone" \
  'grep -q "^\[guest_asm\] 1 byte tables made whole" "$tmp/base.log"'

# Merging across a forward conditional jump: the jump goes through a stub
# that pays what its edge now skips. Run for real, before and after: each
# path must return the same counter (and out of fuel the same stop), and a
# flag the jump's target reads must survive the stub. charged(fuel, path)
# returns 2 * counter + the flag, or -1 out of fuel.
cat >"$tmp/branch.s" <<'S'
	.text
	.globl	charged
	.type	charged, @function
charged:
	pushq	%r15
	movq	%rdi, %r15
	xorl	%ecx, %ecx
#APP
	subq $3, %r15
#NO_APP
	cmpl	$1, %esi
	je	.Lfirst
#APP
	subq $5, %r15
#NO_APP
	cmpl	$2, %esi
	je	.Lsecond
#APP
	subq $7, %r15
	js .Lout
#NO_APP
.Lreturn:
	movq	%r15, %rax
	addq	%rax, %rax
	addq	%rcx, %rax
	popq	%r15
	ret
.Lfirst:
	sete	%cl
	jmp	.Lreturn
.Lsecond:
	sete	%cl
	jmp	.Lreturn
.Lout:
	movq	$-1, %rax
	popq	%r15
	ret
	.size	charged, .-charged
	.section	.note.GNU-stack,"",@progbits
S
cat >"$tmp/branch_main.c" <<'C'
#include <stdio.h>
long charged(long fuel, int path);
int main(void) {
    printf("%ld %ld %ld %ld\n", charged(100, 1), charged(100, 2), charged(100, 3), charged(10, 3));
    return 0;
}
C
python3 "$ASM" --segue "$tmp/branch.s" "$tmp/branch.out.s" >"$tmp/branch.log"
check "two plain charges merge into the test across two forward jumps, each through a stub" \
  'grep -q "2 of 3 charges merged (2 jumps through a stub)" "$tmp/branch.log" &&
   [ "$(grep -c "subq" "$tmp/branch.out.s")" = 1 ] && grep -A1 "subq \$15, %r15" "$tmp/branch.out.s" | grep -q "js .Lout" &&
   grep -A2 "^\.Llsb_charge1:" "$tmp/branch.out.s" | tr "\n" " " | grep -q "leaq -3(%r15), %r15 	jmp	\.Lfirst" &&
   grep -A2 "^\.Llsb_charge2:" "$tmp/branch.out.s" | tr "\n" " " | grep -q "leaq -8(%r15), %r15 	jmp	\.Lsecond"'
check "every path sees the same counter and flags before and after (run)" \
  'gcc "$tmp/branch_main.c" "$tmp/branch.s" -o "$tmp/before" && gcc "$tmp/branch_main.c" "$tmp/branch.out.s" -o "$tmp/after" &&
   [ "$("$tmp/before")" = "195 185 170 -1" ] && [ "$("$tmp/after")" = "195 185 170 -1" ]'
cat >"$tmp/backedge.s" <<'S'
	.text
loop:
.Ltop:
#APP
	subq $4, %r15
	js .Lout
#NO_APP
	addl	$1, %eax
#APP
	subq $2, %r15
#NO_APP
	decl	%edx
	jne	.Ltop
#APP
	subq $6, %r15
#NO_APP
	ret
.Lout:
	ud2
S
python3 "$ASM" --segue "$tmp/backedge.s" "$tmp/backedge.out.s" >"$tmp/backedge.log"
check "a charge is not moved past a backward jump (a loop's back edge)" \
  'grep -q "0 of 3 charges merged (0 jumps through a stub)" "$tmp/backedge.log" &&
   grep -q "subq \$2, %r15" "$tmp/backedge.out.s"'

# A merged charge must fit a `sub` immediate (a signed 32-bit value).
sed 's/subq \$11, %r15/subq $2147483640, %r15/' "$tmp/loop.s" >"$tmp/big.s"
check "a merged charge above 2^31-1 is refused" \
  '! python3 "$ASM" --segue "$tmp/big.s" "$tmp/big.out.s" 2>"$tmp/err" && grep -q "does not fit" "$tmp/err"'
# gcc 12 drops %gs from an access at a constant address above INT32_MAX
# (movabs to the host's absolute address); guest_asm.py puts it back.
cat >"$tmp/high.c" <<'C'
unsigned high_load(void) { return *(__seg_gs unsigned *)4294967292ul; }
void high_store(unsigned v) { *(__seg_gs unsigned *)2147483648ul = v; }
unsigned low_load(void) { return *(__seg_gs unsigned *)1024ul; }
C
gcc -O2 -S "$tmp/high.c" -o "$tmp/high.s"
check "gcc writes an access at a constant address above INT32_MAX without %gs (the bug worked around)" \
  '[ "$(grep -c "movabs" "$tmp/high.s")" = 2 ] && ! grep "movabs" "$tmp/high.s" | grep -q "%gs"'
check "guest_asm.py --segue restores %gs on both, and the object reads and writes through %gs" \
  'python3 "$ASM" --segue "$tmp/high.s" "$tmp/high.out.s" | grep -q ", 2 %gs prefixes restored" &&
   as "$tmp/high.out.s" -o "$tmp/high.o" &&
   [ "$(objdump -d "$tmp/high.o" | grep -c "%gs:0x\(fffffffc\|80000000\|400\)")" = 3 ]'
sed 's/^	movl	%gs:(%ebx), %ecx$/	movabsl	table_symbol, %ecx/' "$tmp/loop.s" >"$tmp/abs.s"
check "a movabs access of another form is refused" \
  '! python3 "$ASM" --segue "$tmp/abs.s" "$tmp/abs.out.s" 2>"$tmp/err" && grep -q "movabs access of unknown form" "$tmp/err"'
check "a wrong command line is refused" '! python3 "$ASM" "$tmp/loop.s" 2>/dev/null'

# The shipped guests: each interpreter's opcodes end in their own jump
# through a whole table, at -2048 from its base or, with a biased index,
# at 8 * bias less (the unthreaded QuickJS object has 138 indirect jumps
# in all, and python's at most one per table).
for guest in quickjs python; do
  whole=$(bash "$ROOT/scripts/whole_jumps.sh" "$BUILD/guests/$guest/guest.o")
  check "$guest guest: dispatch threaded through a whole byte table ($whole jumps)" '[ "$whole" -gt 200 ]'
done
echo "guest-asm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
