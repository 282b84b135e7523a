// SPDX-License-Identifier: GPL-2.0

//! Elastic Network Adapter (ENA), in Rust.
//!
//! A re-implementation of the C driver's (`ena`) basic parts: register
//! reads (readless or plain), the device reset and version checks, the DMA
//! width, the admin queue, feature discovery and configuration, the
//! asynchronous event queue on the management interrupt, the keep-alive
//! watchdog that resets and re-initialises the device when it stops
//! answering, and a network interface with a data path in host placement
//! mode: IO queue pairs created with admin commands, one MSI-X vector and
//! NAPI context per pair, TX with one descriptor per packet, RX into pages
//! copied out to packets, the device's RX checksum result and flow hash.
//! What the device offers and what happened since are shown in debugfs.
//! It matches no device by itself: a function is bound to it with
//! `driver_override`, so the C driver stays the one that drives ENA
//! devices by default.

use core::fmt;
use kernel::{
    debugfs::{Dir, File},
    device::{Bound, Core, Device},
    irq,
    net::netdev,
    pci,
    prelude::*,
    str::CString,
    sync::Arc,
};

mod admin;
mod aenq;
mod datapath;
mod defs;
mod device;
mod io_defs;
mod mmio;
mod netif;
mod queues;
mod regs;
mod ring;

use datapath::{IoIrq, IoVector, QueueStats};
use defs::aenq_group;
use device::{ManagementIrq, Shared, State};
use regs::{Bar0Handle, ResetReason};

/// debugfs `device`: what the device is and offers, from its last bring-up.
struct DeviceView(Arc<Shared>);

impl fmt::Debug for DeviceView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.0.state.lock();
        let info = &state.info;
        let a = &info.attributes;
        let m = a.mac_addr;
        writeln!(
            f,
            "mac: {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )?;
        writeln!(f, "max_mtu: {}", a.max_mtu)?;
        writeln!(f, "version: {}.{}", info.version.0, info.version.1)?;
        let c = info.controller_version;
        writeln!(
            f,
            "controller_version: {}.{}.{} (implementation {})",
            c.1, c.2, c.3, c.0
        )?;
        let readless = if state.readless() { "yes" } else { "no" };
        writeln!(f, "readless: {}", readless)?;
        writeln!(f, "dma_width: {}", info.dma_width)?;
        writeln!(f, "impl_id: {}", a.impl_id)?;
        writeln!(f, "device_version: {:#x}", a.device_version)?;
        writeln!(f, "supported_features: {:#010x}", a.supported_features)?;
        writeln!(f, "capabilities: {:#x}", a.capabilities)?;
        if let Some(q) = &info.queues {
            writeln!(f, "max_tx_queues: {}", q.max_tx_sq_num)?;
            writeln!(f, "max_rx_queues: {}", q.max_rx_sq_num)?;
            writeln!(f, "max_tx_depth: {}", q.max_tx_sq_depth)?;
            writeln!(f, "max_rx_depth: {}", q.max_rx_sq_depth)?;
            writeln!(f, "max_tx_header_size: {}", q.max_tx_header_size)?;
            writeln!(f, "max_tx_descs_per_packet: {}", q.max_per_packet_tx_descs)?;
            writeln!(f, "max_rx_descs_per_packet: {}", q.max_per_packet_rx_descs)?;
        }
        if let Some(o) = &info.offloads {
            writeln!(f, "offloads_tx: {:#x}", o.tx)?;
            writeln!(f, "offloads_rx: {:#x}", o.rx_supported)?;
        }
        match &info.hints {
            Some(h) => {
                writeln!(f, "hint_mmio_read_timeout_ms: {}", h.mmio_read_timeout)?;
                writeln!(f, "hint_driver_watchdog_ms: {}", h.driver_watchdog_timeout)?;
                writeln!(f, "hint_admin_timeout_ms: {}", h.admin_completion_timeout)?;
            }
            None => writeln!(f, "hints: none")?,
        }
        match &info.llq {
            Some(l) => {
                writeln!(f, "llq_max_queues: {}", l.max_llq_num)?;
                writeln!(f, "llq_max_depth: {}", l.max_llq_depth)?;
                writeln!(f, "llq_entry_sizes: {:#x}", l.entry_size_ctrl_supported)?;
            }
            None => writeln!(f, "llq: none")?,
        }
        writeln!(f, "admin_timeout_ms: {}", state.admin.timeout.as_millis())?;
        match state.keep_alive_timeout {
            Some(t) => writeln!(f, "keep_alive_timeout_ms: {}", t.as_millis())?,
            None => writeln!(f, "keep_alive_timeout_ms: none")?,
        }
        writeln!(
            f,
            "aenq_supported_groups: {:#x}",
            info.aenq.supported_groups
        )?;
        writeln!(f, "aenq_enabled_groups: {:#x}", info.aenq.enabled_groups)?;
        let sent = if info.host_info_sent { "yes" } else { "no" };
        writeln!(f, "host_info_sent: {}", sent)?;
        write!(f, "bring_up_time_us: {}", info.bring_up_time_us)
    }
}

