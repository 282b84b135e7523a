// SPDX-License-Identifier: GPL-2.0

//! The admin queue: how the driver configures the device.
//!
//! A submission queue (AQ) and a completion queue (ACQ) of 64-byte entries in
//! coherent DMA memory. The driver writes a command at the AQ's tail with a
//! 12-bit command id and the phase of the current pass over the ring, and
//! writes the new tail to the `AQ_DB` doorbell. The device executes it and
//! writes a completion with the same command id at the ACQ's head, with its
//! own phase: an entry whose phase matches the driver's expected phase is
//! new, so the device never has to tell where it stopped. Both phases flip at
//! each wrap of their ring.
//!
//! Commands run one at a time, under the lock that owns this queue. During
//! initialisation the driver polls for the completion; once the management
//! interrupt (MSI-X vector 0) is set up, it sleeps until the interrupt
//! handler wakes it (see `device.rs`).

use kernel::{
    device::{Bound, Device},
    dma::Coherent,
    io::{io_project, io_read, io_write, Io},
    prelude::*,
    sync::barrier::{dma_mb, Read},
    time::Delta,
};

use crate::{
    defs::{self, AcqEntry, AqEntry},
    regs::{self, Bar0Handle},
    ring::RingPos,
};

/// Entries in each of the two rings (a power of 2).
const DEPTH: u16 = 32;

/// The admin command timeout when the device gives none (the C driver's).
pub(crate) const DEFAULT_TIMEOUT: Delta = Delta::from_millis(3000);

/// What the admin queue has done, for debugfs.
#[derive(Clone, Copy, Default)]
pub(crate) struct AdminStats {
    pub(crate) submitted: u64,
    pub(crate) completed: u64,
    /// Completions with an error status.
    pub(crate) failed: u64,
    /// Commands abandoned: no completion in time, or one the device should
    /// not have written.
    pub(crate) aborted: u64,
    pub(crate) timeouts: u64,
    /// Timeouts whose completion was there, without its interrupt.
    pub(crate) missed_interrupts: u64,
    /// Commands completed in interrupt mode (after initialisation).
    pub(crate) by_interrupt: u64,
}

/// The admin queue pair.
pub(crate) struct AdminQueue {
    sq: Coherent<[AqEntry]>,
    cq: Coherent<[AcqEntry]>,
    /// Where the next command goes.
    sq_tail: RingPos,
    /// Where the next completion comes.
    cq_head: RingPos,
    next_command_id: u16,
    /// How long a command may take.
    pub(crate) timeout: Delta,
    /// Completions are signalled by the management interrupt.
    pub(crate) interrupt_mode: bool,
    pub(crate) stats: AdminStats,
}

impl AdminQueue {
    /// Allocates both rings (zeroed: no entry is valid yet).
    pub(crate) fn new(dev: &Device<Bound>) -> Result<Self> {
        Ok(Self {
            sq: Coherent::zeroed_slice(dev, usize::from(DEPTH), GFP_KERNEL)?,
            cq: Coherent::zeroed_slice(dev, usize::from(DEPTH), GFP_KERNEL)?,
            sq_tail: RingPos::START,
            cq_head: RingPos::START,
            next_command_id: 0,
            timeout: DEFAULT_TIMEOUT,
            interrupt_mode: false,
            stats: AdminStats::default(),
        })
    }

    /// Starts both rings over, as a device reset does on its side, and tells
    /// the device where they are and how they are shaped.
    pub(crate) fn program(&mut self, bar: &Bar0Handle) -> Result {
        for i in 0..usize::from(DEPTH) {
            io_write!(self.cq, [try: i].flags, 0);
        }
        self.sq_tail = RingPos::START;
        self.cq_head = RingPos::START;
        self.interrupt_mode = false;

        let entry = defs::ADMIN_ENTRY_SIZE as u16;
        let sq = self.sq.dma_address();
        let cq = self.cq.dma_address();
        bar.with(|bar| {
            bar.write_reg(regs::AQ_BASE_LO::zeroed().with_value(sq as u32));
            bar.write_reg(regs::AQ_BASE_HI::zeroed().with_value((sq >> 32) as u32));
            bar.write_reg(regs::ACQ_BASE_LO::zeroed().with_value(cq as u32));
            bar.write_reg(regs::ACQ_BASE_HI::zeroed().with_value((cq >> 32) as u32));
            bar.write_reg(
                regs::AQ_CAPS::zeroed()
                    .with_depth(DEPTH)
                    .with_entry_size(entry),
            );
            bar.write_reg(
                regs::ACQ_CAPS::zeroed()
                    .with_depth(DEPTH)
                    .with_entry_size(entry),
            );
        })
    }

    /// Writes `cmd` to the ring and rings the doorbell; returns its command id.
    pub(crate) fn submit(&mut self, bar: &Bar0Handle, mut cmd: AqEntry) -> Result<u16> {
        let command_id = self.next_command_id & defs::COMMAND_ID_MASK;
        cmd.command_id = command_id;
        cmd.flags = (cmd.flags & !defs::AQ_FLAG_PHASE) | self.sq_tail.phase;

        io_project!(self.sq, [try: self.sq_tail.slot(DEPTH)]).copy_write(cmd);
        let mut tail = self.sq_tail;
        tail.advance(DEPTH);
        // The doorbell's MMIO write is ordered after the entry's memory writes.
        bar.with(|bar| bar.write_reg(regs::AQ_DB::zeroed().with_tail(u32::from(tail.index))))?;

        self.next_command_id = self.next_command_id.wrapping_add(1);
        self.sq_tail = tail;
        self.stats.submitted += 1;
        Ok(command_id)
    }

    /// The next completion, if the device has written one.
    pub(crate) fn poll(&mut self) -> Option<AcqEntry> {
        let slot = self.cq_head.slot(DEPTH);
        if io_read!(self.cq, [panic: slot].flags) & defs::ACQ_FLAG_PHASE != self.cq_head.phase {
            return None;
        }
        // The phase says the entry is complete: read the rest only after it.
        dma_mb(Read);
        let comp = io_project!(self.cq, [panic: slot]).copy_read();
        self.cq_head.advance(DEPTH);
        Some(comp)
    }

    /// Checks the completion of command `command_id`: an error status
    /// becomes the error the C driver gives it.
    pub(crate) fn finish(&mut self, command_id: u16, comp: AcqEntry) -> Result<AcqEntry> {
        if comp.command_id & defs::COMMAND_ID_MASK != command_id {
            // A completion for a command not in flight: the device is confused.
            self.stats.aborted += 1;
            return Err(EIO);
        }
        self.stats.completed += 1;
        if self.interrupt_mode {
            self.stats.by_interrupt += 1;
        }
        defs::status_to_result(comp.status).inspect_err(|_| self.stats.failed += 1)?;
        Ok(comp)
    }

    /// Counts a command abandoned for lack of a completion.
    pub(crate) fn timed_out(&mut self) {
        self.stats.timeouts += 1;
        self.stats.aborted += 1;
    }
}
