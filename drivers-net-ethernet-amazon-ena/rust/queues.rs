// SPDX-License-Identifier: GPL-2.0

//! The TX and RX rings of one queue pair, host placement.
//!
//! Each direction has a submission queue (descriptors the driver writes)
//! and a completion queue (entries the device writes), both in coherent
//! DMA memory and marked with the phase of the pass over the ring, like
//! the admin queue. A descriptor carries a request id that names the
//! driver's buffer; its completion gives the id back, which the driver
//! checks before it trusts it.
//!
//! TX: one descriptor per packet (the stack linearises packets, the
//! interface offers no scatter-gather), after a meta descriptor if the
//! device is to complete its checksum, the packet mapped for the device
//! until its completion. RX: every buffer is a page mapped once, when the
//! ring is made; a received frame is copied out into a new packet and the
//! page is posted again at once.

use kernel::{
    device::{Bound, Device},
    dma::{Coherent, DataDirection, Mapping},
    io::{io_project, io_read, Io},
    net::netdev::SkBuff,
    page::{Page, PAGE_SIZE},
    prelude::*,
    sync::barrier::{dma_mb, Read},
    time::{Instant, Monotonic},
    transmute::{AsBytes, FromBytes},
};

use crate::{
    io_defs::{rx, tx, RxCompletion, RxDesc, TxCompletion, TxDesc},
    regs::Bar0Handle,
    ring::RingPos,
};

/// The most buffers a received frame may take (the device says how many it
/// uses at most; a frame of the largest MTU takes 3 pages).
pub(crate) const MAX_RX_BUFS: usize = 16;

/// Where a direction's rings are in DMA memory, and how deep.
#[derive(Clone, Copy)]
pub(crate) struct RingLayout {
    pub(crate) depth: u16,
    pub(crate) sq: u64,
    pub(crate) cq: u64,
}

/// The submission and completion rings of one direction, and where the
/// driver is in each.
pub(crate) struct Rings<D, C> {
    sq: Coherent<[D]>,
    cq: Coherent<[C]>,
    depth: u16,
    /// Where the next descriptor goes.
    sq_tail: RingPos,
    /// Where the next completion comes.
    cq_head: RingPos,
    /// The submission queue's doorbell, once it is created on the device.
    pub(crate) doorbell: usize,
}

impl<D, C> Rings<D, C>
where
    D: AsBytes + FromBytes,
    C: AsBytes + FromBytes,
{
    /// Both rings, zeroed: no entry is valid yet.
    fn new(dev: &Device<Bound>, depth: u16) -> Result<Self> {
        Ok(Self {
            sq: Coherent::zeroed_slice(dev, usize::from(depth), GFP_KERNEL)?,
            cq: Coherent::zeroed_slice(dev, usize::from(depth), GFP_KERNEL)?,
            depth,
            sq_tail: RingPos::START,
            cq_head: RingPos::START,
            doorbell: 0,
        })
    }

    /// Where the rings are, for the commands that create the queues.
    pub(crate) fn layout(&self) -> RingLayout {
        RingLayout {
            depth: self.depth,
            sq: self.sq.dma_address(),
            cq: self.cq.dma_address(),
        }
    }

    /// Tells the device about the descriptors written so far.
    fn ring_doorbell(&self, bar: &Bar0Handle) -> Result {
        bar.with(|bar| bar.try_write32(u32::from(self.sq_tail.index), self.doorbell))?
    }
}

/// What the device did wrong, found in a completion: the device is reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadCompletion {
    /// A request id that names no buffer in flight.
    RequestId,
    /// A frame longer than its buffers, or over too many of them.
    Length,
}

/// A packet the device is sending.
struct TxBuffer {
    packet: Mapping<SkBuff>,
    queued: Instant<Monotonic>,
    /// The descriptors it took (with its meta descriptor).
    descs: u16,
}

/// What cleaning TX completions did.
#[derive(Default)]
pub(crate) struct TxCleaned {
    pub(crate) packets: u64,
    pub(crate) bytes: u64,
}

/// How a packet was sent.
pub(crate) enum Sent {
    /// Its checksum complete.
    Plain,
    /// With its L4 checksum completed by the device.
    ChecksumOffloaded,
    /// With its L4 checksum computed in software (a packet the device
    /// cannot describe).
    ChecksumInSoftware,
}

/// The TX half of a queue pair.
pub(crate) struct TxRing {
    pub(crate) rings: Rings<TxDesc, TxCompletion>,
    /// Packets in flight, by request id.
    buffers: KVec<Option<TxBuffer>>,
    /// Request ids not in flight.
    free_ids: KVec<u16>,
    /// Descriptors the device completed, wrapping at 16 bits.
    sq_done: u16,
}

