;; Traps after a counted loop. Guest code compiled ahead of time keeps the
;; counter in a register (scripts/fuel_register.py), so when it traps the
;; host must take the count from the trap: an explicit trap passes the
;; register to rt_trap_in_guest, a memory fault leaves it in the signal's
;; saved context. Either way the fuel consumed up to the trap must equal
;; what Node reports for the same module (check.mjs and aot_check.c).
;;
;; call_at(i) calls table entry i as (i32) -> i32 with 7. The host compiles
;; call_indirect with the table's size and the type ids as constants and no
;; null test (scripts/table_code.py), so these also pin that an empty entry,
;; a type mismatch and an index past the end still trap, after the same
;; charges, and that the callee runs in the caller's instance.
(module
  (type $unary (func (param i32) (result i32)))
  (type $unary_too (func (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $base (mut i32) (i32.const 100))
  ;; 0 and 4 empty; 1 and 3 unary (3 declared with the other, equal type); 2 binary
  (table 5 5 funcref)
  (elem (i32.const 1) $add_base $add_both $times_base)
  (func $add_base (type $unary) (i32.add (local.get 0) (global.get $base)))
  (func $add_both (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $times_base (type $unary_too) (i32.mul (local.get 0) (global.get $base)))
  (func (export "call_at") (param $i i32) (result i32)
    (call_indirect (type $unary) (i32.const 7) (local.get $i)))
  ;; count(n): a loop of n turns, then return.
  (func $count (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  ;; crash(n): count(n), then unreachable (an explicit trap).
  (func (export "crash") (param $n i32)
    (call $count (local.get $n))
    (unreachable))
  ;; stray(n): count(n), then a load past the end of memory (a fault).
  (func (export "stray") (param $n i32) (result i32)
    (call $count (local.get $n))
    (i32.load (i32.const -4))))
