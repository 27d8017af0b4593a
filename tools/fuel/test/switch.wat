;; An interpreter-style dispatch loop: each iteration must pay for the
;; handler it runs, not for every handler in the loop body.
(module
  ;; Regions and costs:
  ;;   entry: block $done, loop, local.get (merged tail) = 3
  ;;   loop header: br_if, i32.eqz, local.get, local.set, i32.sub, local.get,
  ;;     i32.const, block $h1, block $h0, br_table, local.get = 11
  ;;   h0 (after block $h0): local.set, i32.add, local.get, i32.const, br = 5
  ;;   h1 (after block $h1): local.set, i32.add, local.get, i32.mul,
  ;;     local.get, i32.add, local.get, i32.const, br = 9
  ;; run(n, 0) = 3 + 11 * (n + 1) + 5 * n; run(n, 1) = 3 + 11 * (n + 1) + 9 * n
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
