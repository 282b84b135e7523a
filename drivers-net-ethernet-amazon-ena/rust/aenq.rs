// SPDX-License-Identifier: GPL-2.0

//! The asynchronous event notification queue (AENQ): how the device tells
//! the driver what happened without being asked.
//!
//! A ring of 64-byte entries in coherent DMA memory that only the device
//! writes, with a phase bit like the admin completion queue's. The driver
//! hands entries back by writing its head to `AENQ_HEAD_DB`; the device
//! never overwrites an entry the driver has not handed back. Each entry
//! belongs to a group (link change, fatal error, warning, notification,
//! keep-alive); the driver enables the groups it handles with `AENQ_CONFIG`.
//! A new entry raises the management interrupt (MSI-X vector 0).

use kernel::{
    device::{Bound, Device},
    dma::Coherent,
    io::{io_project, io_read, io_write, Io},
    prelude::*,
    sync::barrier::{dma_mb, Read},
    time::{Instant, Monotonic},
};

use crate::{
    defs::{self, aenq_group, AenqEntry, HwHints, KeepAlive},
    regs::{self, Bar0Handle},
    ring::RingPos,
};

/// Entries in the ring (a power of 2; the C driver's depth).
const DEPTH: u16 = 16;

/// The groups this driver handles.
pub(crate) const HANDLED_GROUPS: u32 = 1 << aenq_group::LINK_CHANGE
    | 1 << aenq_group::FATAL_ERROR
    | 1 << aenq_group::WARNING
    | 1 << aenq_group::NOTIFICATION
    | 1 << aenq_group::KEEP_ALIVE;

/// What the events said, for the watchdog and debugfs.
#[derive(Default)]
pub(crate) struct Events {
    /// Events per group.
    pub(crate) by_group: [u64; aenq_group::COUNT],
    /// Events of a group this driver does not know, or with a malformed body.
    pub(crate) unknown: u64,
    /// When the last keep-alive came (or the watchdog was armed).
    pub(crate) last_keep_alive: Option<Instant<Monotonic>>,
    /// The device's drop counters from the last keep-alive.
    pub(crate) rx_drops: u64,
    pub(crate) tx_drops: u64,
    /// The link state from the last link change event.
    pub(crate) link_up: Option<bool>,
    /// Hints the device sent after initialisation.
    pub(crate) new_hints: Option<HwHints>,
    /// The device reported a fatal error.
    pub(crate) fatal: bool,
}

/// The AENQ ring.
pub(crate) struct Aenq {
    ring: Coherent<[AenqEntry]>,
    /// Where the next event comes.
    head: RingPos,
}

impl Aenq {
    /// Allocates the ring (zeroed: no entry is valid yet).
    pub(crate) fn new(dev: &Device<Bound>) -> Result<Self> {
        Ok(Self {
            ring: Coherent::zeroed_slice(dev, usize::from(DEPTH), GFP_KERNEL)?,
            head: RingPos::START,
        })
    }

    /// Starts the ring over and tells the device where it is. The device
    /// writes no entry until `enable`.
    pub(crate) fn program(&mut self, bar: &Bar0Handle) -> Result {
        for i in 0..usize::from(DEPTH) {
            io_write!(self.ring, [try: i].flags, 0);
        }
        self.head = RingPos::START;
        let base = self.ring.dma_address();
        bar.with(|bar| {
            bar.write_reg(regs::AENQ_BASE_LO::zeroed().with_value(base as u32));
            bar.write_reg(regs::AENQ_BASE_HI::zeroed().with_value((base >> 32) as u32));
            bar.write_reg(
                regs::AENQ_CAPS::zeroed()
                    .with_depth(DEPTH)
                    .with_entry_size(defs::AENQ_ENTRY_SIZE as u16),
            );
        })
    }

    /// Hands the whole ring to the device.
    pub(crate) fn enable(&self, bar: &Bar0Handle) -> Result {
        bar.with(|bar| bar.write_reg(regs::AENQ_HEAD_DB::zeroed().with_head(u32::from(DEPTH))))
    }

    /// Handles every new entry, then hands the entries back.
    pub(crate) fn process(&mut self, bar: &Bar0Handle, events: &mut Events) -> Result<usize> {
        let mut processed = 0;
        loop {
            let slot = self.head.slot(DEPTH);
            if io_read!(self.ring, [panic: slot].flags) & defs::AENQ_FLAG_PHASE != self.head.phase {
                break;
            }
            // The phase says the entry is complete: read the rest only after it.
            dma_mb(Read);
            let entry = io_project!(self.ring, [panic: slot]).copy_read();
            events.record(&entry);
            self.head.advance(DEPTH);
            processed += 1;
        }
        if processed > 0 {
            // The doorbell's MMIO write is ordered after the entries' reads.
            let head = u32::from(self.head.index).wrapping_add(u32::from(DEPTH));
            bar.with(|bar| bar.write_reg(regs::AENQ_HEAD_DB::zeroed().with_head(head)))?;
        }
        Ok(processed)
    }
}

impl Events {
    fn record(&mut self, entry: &AenqEntry) {
        let Some(count) = self.by_group.get_mut(usize::from(entry.group)) else {
            self.unknown += 1;
            return;
        };
        *count += 1;
        match entry.group {
            aenq_group::LINK_CHANGE => {
                if let Ok(flags) = entry.data::<u32>() {
                    self.link_up = Some(flags & defs::LINK_STATUS_UP != 0);
                }
            }
            aenq_group::KEEP_ALIVE => {
                self.last_keep_alive = Some(Instant::now());
                if let Ok(k) = entry.data::<KeepAlive>() {
                    self.rx_drops = u64::from(k.rx_drops_low) | u64::from(k.rx_drops_high) << 32;
                    self.tx_drops = u64::from(k.tx_drops_low) | u64::from(k.tx_drops_high) << 32;
                }
            }
            aenq_group::NOTIFICATION if entry.syndrome == defs::SYNDROME_UPDATE_HINTS => {
                self.new_hints = entry.data::<HwHints>().ok();
            }
            aenq_group::FATAL_ERROR => self.fatal = true,
            // Warnings carry nothing the driver acts on; other notifications
            // are counted.
            _ => {}
        }
    }
}
