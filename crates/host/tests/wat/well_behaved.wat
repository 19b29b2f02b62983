;; A well-behaved plugin: valid PluginInfo, and a fixed EvaluateResponse whatever the request, valid
;; for the sandbox tests' request (tests/common/mod.rs: its rule, its item `cpu0`).
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 1024) "{\"name\":\"wat-fixture\",\"version\":\"1.0.0\",\"abi_version\":1,\"layers\":[\"processor\"],\"criteria\":[\"jurisdiction\"],\"description\":\"A hand-written plugin for the sandbox tests.\"}")
  (data (i32.const 2048) "{\"findings\":[{\"rule\":\"eu.processor.designer-jurisdiction\",\"item\":\"cpu0\",\"severity\":\"high\",\"objective\":\"SOV-5\",\"level\":1,\"message\":\"A fixed finding.\"}],\"score\":{\"score\":25.0,\"level\":1}}")
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
  ;; Results pack a pointer and a length: 0xPPPPPPPP_LLLLLLLL. PluginInfo: 168 bytes at 1024.
  (func (export "sovstack_info") (result i64) (i64.const 0x00000400_000000a8))
  (func $evaluate (export "sovstack_evaluate") (param $ptr i32) (param $len i32) (result i64)
    ;; EvaluateResponse at 2048, 184 bytes.
    (i64.const 0x00000800_000000b8)))
