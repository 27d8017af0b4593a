;; Code after a labelled block stays in the region before it when nothing in
;; the block branches outside it (the block's own branches land there); it
;; starts a region of its own when something in the block may leave it.
(module
  ;; entry: block $out (0), br_if, local.get = 2, plus the final i32.const
  ;;   (after $out; only $out's own br_if targets it) = 3.
  ;; after the br_if: block $b (0), drop, i32.const, then (after $b, which
  ;;   nothing leaves) drop, i32.const = 4.  f(0) = 7, f(1) = 3.
  (func (export "f") (param $x i32) (result i32)
    (block $out
      (br_if $out (local.get $x))
      (block $b (drop (i32.const 1)))
      (drop (i32.const 2)))
    (i32.const 3))
  ;; entry: block $b (0), if, local.get = 2; then arm: return, i32.const = 2;
  ;; after $b: i32.const = 1, its own region (the return skips it).
  ;; g(0) = 3, g(1) = 4.
  (func (export "g") (param $x i32) (result i32)
    (block $b
      (if (local.get $x) (then (return (i32.const 7)))))
    (i32.const 8)))
