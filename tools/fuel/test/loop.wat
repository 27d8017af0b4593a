;; A counted loop (exact, repeatable cost) and an infinite loop.
(module
  ;; Cost model: entry region = local.get = 1 (block and loop cost 0; the
  ;; local.get after $done stays in the entry: nothing leaves $done);
  ;; loop header = br_if, i32.eqz, local.get = 3, runs n+1 times;
  ;; after the br_if (it may leave the list): local.set, i32.add, local.get,
  ;; local.get, local.set, i32.sub, local.get, i32.const, br = 9, runs n
  ;; times. sum(n) consumes 1 + 3 * (n + 1) + 9 * n = 4 + 12 * n, exactly
  ;; the instructions executed (wasm-interp --trace agrees).
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func $spin (export "spin")
    (loop $forever (br $forever))))
