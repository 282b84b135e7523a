// SPDX-License-Identifier: GPL-2.0

//! The data path: IO queue pairs, their interrupts and NAPI polls.
//!
//! Queue pair `i` is a TX and an RX submission queue with a completion
//! queue each, created on the device with admin commands when the
//! interface opens and destroyed when it stops. Both completion queues
//! raise MSI-X vector `i + 1`. The device masks a vector when it raises it;
//! the interrupt handler schedules the pair's NAPI context, whose poll
//! frees completed TX packets, passes received frames to the stack and,
//! when it is done, unmasks the vector again through the RX completion
//! queue's unmask register.
//!
//! The interrupt handlers live as long as the driver is bound; a pair and
//! its NAPI context live from open to stop. A handler finds its pair (if
//! any) in its [`IoVector`].

use kernel::{
    device::{Bound, Device},
    io::Io,
    irq::{self, IrqReturn},
    net::{
        napi::{Napi, Poll, Polled},
        netdev,
        packet::RxHash,
    },
    new_spinlock, new_spinlock_irq,
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, MutexGuard, SpinLock, SpinLockIrq,
    },
};

use crate::{
    defs::AqEntry,
    device::{Shared, State},
    io_defs::{self, rx, Direction, RX_CQ_ENTRY_WORDS, TX_CQ_ENTRY_WORDS},
    queues::{BadCompletion, RingLayout, RxRing, Sent, TxRing},
    regs::ResetReason,
};

/// Ring depth when the device allows it (the C driver's default).
const DEFAULT_DEPTH: u32 = 1024;

/// TX completions a poll frees at most.
const TX_BUDGET: u32 = 256;

/// Descriptors a packet takes at most: the TX queue stops below this room.
const TX_WAKE_ROOM: u16 = 2;

/// Counters of one queue pair, kept across restarts of the data path.
pub(crate) struct QueueStats {
    pub(crate) tx_packets: Atomic<u64>,
    pub(crate) tx_bytes: Atomic<u64>,
    pub(crate) tx_dropped: Atomic<u64>,
    pub(crate) tx_queue_stops: Atomic<u64>,
    /// Packets whose L4 checksum the device completed.
    pub(crate) tx_csum_offload: Atomic<u64>,
    /// Packets whose L4 checksum was left to the device, but which it
    /// could not be told about: computed in software.
    pub(crate) tx_csum_software: Atomic<u64>,
    pub(crate) rx_packets: Atomic<u64>,
    pub(crate) rx_bytes: Atomic<u64>,
    /// Frames dropped by the driver: no memory for a packet, or too short.
    pub(crate) rx_dropped: Atomic<u64>,
    pub(crate) rx_csum_bad: Atomic<u64>,
    pub(crate) rx_csum_good: Atomic<u64>,
    pub(crate) polls: Atomic<u64>,
    pub(crate) interrupts: Atomic<u64>,
}

impl QueueStats {
    pub(crate) fn new() -> Self {
        Self {
            tx_packets: Atomic::new(0),
            tx_bytes: Atomic::new(0),
            tx_dropped: Atomic::new(0),
            tx_queue_stops: Atomic::new(0),
            tx_csum_offload: Atomic::new(0),
            tx_csum_software: Atomic::new(0),
            rx_packets: Atomic::new(0),
            rx_bytes: Atomic::new(0),
            rx_dropped: Atomic::new(0),
            rx_csum_bad: Atomic::new(0),
            rx_csum_good: Atomic::new(0),
            polls: Atomic::new(0),
            interrupts: Atomic::new(0),
        }
    }
}

/// What one poll received, before it goes into the pair's counters.
#[derive(Default)]
struct RxCounts {
    packets: u64,
    bytes: u64,
    dropped: u64,
    csum_good: u64,
    csum_bad: u64,
}

