#!/usr/bin/env bash
# tests/e2e/segue.sh BUILD_DIR - the guests are built with Segue, with
# flags gcc can compile them with, from a profile, and with their function
# tables filled by code and called through with constant bounds and types
# (scripts/table_code.py), with each fuel charge one `sub` on the fuel
# register (scripts/fuel_register.py), and with their instance one object
# at a fixed address (scripts/static_instance.py).
#
# Checks that both AOT guest objects address linear memory through %gs
# (unless the build turned Segue off), that the guests' gcc flags compile
# gcc 12's FRE crash reproducer (segue_fre_ice.c), and says whether that
# gcc still needs the workaround. Prints "segue: N passed, M failed".
set -uo pipefail
BUILD=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

flags=$(LSB_GUESTS=cflags bash "$ROOT/scripts/guests.sh" "$BUILD")
check "the guests' gcc flags are printed" '[ -n "$flags" ]'
if [[ $flags == *-DLSB_SEGUE=1* ]]; then
  for g in python quickjs; do
    n=$(objdump -d --no-show-raw-insn "$BUILD/guests/$g/guest.o" | grep -c '%gs:')
    check "$g guest: memory accesses through %gs ($n)" '[ "$n" -gt 10000 ]'
  done
  check "Segue builds turn FRE off" '[[ $flags == *-fno-tree-fre* ]]'
else
  echo "note: this build has Segue off (SEGUE=0)"
fi
# Profile-guided guests (scripts/guests.sh, PGO): the object that ships
# was compiled with the profile, not the instrumented one.
if [ "${LSB_PGO:-1}" = 1 ]; then
  for g in python quickjs; do
    check "$g guest: built with a profile ($(stat -c %s "$BUILD/guests/$g/profile.gcda" 2>/dev/null) bytes)" \
      '[ -s "$BUILD/guests/$g/profile.gcda" ]'
    counters=$(nm "$BUILD/guests/$g/guest.o" | grep -c '__gcov')
    check "$g guest: no profiling counters left in the object ($counters)" '[ "$counters" = 0 ]'
  done
else
  echo "note: this build has profile-guided optimisation off (LSB_PGO=0)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The function tables are filled by code (scripts/table_code.py): no array
# of relocated function pointers, so the host has few relocations left.
for g in python quickjs; do
  syms=$(nm "$BUILD/guests/$g/guest.o")
  check "$g guest: its table is filled by code, not an array of pointers" \
    'grep -q " t lsb_elem_segment_exprs_" <<<"$syms" && ! grep -q " [dDrR] elem_segment_exprs_" <<<"$syms"'
  # Called through with constant type ids: gcc folds the constant array
  # away, where wasm2c's registry kept it in writable data.
  check "$g guest: call_indirect's type ids are constants, not a registry's" \
    '! grep -q " [bBdD] func_types$" <<<"$syms"'
done
relocs=$(readelf -r "$BUILD/llm-sandbox" | grep -c R_X86_64_RELATIVE)
check "the host binary has under 2,000 relative relocations ($relocs)" '[ "$relocs" -lt 2000 ]'
# table_code.py refuses what it does not know, and keeps every entry.
# The fixture is wasm2c 1.0.32's shape: its CALL_INDIRECT, a type registry
# (types 0 and 2 equal), one fixed table and one call.
printf '%s\n' \
  '#define CALL_INDIRECT(table, t, ft, x, ...)             \' \
  '  (LIKELY((x) < table.size && table.data[x].func &&     \' \
  '          table.data[x].func_type == func_types[ft]) || \' \
  '       TRAP(CALL_INDIRECT),                             \' \
  '   ((t)table.data[x].func)(__VA_ARGS__))' \
  'static u32 func_types[3];' 'static void init_func_types(void) {' \
  '  func_types[0] = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32);' \
  '  func_types[1] = wasm_rt_register_func_type(0, 0);' \
  '  func_types[2] = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32);' '}' \
  'static const wasm_elem_segment_expr_t elem_segment_exprs_w2c_e0[] = {' \
  '  {0, (wasm_rt_function_ptr_t)&w2c_a, 0},' '  {2, (wasm_rt_function_ptr_t)&w2c_b, 0},' '};' \
  'static void init_tables(Z_x_instance_t* instance) {' \
  '  wasm_rt_allocate_funcref_table(&instance->w2c_T0, 3, 3);' \
  '  funcref_table_init(&instance->w2c_T0, elem_segment_exprs_w2c_e0, 2, 1u, 0, 2, instance, func_types);' \
  '}' \
  '  w2c_i0 = CALL_INDIRECT(instance->w2c_T0, u32 (*)(void*, u32), 2, w2c_i1, instance->w2c_T0.data[w2c_i1].module_instance, w2c_i0);' \
  >"$tmp/good.c"
