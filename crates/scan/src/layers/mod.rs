//! One module per layer, named by the layer id (`processor`, `os`, `toolchain`, `network`). Each holds its collector
//! in `mod.rs` and one `parse_<input>.rs` per input format.

pub mod network;
pub mod os;
pub mod processor;
pub mod toolchain;
