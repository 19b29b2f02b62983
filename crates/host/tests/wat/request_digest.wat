;; Answers every request with what it received: the request's length and FNV-1a 64 digest, in
;; hexadecimal, as the response's error ("len LLLLLLLL fnv1a64 HHHHHHHHHHHHHHHH"). The end-to-end
;; tests compare them with `sovstack plugin request`'s bytes: what the command prints is what a
;; plugin receives.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 1024) "{\"name\":\"request-digest\",\"version\":\"1.0.0\",\"abi_version\":1,\"layers\":[\"os\"],\"criteria\":[\"jurisdiction\"],\"description\":\"Answers every request with its length and FNV-1a 64 digest, as its error.\"}")
  (data (i32.const 2048) "0123456789abcdef")
  (data (i32.const 3072) "{\"findings\":[],\"error\":\"len XXXXXXXX fnv1a64 XXXXXXXXXXXXXXXX\"}")
  (func (export "sovstack_abi_version") (result i32) (i32.const 1))
  ;; A bump allocator that grows the memory when the request does not fit.
  (func (export "sovstack_alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.sub
                  (i32.div_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 65536))
                  (memory.size)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  ;; PluginInfo: 193 bytes at 1024.
  (func (export "sovstack_info") (result i64) (i64.const 0x00000400_000000c1))
  ;; Writes the `digits` low hexadecimal digits of `value` at `at`.
  (func $hex (param $value i64) (param $digits i32) (param $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $digits)))
        (local.set $digits (i32.sub (local.get $digits) (i32.const 1)))
        (i32.store8
          (i32.add (local.get $at) (local.get $digits))
          (i32.load8_u (i32.add (i32.const 2048) (i32.wrap_i64 (i64.and (local.get $value) (i64.const 15))))))
        (local.set $value (i64.shr_u (local.get $value) (i64.const 4)))
        (br $next))))
  (func (export "sovstack_evaluate") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $h i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $h (i64.xor (local.get $h) (i64.load8_u (i32.add (local.get $ptr) (local.get $i)))))
        (local.set $h (i64.mul (local.get $h) (i64.const 0x100000001b3)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $hex (i64.extend_i32_u (local.get $len)) (i32.const 8) (i32.const 3100))
    (call $hex (local.get $h) (i32.const 16) (i32.const 3117))
    ;; The response: 63 bytes at 3072.
    (i64.const 0x00000c00_0000003f)))
