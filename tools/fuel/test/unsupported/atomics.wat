;; wat2wasm-flags: --enable-threads
;; expect-error: Load (atomic)
(module
  (memory 1 1 shared)
  (func (export "f") (result i32) (i32.atomic.load (i32.const 0))))
