;; A v128 local never used by an expression: caught by the final validation.
;; expect-error: does not validate
(module
  (func (export "f") (local v128) (nop)))
