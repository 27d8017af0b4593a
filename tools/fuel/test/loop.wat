;; A counted loop (exact, repeatable cost) and an infinite loop.
(module
  ;; Cost model: entry region = block $done + loop + local.get = 3 (the
  ;; local.get after $done is merged into the entry: nothing leaves $done);
  ;; loop region = br_if, i32.eqz, local.get, local.set, i32.add, local.get,
  ;; local.get, local.set, i32.sub, local.get, i32.const, br = 12; the header
  ;; runs n+1 times, so sum(n) consumes 3 + 12 * (n + 1).
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
