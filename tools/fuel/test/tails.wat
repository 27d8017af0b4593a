;; Code after a labelled block is its own region, unless it provably runs
;; whenever its region's start did; then it is merged into that region.
(module
  ;; entry: block $out, br_if, local.get, block $b, drop, i32.const = 6, plus
  ;;   the final i32.const (after $out; nothing leaves $out) merged in = 7.
  ;; tail after $b: drop, i32.const = 2; not merged, since the br_if before
  ;;   it may leave $out.  f(0) = 9, f(1) = 7.
  (func (export "f") (param $x i32) (result i32)
    (block $out
      (br_if $out (local.get $x))
      (block $b (drop (i32.const 1)))
      (drop (i32.const 2)))
    (i32.const 3))
  ;; entry: block $b, if, local.get = 3; then arm: return, i32.const = 2;
  ;; tail after $b: i32.const = 1, not merged (the return skips it).
  ;; g(0) = 4, g(1) = 5.
  (func (export "g") (param $x i32) (result i32)
    (block $b
      (if (local.get $x) (then (return (i32.const 7)))))
    (i32.const 8)))