impl TxRing {
    /// Allocates the rings; nothing is in flight.
    pub(crate) fn new(dev: &Device<Bound>, depth: u16) -> Result<Self> {
        let mut buffers = KVec::with_capacity(usize::from(depth), GFP_KERNEL)?;
        let mut free_ids = KVec::with_capacity(usize::from(depth), GFP_KERNEL)?;
        for id in (0..depth).rev() {
            buffers.push(None, GFP_KERNEL)?;
            free_ids.push(id, GFP_KERNEL)?;
        }
        Ok(Self {
            rings: Rings::new(dev, depth)?,
            buffers,
            free_ids,
            sq_done: 0,
        })
    }

    /// Descriptors the driver may still write.
    pub(crate) fn room(&self) -> u16 {
        let used = self.rings.sq_tail.index.wrapping_sub(self.sq_done);
        (self.rings.depth - 1).saturating_sub(used)
    }

    /// Maps `skb` and has the device send it. On failure the packet is
    /// dropped, and the caller counts it.
    pub(crate) fn send(
        &mut self,
        dev: &Device<Bound>,
        bar: &Bar0Handle,
        mut skb: SkBuff,
    ) -> Result<Sent> {
        let len = skb.len();
        if !skb.is_linear() || len > u32::from(u16::MAX) {
            return Err(EINVAL);
        }
        let mut sent = Sent::Plain;
        let offload = match skb.tx_checksum() {
            None => None,
            Some(request) => match tx::checksum_offload(skb.linear_data(), request) {
                Some(offload) => {
                    sent = Sent::ChecksumOffloaded;
                    Some(offload)
                }
                None => {
                    skb.checksum_help()?;
                    sent = Sent::ChecksumInSoftware;
                    None
                }
            },
        };
        let descs = if offload.is_some() { 2 } else { 1 };
        if self.room() < descs {
            return Err(EBUSY);
        }
        let Some(id) = self.free_ids.pop() else {
            return Err(EBUSY);
        };
        let packet = match Mapping::new(dev, skb, DataDirection::ToDevice) {
            Ok(packet) => packet,
            Err(e) => {
                self.free_ids.push(id, GFP_ATOMIC)?;
                return Err(e);
            }
        };
        if let Some(offload) = &offload {
            let meta = TxDesc::meta(offload, self.rings.sq_tail.phase);
            self.write_desc(meta);
        }
        let desc = TxDesc::single(
            len as u16,
            packet.dma_address(),
            id,
            self.rings.sq_tail.phase,
            offload.as_ref(),
        );
        self.write_desc(desc);
        self.buffers[usize::from(id)] = Some(TxBuffer {
            packet,
            queued: Instant::now(),
            descs,
        });
        // The doorbell's MMIO write is ordered after the descriptors'.
        self.rings.ring_doorbell(bar)?;
        Ok(sent)
    }

    /// Writes `desc` at the tail and moves the tail past it.
    fn write_desc(&mut self, desc: TxDesc) {
        io_project!(self.rings.sq, [panic: self.rings.sq_tail.slot(self.rings.depth)])
            .copy_write(desc);
        self.rings.sq_tail.advance(self.rings.depth);
    }

    /// Frees up to `budget` packets the device completed.
    pub(crate) fn clean(&mut self, budget: u32) -> Result<TxCleaned, BadCompletion> {
        let mut done = TxCleaned::default();
        while done.packets < u64::from(budget) {
            let slot = self.rings.cq_head.slot(self.rings.depth);
            if io_read!(self.rings.cq, [panic: slot].flags) & 1 != self.rings.cq_head.phase {
                break;
            }
            // The phase says the entry is complete: read the rest after it.
            dma_mb(Read);
            let comp = io_project!(self.rings.cq, [panic: slot]).copy_read();
            let buffer = self
                .buffers
                .get_mut(usize::from(comp.req_id))
                .and_then(Option::take)
                .ok_or(BadCompletion::RequestId)?;
            self.rings.cq_head.advance(self.rings.depth);
            self.sq_done = self.sq_done.wrapping_add(buffer.descs);
            // Room for every id was reserved when the ring was made.
            let _ = self.free_ids.push(comp.req_id, GFP_ATOMIC);
            done.packets += 1;
            // The whole packet was mapped (it is linear).
            done.bytes += buffer.packet.len() as u64;
            buffer.packet.into_inner().consume();
        }
        Ok(done)
    }

    /// The packets in flight waiting longer than `timeout_ms`.
    pub(crate) fn late_packets(&self, timeout_ms: i64) -> u32 {
        self.buffers
            .iter()
            .flatten()
            .filter(|b| b.queued.elapsed().as_millis() > timeout_ms)
            .count() as u32
    }
}

/// A received frame, ready for the stack.
pub(crate) struct RxFrame {
    pub(crate) skb: SkBuff,
    pub(crate) len: u32,
    /// The status of the frame's last completion: parse and checksum results.
    pub(crate) status: u32,
    pub(crate) hash: u32,
}

/// Where a frame's part is: buffer, offset, length.
#[derive(Clone, Copy, Default)]
struct Part {
    id: u16,
    offset: u16,
    len: u16,
}

