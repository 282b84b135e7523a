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
//! This queue is polled: commands complete in the order they are submitted,
//! one at a time.

use kernel::{
    device::{Bound, Device},
    dma::Coherent,
    io::{io_project, io_read, poll::read_poll_timeout, Io},
    prelude::*,
    sync::barrier::{dma_mb, Read},
    time::Delta,
};

use crate::{
    defs::{self, AcqEntry, AqEntry},
    regs::{self, Bar0},
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
    pub(crate) timeouts: u64,
}

/// The admin queue pair.
pub(crate) struct AdminQueue {
    sq: Coherent<[AqEntry]>,
    cq: Coherent<[AcqEntry]>,
    sq_tail: u16,
    sq_phase: u8,
    cq_head: u16,
    cq_phase: u8,
    next_command_id: u16,
    timeout: Delta,
    pub(crate) stats: AdminStats,
}

impl AdminQueue {
    /// Allocates both rings (zeroed: no entry is valid yet).
    pub(crate) fn new(dev: &Device<Bound>, timeout: Delta) -> Result<Self> {
        Ok(Self {
            sq: Coherent::zeroed_slice(dev, usize::from(DEPTH), GFP_KERNEL)?,
            cq: Coherent::zeroed_slice(dev, usize::from(DEPTH), GFP_KERNEL)?,
            sq_tail: 0,
            sq_phase: 1,
            cq_head: 0,
            cq_phase: 1,
            next_command_id: 0,
            timeout,
            stats: AdminStats::default(),
        })
    }

    /// Tells the device where the rings are and how they are shaped.
    pub(crate) fn program(&self, bar: &Bar0<'_>) {
        let entry = defs::ADMIN_ENTRY_SIZE as u16;
        let sq = self.sq.dma_address();
        let cq = self.cq.dma_address();

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
    }

    /// Submits `cmd`, waits for its completion and returns it.
    ///
    /// An error status becomes the error the C driver gives it; no
    /// completion within the timeout is `ETIMEDOUT`, after which the queue
    /// must not be used until the device is reset.
    pub(crate) fn execute(&mut self, bar: &Bar0<'_>, mut cmd: AqEntry) -> Result<AcqEntry> {
        let command_id = self.next_command_id & defs::COMMAND_ID_MASK;
        self.next_command_id = self.next_command_id.wrapping_add(1);
        cmd.command_id = command_id;
        cmd.flags = (cmd.flags & !defs::AQ_FLAG_PHASE) | self.sq_phase;

        let slot = usize::from(self.sq_tail % DEPTH);
        io_project!(self.sq, [try: slot]).copy_write(cmd);
        self.sq_tail = self.sq_tail.wrapping_add(1);
        if self.sq_tail % DEPTH == 0 {
            self.sq_phase ^= 1;
        }
        // The doorbell's MMIO write is ordered after the entry's memory writes.
        bar.write_reg(regs::AQ_DB::zeroed().with_tail(u32::from(self.sq_tail)));
        self.stats.submitted += 1;

        let comp = self.wait_completion()?;
        if comp.command_id & defs::COMMAND_ID_MASK != command_id {
            // A completion for a command not in flight: the device is confused.
            return Err(EIO);
        }
        self.stats.completed += 1;
        defs::status_to_result(comp.status).inspect_err(|_| self.stats.failed += 1)?;
        Ok(comp)
    }

    fn wait_completion(&mut self) -> Result<AcqEntry> {
        let slot = usize::from(self.cq_head % DEPTH);
        let phase = self.cq_phase;

        read_poll_timeout(
            || Ok(io_read!(self.cq, [try: slot].flags)),
            |flags| flags & defs::ACQ_FLAG_PHASE == phase,
            Delta::from_micros(20),
            self.timeout,
        )
        .inspect_err(|e| {
            if *e == ETIMEDOUT {
                self.stats.timeouts += 1;
            }
        })?;
        // The phase says the entry is complete: read the rest only after it.
        dma_mb(Read);
        let comp = io_project!(self.cq, [try: slot]).copy_read();
        self.cq_head = self.cq_head.wrapping_add(1);
        if self.cq_head % DEPTH == 0 {
            self.cq_phase ^= 1;
        }
        Ok(comp)
    }

    /// `GET_FEATURE` for feature `id`, its answer as `T`.
    pub(crate) fn get_feature<T: FromBytes>(
        &mut self,
        bar: &Bar0<'_>,
        id: u8,
        version: u8,
    ) -> Result<T> {
        self.execute(bar, AqEntry::get_feature(id, version))?
            .answer()
    }
}