/// Adds `n` to a counter only one context writes at a time.
fn add(counter: &Atomic<u64>, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// The rings of a queue pair, as its NAPI context polls them.
#[pin_data]
pub(crate) struct PairQueues {
    index: u16,
    /// Taken by the sender, the poll and the watchdog (process context):
    /// interrupts off, so that a poll never spins on it over the watchdog
    /// it interrupted.
    #[pin]
    tx: SpinLockIrq<TxRing>,
    #[pin]
    rx: SpinLock<RxRing>,
    stats: Arc<QueueStats>,
    shared: Arc<Shared>,
    /// The RX completion queue's interrupt unmask register, once created.
    unmask: Atomic<usize>,
}

/// A queue pair: its rings under its NAPI context.
pub(crate) type QueuePair = Napi<PairQueues>;

impl PairQueues {
    /// Frees completed TX packets and wakes the TX queue if it has room.
    fn clean_tx(&self, dev: &netdev::Device) {
        let mut tx = self.tx.lock();
        match tx.clean(TX_BUDGET) {
            Ok(done) => {
                // Only the poll writes these two (the sender counts drops).
                add(&self.stats.tx_packets, done.packets);
                add(&self.stats.tx_bytes, done.bytes);
            }
            Err(BadCompletion::RequestId | BadCompletion::Length) => {
                self.shared.request_reset(ResetReason::InvalidTxRequestId);
            }
        }
        let queue = u32::from(self.index);
        if dev.tx_queue_stopped(queue) && tx.room() >= TX_WAKE_ROOM {
            dev.wake_tx_queue(queue);
        }
    }

    /// Passes up to `budget` received frames to the stack.
    fn receive(&self, napi: &Polled<'_, Self>, budget: i32) -> i32 {
        let dev = napi.device();
        // Counted here, added to the pair's counters once per poll.
        let mut count = RxCounts::default();
        // What `ethtool -K` left on.
        let features = dev.features();
        let rx_csum = features.contains(netdev::Features::RXCSUM);
        let rx_hash = features.contains(netdev::Features::RXHASH);
        let mut rx = self.rx.lock();
        let mut done = 0;
        let mut bad = None;
        while done < budget {
            let frame = match rx.receive(|len| napi.alloc_skb(len)) {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    bad = Some(e);
                    break;
                }
            };
            done += 1;
            let Ok(mut frame) = frame else {
                count.dropped += 1;
                continue;
            };
            if frame.len < 14 {
                count.dropped += 1;
                continue;
            }
            count.packets += 1;
            count.bytes += u64::from(frame.len);
            let skb = &mut frame.skb;
            skb.set_protocol_eth(dev);
            if rx_csum {
                match Self::set_checksum(skb, frame.status) {
                    Some(true) => count.csum_good += 1,
                    Some(false) => count.csum_bad += 1,
                    None => (),
                }
            }
            if rx_hash && frame.hash != 0 {
                let kind = if rx::l4_tcp_or_udp(frame.status) {
                    RxHash::L4
                } else {
                    RxHash::L3
                };
                skb.set_hash(frame.hash, kind);
            }
            skb.record_rx_queue(self.index);
            napi.gro_receive(frame.skb);
        }
        if done > 0 {
            let _ = rx.notify(&self.shared.bar);
        }
        drop(rx);
        add(&self.stats.rx_packets, count.packets);
        add(&self.stats.rx_bytes, count.bytes);
        add(&self.stats.rx_dropped, count.dropped);
        add(&self.stats.rx_csum_good, count.csum_good);
        add(&self.stats.rx_csum_bad, count.csum_bad);
        if let Some(e) = bad {
            let reason = match e {
                BadCompletion::RequestId => ResetReason::InvalidRxRequestId,
                BadCompletion::Length => ResetReason::TooManyRxDescriptors,
            };
            self.shared.request_reset(reason);
        }
        done
    }

    /// Sets what the device found of the frame's checksums, as the C
    /// driver reads them: a bad IPv4 header or L4 checksum is left for the
    /// stack to find; a good L4 checksum of an unfragmented frame is
    /// trusted. Whether the device found them good, if it checked.
    fn set_checksum(skb: &mut netdev::SkBuff, status: u32) -> Option<bool> {
        let l3 = status & rx::L3_PROTO_MASK;
        if l3 == rx::L3_PROTO_IPV4 && status & rx::L3_CSUM_ERR != 0 {
            return Some(false);
        }
        if rx::l4_tcp_or_udp(status)
            && status & rx::IPV4_FRAG == 0
            && status & rx::L4_CSUM_CHECKED != 0
        {
            if status & rx::L4_CSUM_ERR != 0 {
                return Some(false);
            }
            skb.set_csum_unnecessary();
            return Some(true);
        }
        None
    }

    /// Lets the device raise the pair's vector again.
    fn unmask(&self) {
        let _ = self
            .shared
            .bar
            .with(|bar| bar.try_write32(io_defs::INTR_UNMASK, self.unmask.load(Relaxed)));
    }
}

impl Poll for PairQueues {
    fn poll(napi: &Polled<'_, Self>, budget: i32) -> i32 {
        let queues = napi.data();
        add(&queues.stats.polls, 1);
        queues.clean_tx(napi.device());
        if budget <= 0 {
            // netpoll: TX only.
            return 0;
        }
        let done = queues.receive(napi, budget);
        if done < budget && napi.complete_done(done) {
            queues.unmask();
        }
        done
    }
}

/// An IO interrupt vector and the pair it serves while the data path runs.
#[pin_data]
pub(crate) struct IoVector {
    #[pin]
    pair: SpinLockIrq<Option<Arc<QueuePair>>>,
    /// The pair's counters, which outlive the pair.
    pub(crate) stats: Arc<QueueStats>,
}

