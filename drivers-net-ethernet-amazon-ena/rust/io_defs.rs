// SPDX-License-Identifier: GPL-2.0

//! IO queue descriptors and the admin commands that create IO queues.
//!
//! Written from the interface's layouts (the C driver's `ena_eth_io_defs.h`
//! and `ena_admin_defs.h` describe the same ones), little-endian as the
//! device is. Each type's size is checked at compile time.

use core::mem::size_of;
use kernel::prelude::*;

use crate::defs::{AcqEntry, AqEntry};

/// Admin opcodes of the IO queue commands.
mod opcode {
    pub(super) const CREATE_SQ: u8 = 1;
    pub(super) const DESTROY_SQ: u8 = 2;
    pub(super) const CREATE_CQ: u8 = 3;
    pub(super) const DESTROY_CQ: u8 = 4;
}

/// Which way a submission queue moves packets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Tx = 1,
    Rx = 2,
}

/// `CREATE_SQ`: descriptors in host memory, a completion per descriptor
/// that asks for one, the ring physically contiguous.
const SQ_PLACEMENT_HOST: u32 = 1;
const SQ_COMPLETION_DESC: u32 = 0;
const SQ_CONTIGUOUS: u32 = 1;

/// `CREATE_CQ`: the queue raises its MSI-X vector.
const CQ_INTERRUPT_MODE: u32 = 1 << 5;

/// Completion entry sizes, in 32-bit words.
pub(crate) const TX_CQ_ENTRY_WORDS: u32 = 2;
pub(crate) const RX_CQ_ENTRY_WORDS: u32 = 4;

/// The answer to `CREATE_SQ`.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct CreateSqAnswer {
    pub(crate) sq_idx: u16,
    pub(crate) reserved: u16,
    /// The doorbell, as an offset into BAR0.
    pub(crate) doorbell_offset: u32,
    pub(crate) llq_descriptors_offset: u32,
    pub(crate) llq_headers_offset: u32,
}
const _: () = assert!(size_of::<CreateSqAnswer>() == 16);

/// The answer to `CREATE_CQ`.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes)]
pub(crate) struct CreateCqAnswer {
    pub(crate) cq_idx: u16,
    pub(crate) actual_depth: u16,
    pub(crate) numa_node_offset: u32,
    pub(crate) head_doorbell_offset: u32,
    /// The interrupt unmask register, as an offset into BAR0.
    pub(crate) unmask_offset: u32,
}
const _: () = assert!(size_of::<CreateCqAnswer>() == 16);

fn command(op: u8, payload: [u32; 15]) -> AqEntry {
    AqEntry {
        command_id: 0,
        opcode: op,
        flags: 0,
        payload,
    }
}

impl AqEntry {
    /// `CREATE_CQ`: `depth` entries of `words` 32-bit words at `ring`,
    /// signalled on MSI-X vector `vector`.
    pub(crate) fn create_cq(depth: u16, words: u32, vector: u32, ring: u64) -> Self {
        let mut p = [0u32; 15];
        p[0] = CQ_INTERRUPT_MODE | words << 8 | u32::from(depth) << 16;
        p[1] = vector;
        p[2] = ring as u32;
        p[3] = (ring >> 32) as u32 & 0xffff;
        command(opcode::CREATE_CQ, p)
    }

    /// `CREATE_SQ`: `depth` descriptors in host memory at `ring`,
    /// completing into queue `cq_idx`.
    pub(crate) fn create_sq(dir: Direction, cq_idx: u16, depth: u16, ring: u64) -> Self {
        let mut p = [0u32; 15];
        let caps2 = SQ_PLACEMENT_HOST | SQ_COMPLETION_DESC << 4;
        p[0] = (dir as u32) << 5 | caps2 << 16 | SQ_CONTIGUOUS << 24;
        p[1] = u32::from(cq_idx) | u32::from(depth) << 16;
        p[2] = ring as u32;
        p[3] = (ring >> 32) as u32 & 0xffff;
        command(opcode::CREATE_SQ, p)
    }

    /// `DESTROY_SQ` for queue `sq_idx` of direction `dir`.
    pub(crate) fn destroy_sq(dir: Direction, sq_idx: u16) -> Self {
        let mut p = [0u32; 15];
        p[0] = u32::from(sq_idx) | ((dir as u32) << 5) << 16;
        command(opcode::DESTROY_SQ, p)
    }

    /// `DESTROY_CQ` for queue `cq_idx`.
    pub(crate) fn destroy_cq(cq_idx: u16) -> Self {
        let mut p = [0u32; 15];
        p[0] = u32::from(cq_idx);
        command(opcode::DESTROY_CQ, p)
    }
}

impl AcqEntry {
    /// The answer to `CREATE_SQ`.
    pub(crate) fn sq_created(&self) -> Result<CreateSqAnswer> {
        self.answer()
    }

    /// The answer to `CREATE_CQ`.
    pub(crate) fn cq_created(&self) -> Result<CreateCqAnswer> {
        self.answer()
    }
}