/// debugfs `state`: what happened since the last bring-up, and resets.
struct StateView(Arc<Shared>);

impl fmt::Debug for StateView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.0.state.lock();
        let admin = &state.admin.stats;
        writeln!(f, "admin_submitted: {}", admin.submitted)?;
        writeln!(f, "admin_completed: {}", admin.completed)?;
        writeln!(f, "admin_failed: {}", admin.failed)?;
        writeln!(f, "admin_aborted: {}", admin.aborted)?;
        writeln!(f, "admin_timeouts: {}", admin.timeouts)?;
        writeln!(f, "admin_missed_interrupts: {}", admin.missed_interrupts)?;
        writeln!(f, "admin_by_interrupt: {}", admin.by_interrupt)?;
        let mode = if state.admin.interrupt_mode {
            "interrupt"
        } else {
            "polling"
        };
        writeln!(f, "admin_mode: {}", mode)?;
        let events = &state.events;
        for (name, count) in aenq_group::NAMES.iter().zip(events.by_group) {
            writeln!(f, "aenq_{}: {}", name, count)?;
        }
        writeln!(f, "aenq_unknown: {}", events.unknown)?;
        match events.last_keep_alive {
            Some(t) => writeln!(f, "keep_alive_age_ms: {}", t.elapsed().as_millis())?,
            None => writeln!(f, "keep_alive_age_ms: none")?,
        }
        writeln!(f, "rx_drops: {}", events.rx_drops)?;
        writeln!(f, "tx_drops: {}", events.tx_drops)?;
        let link = match events.link_up {
            Some(true) => "up",
            Some(false) => "down",
            None => "unknown",
        };
        writeln!(f, "link: {}", link)?;
        writeln!(f, "resets: {}", state.resets)?;
        match state.last_reset {
            Some(r) => writeln!(f, "last_reset_reason: {:?} ({})", r, r as u32)?,
            None => writeln!(f, "last_reset_reason: none")?,
        }
        write!(f, "failed: {}", if state.failed { "yes" } else { "no" })
    }
}

/// debugfs `basic_stats`: the device's traffic counters, asked for with an
/// admin command at each read.
struct StatsView(Arc<Shared>);

impl fmt::Debug for StatsView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 6] = [
            "tx_bytes",
            "tx_packets",
            "rx_bytes",
            "rx_packets",
            "rx_drops",
            "tx_drops",
        ];
        match self.0.basic_stats() {
            Ok(stats) => {
                for (i, name) in NAMES.iter().enumerate() {
                    writeln!(f, "{}: {}", name, stats.get(i))?;
                }
                write!(f, "status: ok")
            }
            Err(e) => write!(f, "status: {:?}", e),
        }
    }
}

/// The most IO queue pairs the driver uses.
const MAX_QUEUE_PAIRS: u32 = 8;

/// RX offloads the device may offer (`STATELESS_OFFLOAD`): checksums
/// (IPv4 header, L4 over IPv4 and IPv6) and the flow hash.
const RX_OFFLOAD_CSUM: u32 = 0x7;
const RX_OFFLOAD_HASH: u32 = 1 << 3;

/// TX offloads the device may offer: completing an L4 checksum over IPv4
/// and IPv6 from the pseudo-header's sum (`CHECKSUM_PARTIAL`).
const TX_OFFLOAD_L4_IPV4_PARTIAL: u32 = 1 << 1;
const TX_OFFLOAD_L4_IPV6_PARTIAL: u32 = 1 << 3;

/// debugfs `queues`: each queue pair's counters.
struct QueuesView(KVec<Arc<QueueStats>>);

