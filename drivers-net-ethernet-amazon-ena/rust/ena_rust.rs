// SPDX-License-Identifier: GPL-2.0

//! Elastic Network Adapter (ENA): the management plane, in Rust.
//!
//! A re-implementation of what the C driver (`ena`) does from probe until it
//! would register a network interface: register reads (readless or plain),
//! the device reset and version checks, the DMA width, the admin queue,
//! feature discovery and configuration, the asynchronous event queue on the
//! management interrupt, and the keep-alive watchdog that resets and
//! re-initialises the device when it stops answering. What the device offers
//! and what happened since are shown in debugfs. It registers no network
//! interface, and it matches no device by itself: a function is bound to it
//! with `driver_override`, so the C driver stays the one that drives ENA
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
mod defs;
mod device;
mod mmio;
mod netif;
mod regs;
mod ring;

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

/// A bound ENA function.
#[pin_data]
struct EnaRust<'bound> {
    /// Unregistered first: the stack stops calling the driver.
    netif: netdev::Registration<'bound, netif::NetIf>,
    // Dropped first: debugfs must be gone before what it shows.
    _debugfs: Dir,
    #[pin]
    _device: File<DeviceView>,
    #[pin]
    _state: File<StateView>,
    #[pin]
    _basic_stats: File<StatsView>,
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

            let msix = pci::IrqTypes::default().with(pci::IrqType::MsiX);
            let vectors = pdev.alloc_irq_vectors(1, 1, msix)?;
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
                _debugfs: debugfs,
                shared: shared.clone(),
                _: {
                    shared.start()?;
                },
                netif: {
                    let (mac, max_mtu) = {
                        let attributes = &shared.state.lock().info.attributes;
                        (attributes.mac_addr, attributes.max_mtu)
                    };
                    let opts = netdev::Options {
                        tx_queues: 1,
                        rx_queues: 1,
                        mac,
                        min_mtu: netif::MIN_MTU,
                        max_mtu,
                        mtu: max_mtu.min(1500),
                    };
                    let parent: &'bound Device<Bound> = pdev.as_ref();
                    let reg = netdev::Registration::new(
                        parent,
                        netif::NetIf::new(shared.clone())?,
                        &opts,
                    )?;
                    shared.attach_netif(reg.device().into());
                    reg
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
    description: "Elastic Network Adapter (ENA) management plane in Rust",
    license: "GPL v2",
}