check "table_code.py rewrites a segment into stores" \
  'python3 "$ROOT/scripts/table_code.py" "$tmp/good.c" "$tmp/out.c" >/dev/null &&
   grep -q "d\[1\] = (wasm_rt_funcref_t){func_types\[2\], (wasm_rt_function_ptr_t)&w2c_b, (char\*)inst + 0};" "$tmp/out.c" &&
   grep -q "lsb_elem_segment_exprs_w2c_e0(&instance->w2c_T0.data\[1u\], instance, func_types);" "$tmp/out.c" &&
   ! grep -q "elem_segment_exprs_w2c_e0\[\]" "$tmp/out.c"'
check "table_code.py makes type ids constants, equal types one id, none registered" \
  'grep -q "^static const u32 func_types\[3\] = {1, 2, 1};$" "$tmp/out.c" &&
   ! grep -q "wasm_rt_register_func_type" "$tmp/out.c"'
check "table_code.py: call_indirect against the fixed size, with the type test, in this instance" \
  'grep -qF "(LIKELY((x) < 3u && table.data[x].func_type == func_types[ft]) ||" "$tmp/out.c" &&
   ! grep -q "table.size &&\|data\[x\].func &&" "$tmp/out.c" &&
   grep -qF "CALL_INDIRECT(instance->w2c_T0, u32 (*)(void*, u32), 2, w2c_i1, instance, w2c_i0);" "$tmp/out.c"'
sed 's/&w2c_b, 0}/\&w2c_b, 0, 9}/' "$tmp/good.c" >"$tmp/odd.c"
check "table_code.py refuses an entry of another shape" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/odd.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "unknown entry" "$tmp/err"'
sed 's/, 0, 2, instance/, 1, 1, instance/' "$tmp/good.c" >"$tmp/part.c"
check "table_code.py refuses a partial table init" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/part.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "segment" "$tmp/err"'
sed 's/T0, 3, 3);/T0, 3, 10);/' "$tmp/good.c" >"$tmp/grow.c"
check "table_code.py refuses a table that may grow" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/grow.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "may grow" "$tmp/err"'
sed 's/^}$/}\n  funcref_table_set(\&instance->w2c_T0, w2c_i0, w2c_r0);/' "$tmp/good.c" >"$tmp/set.c"
check "table_code.py refuses code that changes a table" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/set.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "changes a table" "$tmp/err"'
printf '%s\n' 'wasm_rt_funcref_table_t* Z_xZ_tab(Z_x_instance_t* instance) {' \
  '  return &instance->w2c_T0;' '}' | cat "$tmp/good.c" - >"$tmp/export.c"
check "table_code.py refuses an exported table" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/export.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "is exported" "$tmp/err"'
sed 's/data\[w2c_i1\].module_instance/data[w2c_i2].module_instance/' "$tmp/good.c" >"$tmp/other.c"
check "table_code.py refuses a call_indirect written differently" \
  '! python3 "$ROOT/scripts/table_code.py" "$tmp/other.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "written differently" "$tmp/err"'
sed 's/&w2c_b, 0}/\&w2c_b, offsetof(Z_x_instance_t, w2c_env_instance)}/' "$tmp/good.c" >"$tmp/import.c"
check "table_code.py keeps wasm2c's call_indirect when an entry is another instance's" \
  'python3 "$ROOT/scripts/table_code.py" "$tmp/import.c" "$tmp/out.c" >/dev/null &&
   grep -q "table.data\[x\].func &&" "$tmp/out.c" && grep -q "wasm_rt_register_func_type" "$tmp/out.c" &&
   grep -q "data\[w2c_i1\].module_instance, w2c_i0);" "$tmp/out.c"'