/// A TX descriptor (host placement): one buffer of a packet, or the meta
/// descriptor before it that tells the device where its headers are.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes, IntoBytes)]
pub(crate) struct TxDesc {
    /// Length 15:0, request id 15:10 in 21:16, phase 24, first 26, last 27,
    /// completion request 28.
    pub(crate) len_ctrl: u32,
    /// Offload controls; request id 9:0 in 31:22.
    pub(crate) meta_ctrl: u32,
    pub(crate) addr_lo: u32,
    /// Address 47:32 in 15:0; header length 31:24 (0 in host placement
    /// without offloads).
    pub(crate) addr_hi_hdr: u32,
}
const _: () = assert!(size_of::<TxDesc>() == 16);

pub(crate) mod tx {
    use kernel::net::packet::TxChecksum;

    // `len_ctrl` of both kinds of descriptor.
    pub(crate) const META_DESC: u32 = 1 << 23;
    pub(crate) const PHASE: u32 = 1 << 24;
    pub(crate) const FIRST: u32 = 1 << 26;
    pub(crate) const LAST: u32 = 1 << 27;
    pub(crate) const COMP_REQ: u32 = 1 << 28;
    // `len_ctrl` of a meta descriptor: extended (Ethernet) meta, kept by
    // the device for the packets that follow without one.
    pub(crate) const META_EXT_VALID: u32 = 1 << 14;
    pub(crate) const META_ETH_TYPE: u32 = 1 << 20;
    pub(crate) const META_STORE: u32 = 1 << 21;

    // `meta_ctrl` of a buffer descriptor: protocols and offloads.
    const L3_PROTO_IPV4: u32 = 8;
    const L3_PROTO_IPV6: u32 = 11;
    const DF: u32 = 1 << 4;
    const L4_PROTO_SHIFT: u32 = 8;
    const L4_PROTO_TCP: u32 = 12;
    const L4_PROTO_UDP: u32 = 13;
    const L4_CSUM_EN: u32 = 1 << 14;
    const L4_CSUM_PARTIAL: u32 = 1 << 17;

    /// What the device needs to complete a packet's L4 checksum: the
    /// buffer descriptor's protocol and offload bits, and the IP header's
    /// place for the meta descriptor.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub(crate) struct Offload {
        pub(crate) meta_ctrl: u32,
        pub(crate) l3_offset: u8,
        pub(crate) l3_len: u8,
    }

    /// Describes the checksum `request` of the packet whose linear data is
    /// `data`, from its IP header; `None` if the device cannot do it (not
    /// TCP or UDP over IPv4 or IPv6, or headers the meta descriptor cannot
    /// place).
    pub(crate) fn checksum_offload(data: &[u8], request: TxChecksum) -> Option<Offload> {
        let l3_offset = u8::try_from(request.network_offset).ok()?;
        let l3_len = u8::try_from(request.network_header_len).ok()?;
        let start = usize::from(l3_offset);
        let ip = data.get(start..start + usize::from(l3_len))?;
        let (l3, protocol, df) = match ip.first()? >> 4 {
            4 if ip.len() >= 20 => (L3_PROTO_IPV4, ip[9], ip[6] & 0x40 != 0),
            6 if ip.len() >= 40 => (L3_PROTO_IPV6, ip[6], false),
            _ => return None,
        };
        let l4 = match protocol {
            6 => L4_PROTO_TCP,
            17 => L4_PROTO_UDP,
            _ => return None,
        };
        Some(Offload {
            meta_ctrl: l3
                | if df { DF } else { 0 }
                | l4 << L4_PROTO_SHIFT
                | L4_CSUM_EN
                | L4_CSUM_PARTIAL,
            l3_offset,
            l3_len,
        })
    }
}

/// The phase bit of a descriptor written in pass `phase`.
fn phase_bit(phase: u8) -> u32 {
    if phase != 0 {
        tx::PHASE
    } else {
        0
    }
}

impl TxDesc {
    /// A packet in one buffer of `len` bytes at `addr`, request id `req_id`,
    /// written in pass `phase`; with `offload`, after its meta descriptor.
    pub(crate) fn single(
        len: u16,
        addr: u64,
        req_id: u16,
        phase: u8,
        offload: Option<&tx::Offload>,
    ) -> Self {
        let req_id = u32::from(req_id);
        let first = if offload.is_some() { 0 } else { tx::FIRST };
        Self {
            len_ctrl: u32::from(len)
                | (req_id >> 10 & 0x3f) << 16
                | phase_bit(phase)
                | first
                | tx::LAST
                | tx::COMP_REQ,
            meta_ctrl: (req_id & 0x3ff) << 22 | offload.map_or(0, |o| o.meta_ctrl),
            addr_lo: addr as u32,
            addr_hi_hdr: (addr >> 32) as u32 & 0xffff,
        }
    }

