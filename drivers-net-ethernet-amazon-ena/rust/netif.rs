// SPDX-License-Identifier: GPL-2.0

//! The network interface: what the stack sees of the device.
//!
//! Registered once the device is up, with one TX and one RX queue per IO
//! queue pair. Opening it starts the data path (see `datapath.rs`),
//! stopping it stops it. Its carrier follows the device's link change
//! events and is off while the device is being reset; a reset while the
//! interface is up stops the data path first and starts it again after.

use kernel::{
    device::{self, Bound},
    net::netdev::{self, Device, SkBuff, Stats64},
    new_mutex, pci,
    prelude::*,
    sync::{aref::ARef, atomic::Relaxed, Arc, Mutex},
};

use crate::{
    datapath::{DataPath, IoVector},
    device::Shared,
    regs::ResetReason,
};

/// The smallest MTU the interface takes (the C driver's).
pub(crate) const MIN_MTU: u32 = 128;

/// The interface's view of a bound device.
#[pin_data]
pub(crate) struct NetIf {
    shared: Arc<Shared>,
    pdev: ARef<pci::Device>,
    /// One per queue pair, in order, with the pair's counters.
    vectors: KVec<Arc<IoVector>>,
    /// The RX offloads the device offers.
    features: netdev::Features,
    /// The data path while the interface is up; taken by open, stop and
    /// the reset path, in that order before the device's state.
    #[pin]
    running: Mutex<Option<DataPath>>,
}

impl NetIf {
    pub(crate) fn new(
        shared: Arc<Shared>,
        pdev: ARef<pci::Device>,
        vectors: KVec<Arc<IoVector>>,
        features: netdev::Features,
    ) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                shared,
                pdev,
                vectors,
                features,
                running <- new_mutex!(None),
            }? Error),
            GFP_KERNEL,
        )
    }

    /// The PCI device, bound.
    fn bound(&self) -> &device::Device<Bound> {
        let dev: &device::Device = self.pdev.as_ref();
        // SAFETY: The interface exists from the end of probe until the
        // driver data is dropped at unbind: it is unregistered there (which
        // waits for open, stop and transmissions in progress and closes
        // it) before the device is unbound. The callbacks that call this,
        // and the reset path (stopped at unbind before the interface goes),
        // therefore run while the device is bound.
        unsafe { dev.as_bound() }
    }

    /// Resets the device for `reason`, stopping the data path before and
    /// starting it again after if the interface is up.
    pub(crate) fn reset(&self, dev: &Device, reason: ResetReason) {
        let mut running = self.running.lock();
        let mut stopped = running.take();
        if let Some(path) = &mut stopped {
            dev.disable_tx();
            path.stop(&self.shared, &self.vectors, false);
        }
        let recovered = self.shared.recover(reason);
        // The device is reset (or stopped for good): the rings may go.
        drop(stopped.take());
        if recovered.is_ok() && running.is_none() && dev.is_running() {
            match DataPath::start(&self.shared, self.bound(), dev, &self.vectors) {
                Ok(path) => {
                    *running = Some(path);
                    dev.start_tx_queues();
                }
                Err(e) => dev_err!(self.pdev, "data path restart failed: {:?}\n", e),
            }
        }
    }

    /// Packets waiting longer than `timeout_ms` for their TX completion.
    pub(crate) fn late_tx_packets(&self, timeout_ms: i64) -> u32 {
        self.running
            .lock()
            .as_ref()
            .map_or(0, |p| p.late_tx_packets(timeout_ms))
    }
}

#[vtable]
impl netdev::Operations for NetIf {
    fn open(&self, dev: &Device) -> Result {
        let mut running = self.running.lock();
        if running.is_none() {
            *running = Some(DataPath::start(
                &self.shared,
                self.bound(),
                dev,
                &self.vectors,
            )?);
        }
        dev.start_tx_queues();
        self.shared.sync_carrier();
        Ok(())
    }

    fn stop(&self, dev: &Device) -> Result {
        dev.disable_tx();
        let mut running = self.running.lock();
        if let Some(mut path) = running.take() {
            let live = self.shared.is_live();
            path.stop(&self.shared, &self.vectors, live);
        }
        Ok(())
    }

    fn start_xmit(&self, dev: &Device, skb: SkBuff) {
        let queue = usize::from(skb.queue_mapping());
        let Some(pair) = self.vectors.get(queue).and_then(|v| v.pair()) else {
            if let Some(v) = self.vectors.get(queue).or(self.vectors.first()) {
                v.stats.tx_dropped.fetch_add(1, Relaxed);
            }
            drop(skb);
            return;
        };
        DataPath::transmit(&pair, self.bound(), dev, skb);
    }

    fn features(&self) -> netdev::Features {
        self.features
    }

    fn get_stats64(&self, _dev: &Device, stats: &mut Stats64) {
        for q in self.vectors.iter().map(|v| &v.stats) {
            stats.rx_packets += q.rx_packets.load(Relaxed);
            stats.rx_bytes += q.rx_bytes.load(Relaxed);
            stats.rx_dropped += q.rx_dropped.load(Relaxed);
            stats.tx_packets += q.tx_packets.load(Relaxed);
            stats.tx_bytes += q.tx_bytes.load(Relaxed);
            stats.tx_dropped += q.tx_dropped.load(Relaxed);
        }
    }
}
