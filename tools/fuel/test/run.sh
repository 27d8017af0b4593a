#!/bin/sh
# run.sh - tests for lsb-fuel (tools/fuel/fuel.c).
# Builds the tool if needed, instruments test/*.wat and runs them under Node
# (check.mjs), checks that every test/unsupported/*.wat is refused with its
# "expect-error" text, and checks the command-line error paths.
# Prints "N passed, M failed" last; exits non-zero if anything failed.
# Env: LSB_FUEL (tool path, default build/tools/lsb-fuel), CC.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tool=${LSB_FUEL:-$root/build/tools/lsb-fuel}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

if [ ! -x "$tool" ] || [ "$root/tools/fuel/fuel.c" -nt "$tool" ]; then
    mkdir -p "$(dirname "$tool")"
    nice "${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror "$root/tools/fuel/fuel.c" \
        -lbinaryen -o "$tool" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# Instrument each runnable test module; keep the plain one for comparison.
for wat in "$here"/*.wat; do
    name=$(basename "$wat" .wat)
    if wat2wasm --debug-names "$wat" -o "$work/$name.wasm" &&
        "$tool" "$work/$name.wasm" "$work/$name.fuel.wasm"; then
        pass "instrument $name"
    else
        fail "instrument $name"
    fi
done

# The same modules with --fold (charges of small rests after early exits
# moved before the exit; check.mjs has their counts): 16 units, what
# LSB_FUEL_FOLD=16 make builds the guests with, and 4 for exits.wat's
# threshold.
for name in exits switch loop recursion; do
    "$tool" --fold 16 "$work/$name.wasm" "$work/$name.fold.wasm" &&
        pass "instrument $name --fold 16" || fail "instrument $name --fold 16"
done
"$tool" --fold 4 "$work/exits.wasm" "$work/exits.fold4.wasm" &&
    pass "instrument exits --fold 4" || fail "instrument exits --fold 4"

# Same input, identical output bytes.
"$tool" "$work/features.wasm" "$work/again.wasm" &&
    cmp -s "$work/features.fuel.wasm" "$work/again.wasm" &&
    pass "deterministic output bytes" || fail "deterministic output bytes"

# The name section survives.
if wasm2wat "$work/loop.fuel.wasm" | grep -q 'func \$sum'; then
    pass "name section kept"
else
    fail "name section kept"
fi

# A charge only where a region starts: exits.wat has 14 regions (see there).
# No test at its 4 function entries (leaves: no calls, no loops), only in
# its 4 exports' wrappers.
charges=$(($(wasm2wat "$work/exits.fuel.wasm" | grep -c 'global.set \$fuel') - 1)) # lsb_fuel_set's
[ "$charges" = 14 ] && pass "exits.wat: 14 charges" || fail "exits.wat: $charges charges, want 14"
tests=$(wasm2wat "$work/exits.fuel.wasm" | grep -c 'call \$lsb_out_of_fuel')
[ "$tests" = 4 ] && pass "exits.wat: 4 tests" || fail "exits.wat: $tests tests, want 4"

# Folded, exits.wat keeps 8 of its 14 charges: a function entry each, ret's
# then arm, and table's three cases (a case is never folded into the
# dispatch); the tests stay where they were.
charges=$(($(wasm2wat "$work/exits.fold.wasm" | grep -c 'global.set \$fuel') - 1))
[ "$charges" = 8 ] && pass "exits.wat --fold 16: 8 charges" ||
    fail "exits.wat --fold 16: $charges charges, want 8"
tests=$(wasm2wat "$work/exits.fold.wasm" | grep -c 'call \$lsb_out_of_fuel')
[ "$tests" = 4 ] && pass "exits.wat --fold 16: 4 tests" || fail "exits.wat --fold 16: $tests tests, want 4"

# The same counts through the host's ahead-of-time path (aot_check.c), as
# scripts/guests.sh compiles the guests on x86-64: wasm2c, Segue's load and
# store helpers, scripts/fuel_register.py, scripts/table_code.py (traps.wat's
# table and call_indirect), scripts/static_instance.py, gcc -S with aot_hooks.h (guest
# code only: it reserves the fuel register), scripts/guest_asm.py (charge
# merging), and the host's runtime.c (it points %gs at the memory).
aot_ok=1
# The guest objects' own gcc flags and Segue rewrite, as guests.sh prints them.
read -r -a guest_flags < <(LSB_GUESTS=cflags bash "$root/scripts/guests.sh" "$work")
segue_rewrite=$(LSB_GUESTS=segue-rewrite bash "$root/scripts/guests.sh" "$work")
aot_cc() { "${CC:-gcc}" -O2 -w -I"$work" -I"$root/src" -I/usr/share/wabt/wasm2c \
    -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 -D_GNU_SOURCE "$@"; }
for name in loop recursion overdraft traps; do
    wasm2c "$work/$name.fuel.wasm" -n "$name" -o "$work/$name.c" &&
        sed -i "$segue_rewrite" "$work/$name.c" &&
        python3 "$root/scripts/fuel_register.py" "$work/$name.c" "$work/$name.reg.c" >/dev/null &&
        python3 "$root/scripts/table_code.py" "$work/$name.reg.c" "$work/$name.table.c" >/dev/null &&
        python3 "$root/scripts/static_instance.py" "$work/$name.table.c" "$work/$name.one.c" >/dev/null &&
        aot_cc "${guest_flags[@]}" -include "$root/src/wasm/aot_hooks.h" -S "$work/$name.one.c" \
            -o "$work/$name.s" &&
        python3 "$root/scripts/guest_asm.py" --segue "$work/$name.s" "$work/$name.asm.s" >/dev/null &&
        aot_cc -c "$work/$name.asm.s" -o "$work/$name.o" ||
        aot_ok=0
done
if [ "$aot_ok" = 1 ] && aot_cc "$here/aot_check.c" "$work/loop.o" "$work/recursion.o" \
    "$work/overdraft.o" "$work/traps.o" \
    "$root/src/wasm/runtime.c" -lm -o "$work/aot_check"; then
    out=$("$work/aot_check" 2>&1)
    status=$?
    echo "$out"
    passed=$((passed + $(echo "$out" | grep -c '^PASS')))
    failed=$((failed + $(echo "$out" | grep -c '^FAIL')))
    [ "$status" = 0 ] && [ "$(echo "$out" | grep -c '^PASS')" = 21 ] &&
        pass "aot_check ran all 21 checks" || fail "aot_check ended with status $status"
else
    fail "aot_check builds"
fi

# Node runs the instrumented modules.
out=$(node "$here/check.mjs" "$work" 2>&1)
echo "$out"
passed=$((passed + $(echo "$out" | grep -c '^PASS')))
failed=$((failed + $(echo "$out" | grep -c '^FAIL')))
echo "$out" | grep -q '^PASS' || fail "node check.mjs produced no results"

# Unsupported features must be refused, loudly, with no output file.
for wat in "$here"/unsupported/*.wat; do
    name=$(basename "$wat" .wat)
    flags=$(sed -n 's/^;; wat2wasm-flags: //p' "$wat")
    want=$(sed -n 's/^;; expect-error: //p' "$wat")
    # shellcheck disable=SC2086 # flags is a word list
    wat2wasm $flags "$wat" -o "$work/u.wasm" || { fail "unsupported $name: wat2wasm"; continue; }
    rm -f "$work/u.out.wasm"
    if "$tool" "$work/u.wasm" "$work/u.out.wasm" 2>"$work/err"; then
        fail "unsupported $name: accepted"
    elif ! grep -qF "$want" "$work/err"; then
        fail "unsupported $name: message lacks '$want': $(cat "$work/err")"
    elif [ -e "$work/u.out.wasm" ]; then
        fail "unsupported $name: output written"
    else
        pass "unsupported $name refused: $(grep lsb-fuel "$work/err")"
    fi
done

# Command-line errors: each must exit non-zero with a message.
expect_error() { # name, wanted text, args...
    name=$1 want=$2
    shift 2
    if "$tool" "$@" 2>"$work/err" >/dev/null; then
        fail "$name: accepted"
    elif grep -qF -- "$want" "$work/err"; then
        pass "$name"
    else
        fail "$name: message lacks '$want': $(cat "$work/err")"
    fi
}
printf '(module (import "lsb" "out_of_fuel" (func)))' >"$work/imports.wat"
wat2wasm "$work/imports.wat" -o "$work/imports.wasm"
printf 'not wasm at all' >"$work/garbage.wasm"
head -c 40 "$work/features.wasm" >"$work/truncated.wasm"
expect_error "missing input" "cannot open" "$work/nope.wasm" "$work/x.wasm"
expect_error "not a wasm file" "not a WebAssembly" "$work/garbage.wasm" "$work/x.wasm"
expect_error "truncated module" "parse" "$work/truncated.wasm" "$work/x.wasm"
expect_error "already instrumented" "already" "$work/loop.fuel.wasm" "$work/x.wasm"
expect_error "already imports out_of_fuel" "already imports" "$work/imports.wasm" "$work/x.wasm"
expect_error "unwritable output" "cannot create" "$work/loop.wasm" "$work/no/dir/x.wasm"
expect_error "wrong arguments" "usage" "$work/loop.wasm"
expect_error "--fold without a value" "--fold wants a number" --fold
expect_error "--fold not a number" "got 'x'" --fold x "$work/loop.wasm" "$work/x.wasm"
expect_error "--fold negative" "got '-1'" --fold -1 "$work/loop.wasm" "$work/x.wasm"
expect_error "--fold too large" "from 0 to 4096" --fold 4097 "$work/loop.wasm" "$work/x.wasm"
expect_error "unknown option" "unknown option '--fast'" --fast "$work/loop.wasm" "$work/x.wasm"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