    /// The meta descriptor that starts a packet to offload, written in
    /// pass `phase`: where its IP header is (the L4 header follows it).
    pub(crate) fn meta(offload: &tx::Offload, phase: u8) -> Self {
        Self {
            len_ctrl: tx::META_DESC
                | tx::META_EXT_VALID
                | tx::META_ETH_TYPE
                | tx::META_STORE
                | tx::FIRST
                | phase_bit(phase),
            meta_ctrl: 0,
            // The meta descriptor's third word: IP header length 7:0 and
            // offset 15:8 (L4 header length and MSS are for TSO).
            addr_lo: u32::from(offload.l3_len) | u32::from(offload.l3_offset) << 8,
            addr_hi_hdr: 0,
        }
    }
}

/// A TX completion.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes, IntoBytes)]
pub(crate) struct TxCompletion {
    pub(crate) req_id: u16,
    pub(crate) status: u8,
    /// Phase in bit 0.
    pub(crate) flags: u8,
    pub(crate) sub_qid: u16,
    pub(crate) sq_head: u16,
}
const _: () = assert!(size_of::<TxCompletion>() == 4 * TX_CQ_ENTRY_WORDS as usize);

/// An RX descriptor: one buffer for the device to write.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes, IntoBytes)]
pub(crate) struct RxDesc {
    /// Buffer length in bytes (0: 64 KiB).
    pub(crate) length: u16,
    pub(crate) reserved0: u8,
    /// Phase 0, first 2, last 3, completion request 4.
    pub(crate) ctrl: u8,
    pub(crate) req_id: u16,
    pub(crate) reserved1: u16,
    pub(crate) addr_lo: u32,
    pub(crate) addr_hi: u16,
    pub(crate) reserved2: u16,
}
const _: () = assert!(size_of::<RxDesc>() == 16);

impl RxDesc {
    /// A buffer of `len` bytes at `addr`, request id `req_id`, written in
    /// pass `phase`.
    pub(crate) fn new(len: u16, addr: u64, req_id: u16, phase: u8) -> Self {
        Self {
            length: len,
            ctrl: (phase & 1) | 1 << 2 | 1 << 3 | 1 << 4,
            req_id,
            addr_lo: addr as u32,
            addr_hi: (addr >> 32) as u16,
            ..Default::default()
        }
    }
}

/// An RX completion (the 4-word layout): one buffer of a frame.
#[repr(C)]
#[derive(Clone, Copy, Default, FromBytes, IntoBytes)]
pub(crate) struct RxCompletion {
    /// See [`rx`]; parse and checksum results are valid on the last buffer.
    pub(crate) status: u32,
    pub(crate) length: u16,
    pub(crate) req_id: u16,
    /// The RSS hash of the frame.
    pub(crate) hash: u32,
    pub(crate) sub_qid: u16,
    /// Where the frame starts in the first buffer.
    pub(crate) offset: u8,
    pub(crate) reserved: u8,
}
const _: () = assert!(size_of::<RxCompletion>() == 4 * RX_CQ_ENTRY_WORDS as usize);

pub(crate) mod rx {
    pub(crate) const L3_PROTO_MASK: u32 = 0x1f;
    pub(crate) const L3_PROTO_IPV4: u32 = 8;
    pub(crate) const L4_PROTO_SHIFT: u32 = 8;
    pub(crate) const L4_PROTO_MASK: u32 = 0x1f;
    pub(crate) const L4_PROTO_TCP: u32 = 12;
    pub(crate) const L4_PROTO_UDP: u32 = 13;
    pub(crate) const L3_CSUM_ERR: u32 = 1 << 13;
    pub(crate) const L4_CSUM_ERR: u32 = 1 << 14;
    pub(crate) const IPV4_FRAG: u32 = 1 << 15;
    pub(crate) const L4_CSUM_CHECKED: u32 = 1 << 16;
    pub(crate) const PHASE: u32 = 1 << 24;
    pub(crate) const LAST: u32 = 1 << 27;

    /// Whether the frame the completion `status` describes is TCP or UDP.
    pub(crate) fn l4_tcp_or_udp(status: u32) -> bool {
        let l4 = status >> L4_PROTO_SHIFT & L4_PROTO_MASK;
        l4 == L4_PROTO_TCP || l4 == L4_PROTO_UDP
    }
}

// SAFETY: The descriptor and completion types are `repr(C)` integers
// without padding (the size assertions above): every bit pattern is a
// valid value and no byte is uninitialized.
unsafe impl kernel::transmute::AsBytes for TxDesc {}
// SAFETY: As above.
unsafe impl kernel::transmute::FromBytes for TxDesc {}
// SAFETY: As above.
unsafe impl kernel::transmute::AsBytes for TxCompletion {}
// SAFETY: As above.
unsafe impl kernel::transmute::FromBytes for TxCompletion {}
// SAFETY: As above.
unsafe impl kernel::transmute::AsBytes for RxDesc {}
// SAFETY: As above.
unsafe impl kernel::transmute::FromBytes for RxDesc {}
// SAFETY: As above.
unsafe impl kernel::transmute::AsBytes for RxCompletion {}
// SAFETY: As above.
unsafe impl kernel::transmute::FromBytes for RxCompletion {}

/// The value of a CQ's interrupt unmask register that unmasks it, with no
/// added moderation delay.
pub(crate) const INTR_UNMASK: u32 = 1 << 30;
