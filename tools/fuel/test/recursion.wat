;; Recursion without any loop: must be metered by the function-entry charge.
(module
  ;; Regions: entry = if, i32.eqz, local.get = 3; then arm = i32.const = 1;
  ;; else arm = call, i32.sub, local.get, i32.const = 4.
  ;; down(n) consumes n * (3 + 4) + (3 + 1) = 7n + 4.
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $down (i32.sub (local.get $n) (i32.const 1))))))
  (func $forever (export "forever")
    (call $forever)))