printf '%s\n' 'static u32 w2c_f(Z_x_instance_t* instance) {' '  return 1;' '}' >"$tmp/plain.c"
check "table_code.py leaves a module without a table as it is" \
  'python3 "$ROOT/scripts/table_code.py" "$tmp/plain.c" "$tmp/out.c" >/dev/null && cmp -s "$tmp/plain.c" "$tmp/out.c"'
# Every charge is one `sub` on %r15 (LSB_CHARGE in aot_hooks.h): gcc no
# longer keeps the counter in other registers and writes it back with lea.
# The only lea into %r15 is guest_asm.py's stub on a jump a merged charge
# crossed: `lea -k(%r15),%r15`, then a jmp to the jump's old target.
for g in python quickjs; do
  code=$(objdump -d --no-show-raw-insn "$BUILD/guests/$g/guest.o")
  subs=$(grep -c 'sub  *\$0x[0-9a-f]*,%r15$' <<<"$code")
  leas=$(grep -c 'lea  *.*,%r15$' <<<"$code")
  stubs=$(grep -A1 'lea  *-0x[0-9a-f]*(%r15),%r15$' <<<"$code" | grep -c '	jmp  ')
  check "$g guest: charges are subs on %r15 ($subs), none computed elsewhere ($leas lea, all in stubs)" \
    '[ "$subs" -gt 10000 ] && [ "$leas" = "$stubs" ]'
done
# fuel_register.py: a charge, and a charge with its test, as one asm each.
printf '%s\n' '#define TRAP(x) (wasm_rt_trap(WASM_RT_TRAP_##x), 0)' \
  'static void w2c_f(Z_x_instance_t* instance) {' '  u64 w2c_j0, w2c_j1;' '  u32 w2c_i0;' \
  '  w2c_j0 = instance->w2c_fuel;' '  w2c_j1 = 27ull;' '  w2c_j0 -= w2c_j1;' '  instance->w2c_fuel = w2c_j0;' \
  '  w2c_j0 = instance->w2c_fuel;' '  w2c_j1 = 0ull;' '  w2c_i0 = (u64)((s64)w2c_j0 < (s64)w2c_j1);' \
  '  if (w2c_i0) {' '    (*Z_lsbZ_out_of_fuel)(instance->Z_lsb_instance);' '  }' \
  '  w2c_j0 = instance->w2c_fuel;' '  w2c_j1 = 5ull;' '  w2c_j0 -= w2c_j1;' '  instance->w2c_fuel = w2c_j0;' \
  '}' >"$tmp/charges.c"
check "fuel_register.py turns a charge and its test into LSB_CHARGE_TEST, a charge into LSB_CHARGE" \
  'python3 "$ROOT/scripts/fuel_register.py" "$tmp/charges.c" "$tmp/out.c" >/dev/null &&
   grep -q "^  LSB_CHARGE_TEST(27, lsb_out_of_fuel_1);$" "$tmp/out.c" &&
   grep -A4 "^  if (0) {$" "$tmp/out.c" | grep -q "^  lsb_out_of_fuel_1:$" &&
   grep -q "^  LSB_CHARGE(5);$" "$tmp/out.c" && ! grep -q "w2c_j0 -= " "$tmp/out.c"'
sed 's/(s64)w2c_j0 < (s64)w2c_j1/(s64)w2c_j0 <= (s64)w2c_j1/' "$tmp/charges.c" >"$tmp/le.c"
check "fuel_register.py leaves a test of another shape as C, after a plain LSB_CHARGE" \
  'python3 "$ROOT/scripts/fuel_register.py" "$tmp/le.c" "$tmp/out.c" >/dev/null &&
   grep -q "^  LSB_CHARGE(27);$" "$tmp/out.c" && grep -q "(s64)w2c_j0 <= (s64)w2c_j1" "$tmp/out.c" &&
   ! grep -q "LSB_CHARGE_TEST" "$tmp/out.c"'
sed 's/w2c_j1 = 5ull;/w2c_j1 = w2c_j0;/' "$tmp/charges.c" >"$tmp/odd.c"
check "fuel_register.py refuses a charge of another shape" \
  '! python3 "$ROOT/scripts/fuel_register.py" "$tmp/odd.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "charge of unknown shape" "$tmp/err"'
