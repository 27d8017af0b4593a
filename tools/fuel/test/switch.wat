;; An interpreter-style dispatch loop: each iteration must pay for the
;; handler it runs, not for every handler in the loop body.
(module
  ;; Regions and costs (block and loop nodes cost 0: they execute nothing,
  ;; so the switch does not pay one unit per case):
  ;;   entry: local.get (after $done, which nothing leaves) = 1
  ;;   loop header: br_if, i32.eqz, local.get = 3 (runs n + 1 times)
  ;;   after the br_if: local.set, i32.sub, local.get, i32.const, br_table,
  ;;     local.get = 6
  ;;   h0 (after block $h0): local.set, i32.add, local.get, i32.const, br = 5
  ;;   h1 (after block $h1): local.set, i32.add, local.get, i32.mul,
  ;;     local.get, i32.add, local.get, i32.const, br = 9
  ;; run(n, 0) = 1 + 3 * (n + 1) + (6 + 5) * n = 4 + 14 * n;
  ;; run(n, 1) = 1 + 3 * (n + 1) + (6 + 9) * n = 4 + 18 * n
  (func (export "run") (param $n i32) (param $which i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (block $h1
          (block $h0
            (br_table $h0 $h1 (local.get $which)))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (br $next))
        (local.set $acc (i32.add (local.get $acc)
          (i32.mul (local.get $acc) (i32.add (local.get $n) (i32.const 7)))))
        (br $next)))
    (local.get $acc)))
