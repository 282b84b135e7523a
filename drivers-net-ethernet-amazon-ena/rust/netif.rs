// SPDX-License-Identifier: GPL-2.0

//! The network interface: what the stack sees of the device.
//!
//! Registered once the device is up. Its carrier follows the device's link
//! change events (and is off while the device is being reset). There is
//! no data path yet: the interface has one TX and one RX queue, and a
//! packet the stack hands it is dropped and counted.

use kernel::{
    net::netdev::{self, Device, SkBuff, Stats64},
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc,
    },
};

use crate::device::Shared;

/// The smallest MTU the interface takes (the C driver's).
pub(crate) const MIN_MTU: u32 = 128;

/// The interface's view of a bound device.
pub(crate) struct NetIf {
    shared: Arc<Shared>,
    /// Packets dropped because nothing transmits them yet.
    tx_dropped: Atomic<u64>,
}

impl NetIf {
    pub(crate) fn new(shared: Arc<Shared>) -> Result<Arc<Self>> {
        Ok(Arc::new(
            Self {
                shared,
                tx_dropped: Atomic::new(0),
            },
            GFP_KERNEL,
        )?)
    }
}

#[vtable]
impl netdev::Operations for NetIf {
    fn open(&self, dev: &Device) -> Result {
        self.shared.sync_carrier(dev);
        Ok(())
    }

    fn stop(&self, _dev: &Device) -> Result {
        Ok(())
    }

    fn start_xmit(&self, _dev: &Device, skb: SkBuff) {
        self.tx_dropped.fetch_add(1, Relaxed);
        drop(skb);
    }

    fn get_stats64(&self, _dev: &Device, stats: &mut Stats64) {
        stats.tx_dropped = self.tx_dropped.load(Relaxed);
    }
}
