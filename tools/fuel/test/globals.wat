;; Mutable globals of every numeric type, exported or not, imported or not.
;; lsb_global_* index order is module order: imp, sp, big, f, d.
(module
  (import "env" "imp" (global $imp (mut i32)))
  (global $sp (mut i32) (i32.const -16))          ;; internal, like __stack_pointer
  (global $const i32 (i32.const 7))               ;; immutable: not covered
  (global $big (export "big") (mut i64) (i64.const -5))
  (global $f (mut f32) (f32.const 1.5))
  (global $d (mut f64) (f64.const -2.25))
  (func (export "get_sp") (result i32) (global.get $sp))
  (func (export "get_f") (result f32) (global.get $f))
  (func (export "get_d") (result f64) (global.get $d))
  (func (export "get_const") (result i32) (global.get $const)))
