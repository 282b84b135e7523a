// SPDX-License-Identifier: GPL-2.0

//! Register reads, readless or plain.
//!
//! A read of a device register over PCIe is slow where the device is behind
//! a hypervisor, so ENA offers *readless* reads: the driver writes the
//! register's offset and a request id to `MMIO_REG_READ`, and the device
//! DMA-writes the value with that id into a response buffer the driver
//! allocated. The driver polls the buffer until the id appears. A device
//! that does not offer it (bit 0 of the PCI revision id) is read with plain
//! MMIO reads.

use kernel::{
    device::{Bound, Device},
    dma::Coherent,
    io::{io_read, io_write, Io},
    prelude::*,
    sync::barrier::{dma_mb, Read},
    time::{delay::udelay, Delta, Instant, Monotonic},
};

use crate::regs::{self, Bar0Handle};

/// Where the device writes a readless read's answer.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
struct ReadlessResponse {
    req_id: u16,
    reg_off: u16,
    reg_val: u32,
}

// SAFETY: `ReadlessResponse` is `repr(C)` integers without padding: every bit
// pattern is a valid value and no byte is uninitialized.
unsafe impl kernel::transmute::AsBytes for ReadlessResponse {}
// SAFETY: As above, any bytes the device writes form a valid value.
unsafe impl kernel::transmute::FromBytes for ReadlessResponse {}

/// How long a readless read may take when the device gives no hint (the C
/// driver's default).
pub(crate) const DEFAULT_TIMEOUT: Delta = Delta::from_millis(200);

/// Reads device registers.
pub(crate) struct RegisterReader {
    /// The response buffer; `None` in plain MMIO mode.
    response: Option<Coherent<ReadlessResponse>>,
    seq: u16,
    /// How long a readless read may take.
    pub(crate) timeout: Delta,
}

impl RegisterReader {
    /// A reader in readless mode if `readless`, with its response buffer.
    pub(crate) fn new(dev: &Device<Bound>, readless: bool) -> Result<Self> {
        let response = if readless {
            Some(Coherent::zeroed(dev, GFP_KERNEL)?)
        } else {
            None
        };
        Ok(Self {
            response,
            seq: 0,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Tells the device where to write readless answers.
    pub(crate) fn program(&self, bar: &Bar0Handle) -> Result {
        let Some(response) = &self.response else {
            return Ok(());
        };
        let addr = response.dma_address();
        bar.with(|bar| {
            bar.write_reg(regs::MMIO_RESP_LO::zeroed().with_value(addr as u32));
            bar.write_reg(regs::MMIO_RESP_HI::zeroed().with_value((addr >> 32) as u32));
        })
    }

    /// Whether reads go through the response buffer.
    pub(crate) fn readless(&self) -> bool {
        self.response.is_some()
    }

    /// Reads the 32-bit register at `off`.
    pub(crate) fn read(&mut self, bar: &Bar0Handle, off: u16) -> Result<u32> {
        let Some(response) = &self.response else {
            return bar.with(|bar| bar.try_read32(usize::from(off)))?;
        };

        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        // A request id the answer cannot have, so that a stale one is not taken.
        io_write!(response, .req_id, seq.wrapping_add(0xdead));
        bar.with(|bar| {
            bar.write_reg(
                regs::MMIO_REG_READ::zeroed()
                    .with_reg_off(off)
                    .with_req_id(seq),
            )
        })?;

        let start = Instant::<Monotonic>::now();
        while io_read!(response, .req_id) != seq {
            if start.elapsed() > self.timeout {
                return Err(ETIMEDOUT);
            }
            udelay(Delta::from_micros(1));
        }
        // The id is there: what the device wrote before it is visible too.
        dma_mb(Read);
        if io_read!(response, .reg_off) != off {
            return Err(EIO);
        }
        Ok(io_read!(response, .reg_val))
    }
}
