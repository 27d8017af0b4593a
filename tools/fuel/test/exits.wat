;; Early exits: after any point where control may leave a block's list early
;; (a br_if, or a child holding a br/br_if/br_table/return to a label outside
;; itself), the rest of the list is a region of its own, so a path pays only
;; for the expressions it runs. run.sh also checks the number of charges (14).
(module
  ;; entry: block $out (0), br_if, local.get = 2, plus local.get after $out
  ;;   (only $out's own br_if targets it) = 3;
  ;; after the br_if: local.set, i32.const, local.set, i32.add, local.get,
  ;;   i32.const = 6.  early(1) = 3 (fast path), early(0) = 9: what
  ;;   wasm-interp --trace counts (less its internal br/drop_keep/return).
  (func (export "early") (param $x i32) (result i32) (local $r i32)
    (block $out
      (br_if $out (local.get $x))
      (local.set $r (i32.const 10))
      (local.set $r (i32.add (local.get $r) (i32.const 1))))
    (local.get $r))
  ;; entry: if, local.get = 2; then arm: return, i32.const = 2;
  ;; after the if (its arm returns): drop, i32.const, i32.const = 3.
  ;; ret(1) = 4, ret(0) = 5.
  (func (export "ret") (param $x i32) (result i32)
    (if (local.get $x) (then (return (i32.const 1))))
    (drop (i32.const 5))
    (i32.const 2))
  ;; entry: br_table, local.get = 2 (the three blocks cost 0);
  ;; case 0 (after $b0): br_if, local.get = 2; after that br_if: drop,
  ;;   i32.const, return, i32.const = 4;
  ;; case 1 (after $b1): return, i32.const = 2;
  ;; default and case 0's fast path (after $b2): i32.const = 1.
  ;; table(0, 0) = 8, table(0, 1) = 5, table(1, _) = 4, table(2+, _) = 3.
  (func (export "table") (param $x i32) (param $y i32) (result i32)
    (block $b2
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b2 (local.get $x)))
        (br_if $b2 (local.get $y))
        (drop (i32.const 100))
        (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  ;; An exit two levels down splits every list it leaves, and only those:
  ;; entry: br_if, i32.eqz, local.get = 3, plus the i32.const after $out
  ;;   (only branches to $out and inner labels) = 4;
  ;; after the first br_if (it leaves $in): br_if, i32.eq, local.get,
  ;;   i32.const = 4; after the second br_if: drop, i32.const = 2;
  ;; after $in (the first br_if leaves $out): drop, i32.const = 2.
  ;; nested(0) = 4, nested(1) = 4 + 4 + 2 = 10, nested(2) = 4 + 4 + 2 + 2 = 12.
  (func (export "nested") (param $x i32) (result i32)
    (block $out
      (block $in
        (br_if $out (i32.eqz (local.get $x)))
        (br_if $in (i32.eq (local.get $x) (i32.const 1)))
        (drop (i32.const 9)))
      (drop (i32.const 3)))
    (i32.const 7)))
