;; expect-error: unsupported expression kind RefIs
(module
  (func (export "f") (result i32) (ref.is_null (ref.null func))))
