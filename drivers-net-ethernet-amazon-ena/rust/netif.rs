// SPDX-License-Identifier: GPL-2.0

//! The network interface: what the stack sees of the device.
//!
//! Registered once the device is up, with one TX and one RX queue per IO
//! queue pair; `ethtool -L` runs fewer pairs than there are vectors.
//! Opening it starts the data path (see `datapath.rs`), stopping it stops
//! it. Its carrier follows the device's link change
//! events and is off while the device is being reset; a reset while the
//! interface is up stops the data path first and starts it again after.

use kernel::{
    device::{self, Bound},
    net::{
        ethtool,
        netdev::{self, Device, SkBuff, Stats64},
    },
    new_mutex, pci,
    prelude::*,
    sync::{aref::ARef, atomic::Relaxed, Arc, Mutex},
};

use crate::{
    datapath::{DataPath, IoVector, QueueStats},
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

    /// The vectors of the pairs `dev` runs: as many as its real queues.
    fn in_use(&self, dev: &Device) -> &[Arc<IoVector>] {
        let count = dev.real_num_tx_queues() as usize;
        &self.vectors[..count.min(self.vectors.len())]
    }

    /// Starts the data path on `count` pairs.
    fn start(&self, dev: &Device, vectors: &[Arc<IoVector>]) -> Result<DataPath> {
        DataPath::start(&self.shared, self.bound(), dev, vectors)
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
            match self.start(dev, self.in_use(dev)) {
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
            *running = Some(self.start(dev, self.in_use(dev))?);
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

    const ETHTOOL_STATS: &'static [&'static CStr] = &[
        c"admin_submitted",
        c"admin_completed",
        c"admin_failed",
        c"admin_aborted",
        c"admin_timeouts",
        c"aenq_link_change",
        c"aenq_fatal_error",
        c"aenq_warning",
        c"aenq_notification",
        c"aenq_keep_alive",
        c"aenq_unknown",
        c"resets",
        c"rx_drops",
        c"tx_drops",
    ];

    const ETHTOOL_TX_QUEUE_STATS: &'static [&'static CStr] = &[
        c"packets",
        c"bytes",
        c"dropped",
        c"queue_stops",
        c"csum_offload",
        c"csum_software",
        c"polls",
        c"interrupts",
    ];

    const ETHTOOL_RX_QUEUE_STATS: &'static [&'static CStr] =
        &[c"packets", c"bytes", c"dropped", c"csum_good", c"csum_bad"];

    fn get_ethtool_stats(&self, _dev: &Device, stats: &mut ethtool::Stats<'_>) {
        {
            let state = self.shared.state.lock();
            let (admin, events) = (&state.admin.stats, &state.events);
            // The AENQ counters in group order.
            let [link, fatal, warning, notification, keep_alive] = events.by_group;
            let device = [
                admin.submitted,
                admin.completed,
                admin.failed,
                admin.aborted,
                admin.timeouts,
                link,
                fatal,
                warning,
                notification,
                keep_alive,
                events.unknown,
                state.resets,
                events.rx_drops,
                events.tx_drops,
            ];
            for (out, value) in stats.device().iter_mut().zip(device) {
                *out = value;
            }
        }
        for (i, v) in self.vectors.iter().enumerate() {
            let q: &QueueStats = &v.stats;
            let tx = [
                &q.tx_packets,
                &q.tx_bytes,
                &q.tx_dropped,
                &q.tx_queue_stops,
                &q.tx_csum_offload,
                &q.tx_csum_software,
                &q.polls,
                &q.interrupts,
            ];
            if let Some(out) = stats.tx_queue(i as u32) {
                for (o, c) in out.iter_mut().zip(tx) {
                    *o = c.load(Relaxed);
                }
            }
            let rx = [
                &q.rx_packets,
                &q.rx_bytes,
                &q.rx_dropped,
                &q.rx_csum_good,
                &q.rx_csum_bad,
            ];
            if let Some(out) = stats.rx_queue(i as u32) {
                for (o, c) in out.iter_mut().zip(rx) {
                    *o = c.load(Relaxed);
                }
            }
        }
    }

    fn set_channels(&self, dev: &Device, _count: u32) -> Result {
        let mut running = self.running.lock();
        // Down: the next open runs the new count.
        let Some(mut path) = running.take() else {
            return Ok(());
        };
        let old = path.pairs();
        dev.disable_tx();
        path.stop(&self.shared, &self.vectors, self.shared.is_live());
        drop(path);
        let result = match self.start(dev, self.in_use(dev)) {
            Ok(path) => {
                *running = Some(path);
                Ok(())
            }
            Err(e) => {
                // Keep the interface working on the pairs it had (the core
                // sets the real queue counts back).
                *running = self.start(dev, &self.vectors[..old]).ok();
                Err(e)
            }
        };
        if running.is_some() {
            dev.start_tx_queues();
        }
        result
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
