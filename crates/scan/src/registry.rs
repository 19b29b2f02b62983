//! The list of collectors: adding a layer means one line here (and its module in `layers/`).

use crate::collector::Collector;
use crate::layers::{
    network::NetworkCollector, os::OsCollector, processor::ProcessorCollector, toolchain::ToolchainCollector,
};

/// Every collector, in [`sovstack_inventory::LAYER_IDS`] order.
pub(crate) static COLLECTORS: &[&dyn Collector] = &[&ProcessorCollector, &OsCollector, &ToolchainCollector, &NetworkCollector];

#[cfg(test)]
mod tests {
    use super::*;
    use sovstack_inventory::LAYER_IDS;

    #[test]
    fn one_collector_per_layer_in_layer_order() {
        let ids: Vec<_> = COLLECTORS.iter().map(|c| c.layer()).collect();
        assert_eq!(ids, LAYER_IDS);
    }
}
