// SPDX-License-Identifier: GPL-2.0

//! Admin queue entries and feature descriptors of the ENA interface.
//!
//! Written from the interface's layouts (the C driver's `ena_admin_defs.h`
//! describes the same ones), little-endian as the device is. Each type's size
//! is checked at compile time.

use core::mem::size_of;
use kernel::prelude::*;

/// Size of an admin submission and completion queue entry.
pub(crate) const ADMIN_ENTRY_SIZE: usize = 64;

/// Admin opcodes.
pub(crate) mod opcode {
    pub(crate) const GET_FEATURE: u8 = 8;
}

/// Feature ids (`GET_FEATURE`/`SET_FEATURE`); bit `id` of the device's
/// `supported_features` says whether it offers feature `id`.
pub(crate) mod feature {
    pub(crate) const DEVICE_ATTRIBUTES: u8 = 1;
    pub(crate) const HW_HINTS: u8 = 3;
    pub(crate) const LLQ: u8 = 4;
    pub(crate) const MAX_QUEUES_EXT: u8 = 7;
    pub(crate) const STATELESS_OFFLOAD: u8 = 11;
}

/// The version of `MAX_QUEUES_EXT` and `LLQ` the driver asks for.
pub(crate) const FEATURE_VERSION_1: u8 = 1;

/// Flags of a submission entry (`AqEntry::flags`).
pub(crate) const AQ_FLAG_PHASE: u8 = 1 << 0;
/// Flags of a completion entry (`AcqEntry::flags`).
pub(crate) const ACQ_FLAG_PHASE: u8 = 1 << 0;
/// Command ids are 12 bits wide.
pub(crate) const COMMAND_ID_MASK: u16 = 0xfff;

/// An admin submission queue entry.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
pub(crate) struct AqEntry {
    pub(crate) command_id: u16,
    pub(crate) opcode: u8,
    pub(crate) flags: u8,
    /// The command's own fields.
    pub(crate) payload: [u32; 15],
}

/// An admin completion queue entry.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
pub(crate) struct AcqEntry {
    pub(crate) command_id: u16,
    pub(crate) status: u8,
    pub(crate) flags: u8,
    pub(crate) extended_status: u16,
    pub(crate) sq_head: u16,
    /// The answer's own fields.
    pub(crate) payload: [u32; 14],
}

const _: () = assert!(size_of::<AqEntry>() == ADMIN_ENTRY_SIZE);
const _: () = assert!(size_of::<AcqEntry>() == ADMIN_ENTRY_SIZE);

// SAFETY: `AqEntry` is `repr(C)` integers without padding: every bit pattern
// is a valid value and no byte is uninitialized.
unsafe impl kernel::transmute::AsBytes for AqEntry {}
// SAFETY: As above, any bytes the device writes form a valid `AqEntry`.
unsafe impl kernel::transmute::FromBytes for AqEntry {}
// SAFETY: `AcqEntry` is `repr(C)` integers without padding: every bit pattern
// is a valid value and no byte is uninitialized.
unsafe impl kernel::transmute::AsBytes for AcqEntry {}
// SAFETY: As above, any bytes the device writes form a valid `AcqEntry`.
unsafe impl kernel::transmute::FromBytes for AcqEntry {}

impl AqEntry {
    /// A `GET_FEATURE` command for feature `id` at `version`, answered inline.
    pub(crate) fn get_feature(id: u8, version: u8) -> Self {
        let mut payload = [0u32; 15];
        // Bytes 4..16 name a control buffer (none here); bytes 16..20 are
        // the feature's common descriptor: flags (select "current"), id,
        // version, reserved.
        payload[3] = u32::from(id) << 8 | u32::from(version) << 16;
        Self {
            command_id: 0,
            opcode: opcode::GET_FEATURE,
            flags: 0,
            payload,
        }
    }
}

