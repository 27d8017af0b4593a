;; Only loop headers and the entries of functions that call test the
;; counter; if arms, the rest of a list after an early exit and a leaf's
;; entry only subtract, and each export is routed through a wrapper that
;; tests once the function returns.
(module
  ;; arm(x), a leaf: entry = if, local.get = 2 (not tested); then arm = drop, drop,
  ;; drop, i32.const x3, i32.const = 7 (subtracted only); else arm =
  ;; i32.const = 1. arm(0) = 3, arm(1) = 9.
  (func $arm (export "arm") (param $x i32) (result i32)
    (if (result i32) (local.get $x)
      (then (drop (i32.const 1)) (drop (i32.const 2)) (drop (i32.const 3)) (i32.const 4))
      (else (i32.const 5))))
  ;; outer() calls: entry = call, i32.const, drop = 3 (tested) + arm(1) = 9, so
  ;; 12; the overdraft arm(1) leaves is caught by outer's export wrapper.
  (func (export "outer")
    (drop (call $arm (i32.const 1)))))