/// The RX half of a queue pair.
pub(crate) struct RxRing {
    pub(crate) rings: Rings<RxDesc, RxCompletion>,
    /// A page per request id, mapped for the device to write.
    buffers: KVec<Mapping<Page>>,
    /// Whether the buffer of each request id is posted.
    posted: KVec<bool>,
    /// The most buffers the device puts a frame in.
    max_bufs: usize,
}

impl RxRing {
    /// Allocates the rings and a mapped page for every descriptor but one
    /// (a full ring would look empty).
    pub(crate) fn new(dev: &Device<Bound>, depth: u16, max_bufs: u16) -> Result<Self> {
        let count = usize::from(depth - 1);
        let mut buffers = KVec::with_capacity(count, GFP_KERNEL)?;
        let mut posted = KVec::with_capacity(count, GFP_KERNEL)?;
        for _ in 0..count {
            let page = Page::alloc_page(GFP_KERNEL)?;
            buffers.push(
                Mapping::new(dev, page, DataDirection::FromDevice)?,
                GFP_KERNEL,
            )?;
            posted.push(false, GFP_KERNEL)?;
        }
        Ok(Self {
            rings: Rings::new(dev, depth)?,
            buffers,
            posted,
            max_bufs: usize::from(max_bufs).clamp(1, MAX_RX_BUFS),
        })
    }

    /// Writes the descriptor that posts buffer `id`.
    fn post(&mut self, id: u16) {
        let addr = self.buffers[usize::from(id)].dma_address();
        let desc = RxDesc::new(PAGE_SIZE as u16, addr, id, self.rings.sq_tail.phase);
        io_project!(self.rings.sq, [panic: self.rings.sq_tail.slot(self.rings.depth)])
            .copy_write(desc);
        self.rings.sq_tail.advance(self.rings.depth);
        self.posted[usize::from(id)] = true;
    }

    /// Posts every buffer (at start) and tells the device.
    pub(crate) fn post_all(&mut self, bar: &Bar0Handle) -> Result {
        for id in 0..self.buffers.len() as u16 {
            self.post(id);
        }
        self.rings.ring_doorbell(bar)
    }

    /// The completion at `pos`, if the device has written it.
    fn completion(&self, pos: RingPos) -> Option<RxCompletion> {
        let slot = pos.slot(self.rings.depth);
        let status = io_read!(self.rings.cq, [panic: slot].status);
        if u8::from(status & rx::PHASE != 0) != pos.phase {
            return None;
        }
        dma_mb(Read);
        Some(io_project!(self.rings.cq, [panic: slot]).copy_read())
    }

    /// Takes the next frame the device wrote, copied into a packet from
    /// `alloc`, and posts its buffers again. `Ok(None)`: no complete frame
    /// yet. A packet that cannot be allocated drops the frame (`Err` of
    /// the inner result, counted by the caller).
    pub(crate) fn receive(
        &mut self,
        alloc: impl FnOnce(u32) -> Result<SkBuff>,
    ) -> Result<Option<Result<RxFrame>>, BadCompletion> {
        let mut parts = [Part::default(); MAX_RX_BUFS];
        let mut count = 0;
        let mut pos = self.rings.cq_head;
        let mut total: u32 = 0;
        let last = loop {
            let Some(comp) = self.completion(pos) else {
                // The rest of the frame is not written yet.
                return Ok(None);
            };
            pos.advance(self.rings.depth);
            let id = usize::from(comp.req_id);
            if !self.posted.get(id).copied().unwrap_or(false) {
                return Err(BadCompletion::RequestId);
            }
            let offset = if count == 0 {
                u16::from(comp.offset)
            } else {
                0
            };
            if count == self.max_bufs || usize::from(offset) + usize::from(comp.length) > PAGE_SIZE
            {
                return Err(BadCompletion::Length);
            }
            // Taken: a second completion of the same frame for it is bad.
            self.posted[id] = false;
            parts[count] = Part {
                id: comp.req_id,
                offset,
                len: comp.length,
            };
            count += 1;
            total += u32::from(comp.length);
            if comp.status & rx::LAST != 0 {
                break comp;
            }
        };
        self.rings.cq_head = pos;

        let frame = alloc(total).and_then(|mut skb| {
            // Every byte is written below (or the packet is dropped).
            let data = skb.put_uninit(total).ok_or(ENOMEM)?;
            let mut at = 0;
            for part in &parts[..count] {
                let len = usize::from(part.len);
                self.buffers[usize::from(part.id)]
                    .read_uninit(usize::from(part.offset), &mut data[at..at + len])?;
                at += len;
            }
            Ok(RxFrame {
                skb,
                len: total,
                status: last.status,
                hash: last.hash,
            })
        });
        for part in &parts[..count] {
            // The device may write the part again.
            let _ = self.buffers[usize::from(part.id)]
                .sync_for_device(usize::from(part.offset), usize::from(part.len));
            self.post(part.id);
        }
        Ok(Some(frame))
    }

    /// Tells the device about the buffers posted since the last call.
    pub(crate) fn notify(&self, bar: &Bar0Handle) -> Result {
        self.rings.ring_doorbell(bar)
    }
}
