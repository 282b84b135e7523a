// SPDX-License-Identifier: GPL-2.0

//! Admin queue entries and feature descriptors of the ENA interface.
//!
//! Written from the interface's layouts (the C driver's `ena_admin_defs.h`
//! describes the same ones), little-endian as the device is. Each type's size
//! is checked at compile time.

use core::mem::size_of;
use kernel::prelude::*;
use zerocopy::Immutable;
use zerocopy_derive::Immutable;

/// Size of an admin submission and completion queue entry.
pub(crate) const ADMIN_ENTRY_SIZE: usize = 64;

/// Admin opcodes.
pub(crate) mod opcode {
    pub(crate) const GET_FEATURE: u8 = 8;
    pub(crate) const SET_FEATURE: u8 = 9;
    pub(crate) const GET_STATS: u8 = 11;
}

/// Feature ids (`GET_FEATURE`/`SET_FEATURE`); bit `id` of the device's
/// `supported_features` says whether it offers feature `id`.
pub(crate) mod feature {
    pub(crate) const DEVICE_ATTRIBUTES: u8 = 1;
    pub(crate) const HW_HINTS: u8 = 3;
    pub(crate) const LLQ: u8 = 4;
    pub(crate) const MAX_QUEUES_EXT: u8 = 7;
    pub(crate) const STATELESS_OFFLOAD: u8 = 11;
    pub(crate) const AENQ_CONFIG: u8 = 26;
    pub(crate) const HOST_ATTR_CONFIG: u8 = 28;
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
        // Payload words 0..3 name a control buffer (none here); word 3 is
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

    /// A `SET_FEATURE` command for feature `id`, its descriptor `data`.
    #[inline(always)]
    pub(crate) fn set_feature<T: IntoBytes + Immutable>(id: u8, data: &T) -> Self {
        let mut payload = [0u32; 15];
        payload[3] = u32::from(id) << 8;
        // The descriptor follows the common one, in words 4..15.
        build_assert!(size_of::<T>() <= 44);
        payload.as_mut_bytes()[16..16 + size_of::<T>()].copy_from_slice(data.as_bytes());
        Self {
            command_id: 0,
            opcode: opcode::SET_FEATURE,
            flags: 0,
            payload,
        }
    }

