;; Traps after a counted loop. Guest code compiled ahead of time keeps the
;; counter in a register (scripts/fuel_register.py), so when it traps the
;; host must take the count from the trap: an explicit trap passes the
;; register to rt_trap_in_guest, a memory fault leaves it in the signal's
;; saved context. Either way the fuel consumed up to the trap must equal
;; what Node reports for the same module (check.mjs and aot_check.c).
(module
  (memory (export "memory") 1)
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
