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

/// A TX descriptor (host placement): one buffer of a packet.
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
    pub(crate) const PHASE: u32 = 1 << 24;
    pub(crate) const FIRST: u32 = 1 << 26;
    pub(crate) const LAST: u32 = 1 << 27;
    pub(crate) const COMP_REQ: u32 = 1 << 28;
}

impl TxDesc {
    /// A packet in one buffer of `len` bytes at `addr`, request id `req_id`,
    /// written in pass `phase`.
    pub(crate) fn single(len: u16, addr: u64, req_id: u16, phase: u8) -> Self {
        let req_id = u32::from(req_id);
        Self {
            len_ctrl: u32::from(len)
                | (req_id >> 10 & 0x3f) << 16
                | if phase != 0 { tx::PHASE } else { 0 }
                | tx::FIRST
                | tx::LAST
                | tx::COMP_REQ,
            meta_ctrl: (req_id & 0x3ff) << 22,
            addr_lo: addr as u32,
            addr_hi_hdr: (addr >> 32) as u32 & 0xffff,
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