    /// `GET_STATS` for the device's basic counters, answered inline.
    pub(crate) fn get_basic_stats() -> Self {
        // Words 0..3: no control buffer; word 3: type basic, scope and queue
        // 0; word 4: device id 0 (this function).
        Self {
            command_id: 0,
            opcode: opcode::GET_STATS,
            flags: 0,
            payload: [0u32; 15],
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

/// Asynchronous event notification groups: the `group` of an AENQ entry,
/// and bit `group` of the AENQ configuration's masks.
pub(crate) mod aenq_group {
    pub(crate) const LINK_CHANGE: u16 = 0;
    pub(crate) const FATAL_ERROR: u16 = 1;
    pub(crate) const WARNING: u16 = 2;
    pub(crate) const NOTIFICATION: u16 = 3;
    pub(crate) const KEEP_ALIVE: u16 = 4;
    /// Groups the interface defined when this driver was written.
    pub(crate) const COUNT: usize = 5;
    /// Names, for debugfs.
    pub(crate) const NAMES: [&str; COUNT] = [
        "link_change",
        "fatal_error",
        "warning",
        "notification",
        "keep_alive",
    ];
}

/// The notification syndrome that carries new hints.
pub(crate) const SYNDROME_UPDATE_HINTS: u16 = 2;

/// Size of an AENQ entry.
pub(crate) const AENQ_ENTRY_SIZE: usize = 64;

/// Flags of an AENQ entry.
pub(crate) const AENQ_FLAG_PHASE: u8 = 1 << 0;

/// An asynchronous event notification queue entry.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
pub(crate) struct AenqEntry {
    pub(crate) group: u16,
    pub(crate) syndrome: u16,
    pub(crate) flags: u8,
    pub(crate) reserved: [u8; 3],
    pub(crate) timestamp_low: u32,
    pub(crate) timestamp_high: u32,
    /// The event's own fields.
    pub(crate) data: [u32; 12],
}
const _: () = assert!(size_of::<AenqEntry>() == AENQ_ENTRY_SIZE);

// SAFETY: `AenqEntry` is `repr(C)` integers without padding: every bit
// pattern is a valid value and no byte is uninitialized.
unsafe impl kernel::transmute::AsBytes for AenqEntry {}
// SAFETY: As above, any bytes the device writes form a valid `AenqEntry`.
unsafe impl kernel::transmute::FromBytes for AenqEntry {}

impl AenqEntry {
    /// The event's fields as `T`.
    pub(crate) fn data<T: FromBytes>(&self) -> Result<T> {
        let (value, _) = T::read_from_prefix(self.data.as_bytes()).map_err(|_| EINVAL)?;
        Ok(value)
    }
}

/// The link change event: bit 0 is the new link state.
pub(crate) const LINK_STATUS_UP: u32 = 1 << 0;

/// The keep-alive event: the device's drop counters since its last reset.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct KeepAlive {
    pub(crate) rx_drops_low: u32,
    pub(crate) rx_drops_high: u32,
    pub(crate) tx_drops_low: u32,
    pub(crate) tx_drops_high: u32,
}
const _: () = assert!(size_of::<KeepAlive>() == 16);

/// `AENQ_CONFIG`: which groups the device offers and which it reports.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes, IntoBytes, Immutable)]
pub(crate) struct AenqConfig {
    pub(crate) supported_groups: u32,
    pub(crate) enabled_groups: u32,
}
const _: () = assert!(size_of::<AenqConfig>() == 8);

/// `HOST_ATTR_CONFIG`: where the host information page is (48-bit
/// addresses, low word then high half-word), and no debug area.
#[repr(C)]
#[derive(Clone, Copy, Default, IntoBytes, Immutable)]
pub(crate) struct HostAttributes {
    pub(crate) os_info_low: u32,
    pub(crate) os_info_high: u16,
    pub(crate) reserved0: u16,
    pub(crate) debug_low: u32,
    pub(crate) debug_high: u16,
    pub(crate) reserved1: u16,
    pub(crate) debug_area_size: u32,
}
const _: () = assert!(size_of::<HostAttributes>() == 20);

/// Operating system type Linux in `HostInfo::os_type`.
pub(crate) const OS_LINUX: u32 = 1;
/// The interface version the driver implements (major 2, minor 0).
pub(crate) const SPEC_VERSION: u16 = 2 << 8;

/// What the driver tells the device about its host, read by the device
/// from a 4 KiB page.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
pub(crate) struct HostInfo {
    pub(crate) os_type: u32,
    pub(crate) os_dist_str: [u8; 128],
    pub(crate) os_dist: u32,
    pub(crate) kernel_ver_str: [u8; 32],
    pub(crate) kernel_ver: u32,
    /// Major in bits 7:0, minor 15:8, sub-minor 23:16.
    pub(crate) driver_version: u32,
    pub(crate) supported_network_features: [u32; 2],
    pub(crate) ena_spec_version: u16,
    /// Bus in bits 15:8, device 7:3, function 2:0.
    pub(crate) bdf: u16,
    pub(crate) num_cpus: u16,
    pub(crate) reserved: u16,
    pub(crate) driver_supported_features: u32,
}
const _: () = assert!(size_of::<HostInfo>() == 196);

/// The page the device reads `HostInfo` from.
#[repr(C)]
#[derive(Clone, Copy, FromBytes, IntoBytes)]
pub(crate) struct HostInfoPage {
    pub(crate) info: HostInfo,
    pub(crate) rest: [u8; 4096 - size_of::<HostInfo>()],
}
const _: () = assert!(size_of::<HostInfoPage>() == 4096);

// SAFETY: `HostInfoPage` is `repr(C)` integers without padding (checked by
// the size assertions): every bit pattern is valid, no byte uninitialized.
unsafe impl kernel::transmute::AsBytes for HostInfoPage {}
// SAFETY: As above.
unsafe impl kernel::transmute::FromBytes for HostInfoPage {}

/// `GET_STATS` basic: the device's traffic counters, each low word first.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct BasicStats {
    pub(crate) counters: [u32; 12],
}
const _: () = assert!(size_of::<BasicStats>() == 48);

impl BasicStats {
    /// Counter `i` (tx bytes, tx packets, rx bytes, rx packets, rx drops,
    /// tx drops) as one number.
    pub(crate) fn get(&self, i: usize) -> u64 {
        u64::from(self.counters[2 * i]) | u64::from(self.counters[2 * i + 1]) << 32
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