impl IoVector {
    pub(crate) fn new(stats: Arc<QueueStats>) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                pair <- new_spinlock_irq!(None),
                stats,
            }? Error),
            GFP_KERNEL,
        )
    }

    /// The pair served now, if the data path runs.
    pub(crate) fn pair(&self) -> Option<Arc<QueuePair>> {
        self.pair.lock().clone()
    }
}

/// The handler of an IO vector: schedules its pair's poll.
pub(crate) struct IoIrq(pub(crate) Arc<IoVector>);

impl irq::Handler for IoIrq {
    fn handle(&self) -> IrqReturn {
        self.0.stats.interrupts.fetch_add(1, Relaxed);
        if let Some(pair) = &*self.0.pair.lock() {
            pair.schedule();
        }
        IrqReturn::Handled
    }
}

/// Where one pair's queues are on the device.
#[derive(Default, Clone, Copy)]
struct DeviceQueues {
    tx_cq: Option<u16>,
    tx_sq: Option<u16>,
    rx_cq: Option<u16>,
    rx_sq: Option<u16>,
}

/// The running data path: every pair, created on the device.
pub(crate) struct DataPath {
    pairs: KVec<Arc<QueuePair>>,
    on_device: KVec<DeviceQueues>,
}

/// How deep the rings are: the driver's default, within what the device
/// takes (a power of 2).
fn depth(max: u32) -> u16 {
    let depth = DEFAULT_DEPTH.min(max).max(8);
    (1u32 << (31 - depth.leading_zeros())) as u16
}

impl DataPath {
    /// Creates every pair's queues on the device, posts the RX buffers and
    /// lets the vectors schedule the polls. On failure, what was made is
    /// undone.
    pub(crate) fn start(
        shared: &Arc<Shared>,
        bound: &Device<Bound>,
        dev: &netdev::Device,
        vectors: &[Arc<IoVector>],
    ) -> Result<Self> {
        let mut path = Self {
            pairs: KVec::new(),
            on_device: KVec::new(),
        };
        if let Err(e) = path.build(shared, bound, dev, vectors) {
            path.stop(shared, vectors, true);
            return Err(e);
        }
        for (pair, vector) in path.pairs.iter().zip(vectors) {
            pair.enable();
            *vector.pair.lock() = Some(pair.clone());
            pair.data().unmask();
        }
        Ok(path)
    }

    fn build(
        &mut self,
        shared: &Arc<Shared>,
        bound: &Device<Bound>,
        dev: &netdev::Device,
        vectors: &[Arc<IoVector>],
    ) -> Result {
        let (tx_depth, rx_depth, max_rx_bufs) = {
            let state = shared.state.lock();
            match &state.info.queues {
                Some(q) => (
                    depth(q.max_tx_sq_depth.min(q.max_tx_cq_depth)),
                    depth(q.max_rx_sq_depth.min(q.max_rx_cq_depth)),
                    q.max_per_packet_rx_descs,
                ),
                None => return Err(ENODEV),
            }
        };
        self.pairs.reserve(vectors.len(), GFP_KERNEL)?;
        self.on_device.reserve(vectors.len(), GFP_KERNEL)?;
        for (i, vector) in vectors.iter().enumerate() {
            let tx = TxRing::new(bound, tx_depth)?;
            let rx = RxRing::new(bound, rx_depth, max_rx_bufs)?;
            let (tx_layout, rx_layout) = (tx.rings.layout(), rx.rings.layout());
            let queues = try_pin_init!(PairQueues {
                index: i as u16,
                tx <- new_spinlock_irq!(tx, "ena_rust::tx"),
                rx <- new_spinlock!(rx, "ena_rust::rx"),
                stats: vector.stats.clone(),
                shared: shared.clone(),
                unmask: Atomic::new(0),
            }? Error);
            let pair = Arc::pin_init(Napi::new(dev, queues), GFP_KERNEL)?;
            // From here on the rings are freed only after the queues made on
            // the device are destroyed (`stop`), or the device is reset.
            self.pairs.push(pair.clone(), GFP_KERNEL)?;
            self.on_device.push(DeviceQueues::default(), GFP_KERNEL)?;
            let made = {
                let mut state = shared.state.lock();
                let on_device = &mut self.on_device[i];
                let vector = i as u32 + 1;
                create_queues(shared, &mut state, vector, tx_layout, rx_layout, on_device)?
            };
            let queues = pair.data();
            queues.tx.lock().rings.doorbell = made.tx_doorbell;
            queues.unmask.store(made.unmask, Relaxed);
            let mut rx = queues.rx.lock();
            rx.rings.doorbell = made.rx_doorbell;
            rx.post_all(&shared.bar)?;
        }
        Ok(())
    }