# static_instance.py: every function taking the instance uses the one
# object instead (shipped objects: defined there, hidden, zeroed).
for g in python quickjs; do
  sym=$(readelf -sW "$BUILD/guests/$g/guest.o" | grep " Z_${g}_the_instance$")
  check "$g guest: its instance is one hidden object of its own (Z_${g}_the_instance)" \
    'grep -q " OBJECT  *GLOBAL  *HIDDEN " <<<"$sym" && ! grep -q " UND " <<<"$sym"'
done
printf '%s\n' '#include "x.h"' 'static u32 w2c_f(Z_x_instance_t*, u32);' \
  'static void init_elem_instances(Z_x_instance_t *instance){' '}' \
  'static u32 w2c_f(Z_x_instance_t* instance, u32 w2c_p0, u32 w2c_p1,' '    u32 w2c_p2) {' \
  '  return instance->w2c_g0 + w2c_f(instance, w2c_p0);' '}' \
  'void Z_x_instantiate(Z_x_instance_t* instance, struct Z_lsb_instance_t* Z_lsb_instance) {' \
  '  init_elem_instances(instance);' '}' >"$tmp/inst.c"
check "static_instance.py gives every definition taking the instance the one object, keeping signatures" \
  'python3 "$ROOT/scripts/static_instance.py" "$tmp/inst.c" "$tmp/out.c" >"$tmp/log" &&
   grep -q "^\[static_instance\] 3 functions use Z_x_the_instance$" "$tmp/log" &&
   sed -n 2p "$tmp/out.c" | grep -q "^/\* lsb: " &&
   sed -n 3p "$tmp/out.c" | grep -qx "__attribute__((visibility(\"hidden\"))) Z_x_instance_t Z_x_the_instance;" &&
   [ "$(grep -c "^  Z_x_instance_t\* const instance = &Z_x_the_instance;$" "$tmp/out.c")" = 3 ] &&
   grep -A1 "^    u32 w2c_p2) {$" "$tmp/out.c" | grep -q "const instance" &&
   grep -q "^static void init_elem_instances(Z_x_instance_t\* lsb_unused_instance){$" "$tmp/out.c" &&
   grep -q "^static u32 w2c_f(Z_x_instance_t\*, u32);$" "$tmp/out.c" &&
   grep -q "^  return instance->w2c_g0 + w2c_f(instance, w2c_p0);$" "$tmp/out.c"'
sed 's/^void Z_x_instantiate/void Z_x_make/' "$tmp/inst.c" >"$tmp/noinst.c"
check "static_instance.py refuses output with no instantiate" \
  '! python3 "$ROOT/scripts/static_instance.py" "$tmp/noinst.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "no Z_<mod>_instantiate" "$tmp/err"'
sed '1d' "$tmp/inst.c" >"$tmp/noinclude.c"
check "static_instance.py refuses output with no header include to define the object after" \
  '! python3 "$ROOT/scripts/static_instance.py" "$tmp/noinclude.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "no #include" "$tmp/err"'
sed 's/^static u32 w2c_f(Z_x_instance_t\*, u32);/static u32 w2c_f(Z_x_instance_t* instance, u32);/' "$tmp/inst.c" >"$tmp/proto.c"
check "static_instance.py refuses a prototype that names the instance" \
  '! python3 "$ROOT/scripts/static_instance.py" "$tmp/proto.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "does not open a definition" "$tmp/err"'
sed 's/^  init_elem_instances(instance);/  g(Z_x_instance_t* instance);/' "$tmp/inst.c" >"$tmp/inner.c"
check "static_instance.py refuses the instance parameter anywhere else" \
  '! python3 "$ROOT/scripts/static_instance.py" "$tmp/inner.c" "$tmp/out.c" 2>"$tmp/err" && grep -q "outside a definition" "$tmp/err"'
# shellcheck disable=SC2086 # the flags are words
check "the guests' flags compile the FRE reproducer" \
  'gcc $flags -DLSB_SEGUE=1 -c "$ROOT/tests/e2e/segue_fre_ice.c" -o "$tmp/ok.o" 2>"$tmp/err"'
if gcc -O2 -c "$ROOT/tests/e2e/segue_fre_ice.c" -o "$tmp/plain.o" 2>/dev/null; then
  echo "note: this gcc compiles the reproducer with FRE on; -fno-tree-fre may be dropped"
else
  echo "note: this gcc still crashes on the reproducer with FRE on"
fi
echo "segue: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