impl fmt::Debug for QueuesView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use kernel::sync::atomic::Relaxed;
        for (i, q) in self.0.iter().enumerate() {
            let counters = [
                ("tx_packets", &q.tx_packets),
                ("tx_bytes", &q.tx_bytes),
                ("tx_dropped", &q.tx_dropped),
                ("tx_queue_stops", &q.tx_queue_stops),
                ("tx_csum_offload", &q.tx_csum_offload),
                ("tx_csum_software", &q.tx_csum_software),
                ("rx_packets", &q.rx_packets),
                ("rx_bytes", &q.rx_bytes),
                ("rx_dropped", &q.rx_dropped),
                ("rx_csum_good", &q.rx_csum_good),
                ("rx_csum_bad", &q.rx_csum_bad),
                ("interrupts", &q.interrupts),
                ("polls", &q.polls),
            ];
            for (name, value) in counters {
                writeln!(f, "queue_{}_{}: {}", i, name, value.load(Relaxed))?;
            }
        }
        Ok(())
    }
}

/// A bound ENA function.
#[pin_data]
struct EnaRust<'bound> {
    /// Freed first: nothing schedules a poll any more.
    io_irqs: KVec<Pin<KBox<irq::Registration<'bound, IoIrq>>>>,
    /// Unregistered next: the stack stops calling the driver.
    netif: netdev::Registration<'bound, netif::NetIf>,
    // Dropped first: debugfs must be gone before what it shows.
    _debugfs: Dir,
    #[pin]
    _device: File<DeviceView>,
    #[pin]
    _state: File<StateView>,
    #[pin]
    _basic_stats: File<StatsView>,
    #[pin]
    _queues: File<QueuesView>,
    /// Freed before the vectors it uses.
    #[pin]
    irq: irq::ThreadedRegistration<'bound, ManagementIrq>,
    vectors: pci::IrqVectorRegistration<'bound>,
    shared: Arc<Shared>,
}

kernel::pci_device_table!(PCI_TABLE, <EnaRustDriver as pci::Driver>::IdInfo, []);

struct EnaRustDriver;