    /// Sends `skb` on `pair`; a packet it cannot send is dropped and
    /// counted.
    pub(crate) fn transmit(
        pair: &QueuePair,
        bound: &Device<Bound>,
        dev: &netdev::Device,
        skb: netdev::SkBuff,
    ) {
        let queues = pair.data();
        let mut tx = queues.tx.lock();
        let sent = tx.send(bound, &queues.shared.bar, skb);
        if tx.room() < TX_WAKE_ROOM {
            // The poll wakes it when completions make room (under the lock).
            dev.stop_tx_queue(u32::from(queues.index));
            queues.stats.tx_queue_stops.fetch_add(1, Relaxed);
        }
        let counter = match sent {
            Ok(Sent::Plain) => return,
            Ok(Sent::ChecksumOffloaded) => &queues.stats.tx_csum_offload,
            Ok(Sent::ChecksumInSoftware) => &queues.stats.tx_csum_software,
            Err(_) => &queues.stats.tx_dropped,
        };
        counter.fetch_add(1, Relaxed);
    }

    /// Stops the polls and, if `destroy`, the queues on the device (not
    /// after a reset, which destroyed them). The rings are freed when the
    /// data path is dropped, which must come after the device stopped
    /// using them.
    pub(crate) fn stop(&mut self, shared: &Arc<Shared>, vectors: &[Arc<IoVector>], destroy: bool) {
        for (pair, vector) in self.pairs.iter().zip(vectors) {
            vector.pair.lock().take();
            pair.disable();
        }
        if !destroy {
            return;
        }
        let mut state = shared.state.lock();
        let mut failed = false;
        for q in self.on_device.iter_mut() {
            failed |= destroy_queues(shared, &mut state, q).is_err();
        }
        drop(state);
        if failed {
            // The device may still use the rings: reset it before they go.
            shared.reset_now(ResetReason::Generic);
        }
    }

    /// The number of pairs running.
    pub(crate) fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// The packets waiting longer than `timeout_ms` for their completion.
    pub(crate) fn late_tx_packets(&self, timeout_ms: i64) -> u32 {
        self.pairs
            .iter()
            .map(|p| p.data().tx.lock().late_packets(timeout_ms))
            .sum()
    }
}

/// What the device gave for a pair's queues.
struct MadeQueues {
    tx_doorbell: usize,
    rx_doorbell: usize,
    /// The RX completion queue's interrupt unmask register.
    unmask: usize,
}

/// Creates a pair's completion and submission queues on the device, TX
/// then RX, recording each in `q` as it is made.
fn create_queues(
    shared: &Shared,
    state: &mut MutexGuard<'_, State>,
    vector: u32,
    tx: RingLayout,
    rx: RingLayout,
    q: &mut DeviceQueues,
) -> Result<MadeQueues> {
    let cmd = AqEntry::create_cq(tx.depth, TX_CQ_ENTRY_WORDS, vector, tx.cq);
    let cq = shared.execute(state, cmd)?.cq_created()?;
    q.tx_cq = Some(cq.cq_idx);
    let cmd = AqEntry::create_sq(Direction::Tx, cq.cq_idx, tx.depth, tx.sq);
    let tx_sq = shared.execute(state, cmd)?.sq_created()?;
    q.tx_sq = Some(tx_sq.sq_idx);

    let cmd = AqEntry::create_cq(rx.depth, RX_CQ_ENTRY_WORDS, vector, rx.cq);
    let rx_cq = shared.execute(state, cmd)?.cq_created()?;
    q.rx_cq = Some(rx_cq.cq_idx);
    let cmd = AqEntry::create_sq(Direction::Rx, rx_cq.cq_idx, rx.depth, rx.sq);
    let rx_sq = shared.execute(state, cmd)?.sq_created()?;
    q.rx_sq = Some(rx_sq.sq_idx);
    Ok(MadeQueues {
        tx_doorbell: tx_sq.doorbell_offset as usize,
        rx_doorbell: rx_sq.doorbell_offset as usize,
        unmask: rx_cq.unmask_offset as usize,
    })
}

/// Destroys what `create_queues` made of a pair, submission queues first.
fn destroy_queues(
    shared: &Shared,
    state: &mut MutexGuard<'_, State>,
    q: &mut DeviceQueues,
) -> Result {
    let mut result = Ok(());
    let commands = [
        q.tx_sq
            .take()
            .map(|i| AqEntry::destroy_sq(Direction::Tx, i)),
        q.rx_sq
            .take()
            .map(|i| AqEntry::destroy_sq(Direction::Rx, i)),
        q.tx_cq.take().map(AqEntry::destroy_cq),
        q.rx_cq.take().map(AqEntry::destroy_cq),
    ];
    for cmd in commands.into_iter().flatten() {
        if let Err(e) = shared.execute(state, cmd) {
            result = Err(e);
        }
    }
    result
}
