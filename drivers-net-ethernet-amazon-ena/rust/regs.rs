// SPDX-License-Identifier: GPL-2.0

//! ENA registers in BAR0.
//!
//! Offsets and field layouts are those of the ENA interface (the C driver's
//! `ena_regs_defs.h` names the same registers `ENA_REGS_*`).

use kernel::{io::register, pci, prelude::*};

/// The part of BAR0 the registers below occupy: what the mapping must cover.
pub(crate) const BAR0_SIZE: usize = 0x100;

/// BAR0 as the driver maps it.
pub(crate) type Bar0<'a> = pci::Bar<'a, BAR0_SIZE>;

/// BAR0 for code that outlives a probe or unbind call: the interrupt
/// handler and the watchdog. Access ends when the device is unbound.
pub(crate) struct Bar0Handle(pci::DevresBar<BAR0_SIZE>);

impl Bar0Handle {
    pub(crate) fn new(bar: Bar0<'_>) -> Result<Self> {
        Ok(Self(bar.into_devres()?))
    }

    /// Runs `f` on BAR0, which must not sleep; `ENODEV` once the device is
    /// unbound.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Bar0<'_>) -> R) -> Result<R> {
        self.0.try_access_with(|bar| f(bar)).ok_or(ENODEV)
    }
}

register! {
    /// Interface version the device implements.
    pub(crate) VERSION(u32) @ 0x00 {
        15:8 major => u8;
        7:0 minor => u8;
    }

    /// Version of the controller behind the interface.
    pub(crate) CONTROLLER_VERSION(u32) @ 0x04 {
        31:24 impl_id => u8;
        23:16 major => u8;
        15:8 minor => u8;
        7:0 subminor => u8;
    }

    /// Device capabilities.
    pub(crate) CAPS(u32) @ 0x08 {
        /// Admin command timeout, in 100 ms units (0: the driver's default).
        19:16 admin_cmd_to;
        15:8 dma_addr_width => u8;
        /// How long a reset may take, in 100 ms units.
        5:1 reset_timeout;
        0:0 contiguous_queue_required => bool;
    }

    /// Admin submission queue base address, low 32 bits.
    pub(crate) AQ_BASE_LO(u32) @ 0x10 {
        31:0 value => u32;
    }

    /// Admin submission queue base address, high 32 bits.
    pub(crate) AQ_BASE_HI(u32) @ 0x14 {
        31:0 value => u32;
    }

    /// Admin submission queue depth and entry size.
    pub(crate) AQ_CAPS(u32) @ 0x18 {
        31:16 entry_size => u16;
        15:0 depth => u16;
    }

    /// Admin completion queue base address, low 32 bits.
    pub(crate) ACQ_BASE_LO(u32) @ 0x20 {
        31:0 value => u32;
    }

    /// Admin completion queue base address, high 32 bits.
    pub(crate) ACQ_BASE_HI(u32) @ 0x24 {
        31:0 value => u32;
    }

    /// Admin completion queue depth and entry size.
    pub(crate) ACQ_CAPS(u32) @ 0x28 {
        31:16 entry_size => u16;
        15:0 depth => u16;
    }

    /// Admin submission queue doorbell: the new tail.
    pub(crate) AQ_DB(u32) @ 0x2c {
        31:0 tail => u32;
    }

    /// Asynchronous event notification queue depth and entry size.
    pub(crate) AENQ_CAPS(u32) @ 0x34 {
        31:16 entry_size => u16;
        15:0 depth => u16;
    }

    /// AENQ base address, low 32 bits.
    pub(crate) AENQ_BASE_LO(u32) @ 0x38 {
        31:0 value => u32;
    }

    /// AENQ base address, high 32 bits.
    pub(crate) AENQ_BASE_HI(u32) @ 0x3c {
        31:0 value => u32;
    }

    /// AENQ head doorbell: entries up to here are free for the device again.
    pub(crate) AENQ_HEAD_DB(u32) @ 0x40 {
        31:0 head => u32;
    }

    /// Management interrupt mask (vector 0).
    pub(crate) INTR_MASK(u32) @ 0x4c {
        0:0 admin_masked => bool;
    }

    /// Device control.
    pub(crate) DEV_CTL(u32) @ 0x54 {
        /// Reset reason reported to the device with `dev_reset`.
        31:28 reset_reason;
        0:0 dev_reset => bool;
    }

    /// Device status.
    pub(crate) DEV_STS(u32) @ 0x58 {
        5:5 fatal_error => bool;
        4:4 reset_finished => bool;
        3:3 reset_in_progress => bool;
        0:0 ready => bool;
    }

    /// Readless register read request: the device answers by DMA.
    pub(crate) MMIO_REG_READ(u32) @ 0x5c {
        31:16 reg_off => u16;
        15:0 req_id => u16;
    }

    /// Readless response buffer address, low 32 bits.
    pub(crate) MMIO_RESP_LO(u32) @ 0x60 {
        31:0 value => u32;
    }

    /// Readless response buffer address, high 32 bits.
    pub(crate) MMIO_RESP_HI(u32) @ 0x64 {
        31:0 value => u32;
    }
}

/// Register offsets, for readless reads (the device is told which one to read).
pub(crate) mod offset {
    pub(crate) const VERSION: u16 = 0x00;
    pub(crate) const CONTROLLER_VERSION: u16 = 0x04;
    pub(crate) const CAPS: u16 = 0x08;
    pub(crate) const DEV_STS: u16 = 0x58;
}

/// Reset reasons the driver gives the device in `DEV_CTL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum ResetReason {
    /// A reset as part of probe or unbind.
    Normal = 0,
    /// No keep-alive event within the watchdog timeout.
    KeepAliveTimeout = 1,
    /// An admin command got no completion in time.
    AdminTimeout = 2,
    /// A TX packet got no completion in time.
    MissingTxCompletion = 3,
    /// An RX completion named a buffer that was not posted.
    InvalidRxRequestId = 4,
    /// A TX completion named a packet that was not in flight.
    InvalidTxRequestId = 5,
    /// A received frame took more buffers than it could.
    TooManyRxDescriptors = 6,
    /// Anything else: here, the device reported a fatal error.
    Generic = 13,
}

impl ResetReason {
    /// The reason with code `code`, if the driver gives it.
    pub(crate) fn from_code(code: u32) -> Option<Self> {
        [
            Self::Normal,
            Self::KeepAliveTimeout,
            Self::AdminTimeout,
            Self::MissingTxCompletion,
            Self::InvalidRxRequestId,
            Self::InvalidTxRequestId,
            Self::TooManyRxDescriptors,
            Self::Generic,
        ]
        .into_iter()
        .find(|r| *r as u32 == code)
    }
}