impl AcqEntry {
    /// The answer's fields as `T`, which must fit in them.
    pub(crate) fn answer<T: FromBytes>(&self) -> Result<T> {
        let (value, _) = T::read_from_prefix(self.payload.as_bytes()).map_err(|_| EINVAL)?;
        Ok(value)
    }
}

/// Admin completion status codes, as errors the way the C driver maps them.
pub(crate) fn status_to_result(status: u8) -> Result {
    match status {
        0 => Ok(()),
        1 => Err(ENOMEM),
        3 => Err(EOPNOTSUPP),
        7 => Err(EAGAIN),
        // bad opcode, malformed request, illegal parameter, unknown error
        _ => Err(EINVAL),
    }
}

/// `DEVICE_ATTRIBUTES`.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct DeviceAttributes {
    pub(crate) impl_id: u32,
    pub(crate) device_version: u32,
    pub(crate) supported_features: u32,
    pub(crate) capabilities: u32,
    pub(crate) phys_addr_width: u32,
    pub(crate) virt_addr_width: u32,
    pub(crate) mac_addr: [u8; 6],
    pub(crate) reserved: [u8; 2],
    pub(crate) max_mtu: u32,
}
const _: () = assert!(size_of::<DeviceAttributes>() == 36);

impl DeviceAttributes {
    /// Whether the device offers feature `id`.
    pub(crate) fn supports(&self, id: u8) -> bool {
        id < 32 && self.supported_features & (1 << id) != 0
    }
}

/// `MAX_QUEUES_EXT`, version 1.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct MaxQueuesExt {
    pub(crate) version: u8,
    pub(crate) reserved: [u8; 3],
    pub(crate) max_tx_sq_num: u32,
    pub(crate) max_tx_cq_num: u32,
    pub(crate) max_rx_sq_num: u32,
    pub(crate) max_rx_cq_num: u32,
    pub(crate) max_tx_sq_depth: u32,
    pub(crate) max_tx_cq_depth: u32,
    pub(crate) max_rx_sq_depth: u32,
    pub(crate) max_rx_cq_depth: u32,
    pub(crate) max_tx_header_size: u32,
    pub(crate) max_per_packet_tx_descs: u16,
    pub(crate) max_per_packet_rx_descs: u16,
}
const _: () = assert!(size_of::<MaxQueuesExt>() == 44);

/// `HW_HINTS`: timeouts and limits the device suggests.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct HwHints {
    pub(crate) mmio_read_timeout: u16,
    pub(crate) driver_watchdog_timeout: u16,
    pub(crate) missing_tx_completion_timeout: u16,
    pub(crate) missed_tx_completion_count_threshold: u16,
    pub(crate) admin_completion_timeout: u16,
    pub(crate) netdev_wd_timeout: u16,
    pub(crate) max_tx_sgl_size: u16,
    pub(crate) max_rx_sgl_size: u16,
    pub(crate) reserved: [u16; 8],
}
const _: () = assert!(size_of::<HwHints>() == 32);

/// `STATELESS_OFFLOAD`: checksum, TSO and RX hash offloads.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct Offloads {
    pub(crate) tx: u32,
    pub(crate) rx_supported: u32,
    pub(crate) rx_enabled: u32,
}
const _: () = assert!(size_of::<Offloads>() == 12);

/// `LLQ`: what device placement of TX queues the device offers.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct Llq {
    pub(crate) max_llq_num: u32,
    pub(crate) max_llq_depth: u32,
    pub(crate) header_location_ctrl_supported: u16,
    pub(crate) header_location_ctrl_enabled: u16,
    pub(crate) entry_size_ctrl_supported: u16,
    pub(crate) entry_size_ctrl_enabled: u16,
    pub(crate) desc_num_before_header_supported: u16,
    pub(crate) desc_num_before_header_enabled: u16,
    pub(crate) descriptors_stride_ctrl_supported: u16,
    pub(crate) descriptors_stride_ctrl_enabled: u16,
}
const _: () = assert!(size_of::<Llq>() == 24);
