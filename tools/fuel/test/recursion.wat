;; Recursion without any loop: must be metered by the function-entry charge.
(module
  ;; Cost per call: if, i32.eqz, local.get, i32.const, call, i32.sub,
  ;; local.get, i32.const = 8, so down(n) consumes 8 * (n + 1).
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $down (i32.sub (local.get $n) (i32.const 1))))))
  (func $forever (export "forever")
    (call $forever)))