impl pci::Driver for EnaRustDriver {
    type IdInfo = ();
    type Data<'bound> = EnaRust<'bound>;

    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;

    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        pin_init::pin_init_scope(move || {
            pdev.enable_device_mem()?;
            pdev.set_master();
            let bar = pdev.iomap_region_sized::<{ regs::BAR0_SIZE }>(0, c"ena_rust")?;
            let bar = Bar0Handle::new(bar)?;
            let state = State::new(pdev, &bar)?;
            let shared = Arc::pin_init(Shared::new(pdev.into(), bar, state), GFP_KERNEL)?;
            // On failure from here on, dropping `shared` stops the device.
            if let Err(e) = shared
                .state
                .lock()
                .bring_up(&shared.bar, ResetReason::Normal)
            {
                dev_err!(pdev, "device initialisation failed: {:?}\n", e);
                return Err(e);
            }
            let mac = shared.state.lock().info.attributes.mac_addr;
            dev_info!(
                pdev,
                "ENA found, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, admin queue ready\n",
                mac[0],
                mac[1],
                mac[2],
                mac[3],
                mac[4],
                mac[5]
            );

            // Vector 0 is the management interrupt, vector i + 1 queue pair i.
            let pairs = {
                let state = shared.state.lock();
                let q = state.info.queues.as_ref().ok_or(ENODEV)?;
                let cpus = kernel::cpu::nr_cpu_ids();
                q.max_tx_sq_num
                    .min(q.max_rx_sq_num)
                    .min(cpus)
                    .clamp(1, MAX_QUEUE_PAIRS)
            };
            let msix = pci::IrqTypes::default().with(pci::IrqType::MsiX);
            let vectors = pdev.alloc_irq_vectors(2, 1 + pairs, msix)?;
            let pairs = vectors.len() - 1;
            // The interface and the interrupt handlers hold the vectors,
            // debugfs the counters.
            let mut view = KVec::with_capacity(pairs, GFP_KERNEL)?;
            let mut io_vectors = KVec::with_capacity(pairs, GFP_KERNEL)?;
            let mut handlers = KVec::with_capacity(pairs, GFP_KERNEL)?;
            for _ in 0..pairs {
                let counters = Arc::new(QueueStats::new(), GFP_KERNEL)?;
                let vector = IoVector::new(counters.clone())?;
                handlers.push(IoIrq(vector.clone()), GFP_KERNEL)?;
                io_vectors.push(vector, GFP_KERNEL)?;
                view.push(counters, GFP_KERNEL)?;
            }
            let name = CString::try_from_fmt(fmt!("ena_rust-{}", pdev.as_ref().name()))?;
            let debugfs = Dir::new(&name);
            Ok(try_pin_init!(EnaRust {
                vectors,
                irq <- {
                    // SAFETY: `vectors` is a field of the pinned driver data,
                    // initialised above and dropped after `irq` (field
                    // order), so it outlives the registration made from it.
                    let vectors: &'bound pci::IrqVectorRegistration<'bound> =
                        unsafe { &*core::ptr::from_ref(vectors) };
                    let request = vectors.index(0)?.into();
                    let handler = Ok::<_, Error>(ManagementIrq(shared.clone()));
                    // SAFETY: The registration is a pinned field of the
                    // driver data, which is dropped, never forgotten.
                    unsafe {
                        irq::ThreadedRegistration::new(
                            request,
                            irq::Flags::TRIGGER_NONE,
                            c"ena_rust-mgmnt",
                            handler,
                        )
                    }
                },
                _device <- debugfs.read_only_file(c"device", DeviceView(shared.clone())),
                _state <- debugfs.read_only_file(c"state", StateView(shared.clone())),
                _basic_stats <- debugfs.read_only_file(c"basic_stats", StatsView(shared.clone())),
                _queues <- debugfs.read_only_file(c"queues", QueuesView(view)),
                _debugfs: debugfs,
                shared: shared.clone(),
                _: {
                    shared.start()?;
                },
                netif: {
                    let (mac, max_mtu, rx_offloads, tx_offloads) = {
                        let info = &shared.state.lock().info;
                        let rx = info.offloads.map_or(0, |o| o.rx_supported);
                        let tx = info.offloads.map_or(0, |o| o.tx);
                        (info.attributes.mac_addr, info.attributes.max_mtu, rx, tx)
                    };
                    let mut features = netdev::Features::NONE;
                    if rx_offloads & RX_OFFLOAD_CSUM != 0 {
                        features = features | netdev::Features::RXCSUM;
                    }
                    if rx_offloads & RX_OFFLOAD_HASH != 0 {
                        features = features | netdev::Features::RXHASH;
                    }
                    if tx_offloads & TX_OFFLOAD_L4_IPV4_PARTIAL != 0 {
                        features = features | netdev::Features::IP_CSUM;
                    }
                    if tx_offloads & TX_OFFLOAD_L4_IPV6_PARTIAL != 0 {
                        features = features | netdev::Features::IPV6_CSUM;
                    }
                    let opts = netdev::Options {
                        tx_queues: pairs as u32,
                        rx_queues: pairs as u32,
                        mac,
                        min_mtu: netif::MIN_MTU,
                        max_mtu,
                        mtu: max_mtu.min(1500),
                    };
                    let parent: &'bound Device<Bound> = pdev.as_ref();
                    let netif = netif::NetIf::new(
                        shared.clone(),
                        pdev.into(),
                        io_vectors,
                        features,
                    )?;
                    let reg = netdev::Registration::new(parent, netif.clone(), &opts)?;
                    shared.attach_netif(reg.device().into(), netif);
                    reg
                },
                io_irqs: {
                    // SAFETY: As for `irq` above: `vectors` outlives the
                    // registrations made from it.
                    let vectors: &'bound pci::IrqVectorRegistration<'bound> =
                        unsafe { &*core::ptr::from_ref(vectors) };
                    let mut irqs = KVec::with_capacity(handlers.len(), GFP_KERNEL)?;
                    for (i, handler) in handlers.into_iter().enumerate() {
                        let request = vectors.index(i + 1)?.into();
                        let handler = Ok::<_, Error>(handler);
                        // SAFETY: The registration is pinned in a box owned
                        // by the driver data, which is dropped, never
                        // forgotten.
                        let init = unsafe {
                            irq::Registration::new(
                                request,
                                irq::Flags::TRIGGER_NONE,
                                c"ena_rust-io",
                                handler,
                            )
                        };
                        irqs.push(KBox::pin_init(init, GFP_KERNEL)?, GFP_KERNEL)?;
                    }
                    irqs
                },
            }))
        })
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        // Stop the watchdog and the device's DMA before the rings go.
        match this.shared.stop() {
            Ok(()) => dev_info!(pdev, "device reset, unbound\n"),
            Err(e) => dev_warn!(pdev, "reset at unbind failed: {:?}\n", e),
        }
        // The interface is unregistered next, which waits for this reference.
        this.shared.detach_netif();
    }
}

kernel::module_pci_driver! {
    type: EnaRustDriver,
    name: "ena_rust",
    authors: ["Seed c0785ef3 maintainers"],
    description: "Elastic Network Adapter (ENA) driver in Rust",
    license: "GPL v2",
}
