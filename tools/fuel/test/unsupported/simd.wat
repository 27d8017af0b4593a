;; SIMD hidden in Unary expressions: caught by the expression type check.
;; expect-error: of type v128
(module
  (func (export "f") (result i32)
    (v128.any_true (i32x4.splat (i32.const 3)))))
