// SPDX-License-Identifier: GPL-2.0

//! Elastic Network Adapter (ENA): the management plane, in Rust.
//!
//! A re-implementation of what the C driver (`ena`) does from probe until it
//! would register a network interface: register reads (readless or plain),
//! the device reset and version checks, the DMA width, the admin queue and
//! feature discovery. What the device offers is shown in debugfs. It
//! registers no network interface, and it matches no device by itself: a
//! function is bound to it with `driver_override`, so the C driver stays the
//! one that drives ENA devices by default.

use core::fmt;
use kernel::{
    debugfs::{Dir, File},
    device::Core,
    dma::{Device as _, DmaMask},
    io::{poll::read_poll_timeout, Io},
    new_mutex, pci,
    prelude::*,
    str::CString,
    sync::Mutex,
    time::{Delta, Instant, Monotonic},
};

mod admin;
mod defs;
mod mmio;
mod regs;

use admin::{AdminQueue, AdminStats};
use defs::{feature, DeviceAttributes, HwHints, Llq, MaxQueuesExt, Offloads};
use mmio::RegisterReader;
use regs::{offset, Bar0, ResetReason};

/// Bit 0 of the PCI revision id: the device does not offer readless reads.
const REVISION_NO_READLESS: u8 = 1 << 0;

/// What the driver learnt from the device, as debugfs shows it.
#[derive(Default)]
struct DeviceInfo {
    readless: bool,
    version: (u8, u8),
    controller_version: (u8, u8, u8, u8),
    dma_width: u8,
    attributes: DeviceAttributes,
    queues: Option<MaxQueuesExt>,
    hints: Option<HwHints>,
    offloads: Option<Offloads>,
    llq: Option<Llq>,
    admin: AdminStats,
    probe_time_us: i64,
}

impl fmt::Debug for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.attributes;
        let m = a.mac_addr;
        writeln!(
            f,
            "mac: {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )?;
        writeln!(f, "max_mtu: {}", a.max_mtu)?;
        writeln!(f, "version: {}.{}", self.version.0, self.version.1)?;
        let c = self.controller_version;
        writeln!(
            f,
            "controller_version: {}.{}.{} (implementation {})",
            c.1, c.2, c.3, c.0
        )?;
        writeln!(f, "readless: {}", if self.readless { "yes" } else { "no" })?;
        writeln!(f, "dma_width: {}", self.dma_width)?;
        writeln!(f, "impl_id: {}", a.impl_id)?;
        writeln!(f, "device_version: {:#x}", a.device_version)?;
        writeln!(f, "supported_features: {:#010x}", a.supported_features)?;
        writeln!(f, "capabilities: {:#x}", a.capabilities)?;
        if let Some(q) = &self.queues {
            writeln!(f, "max_tx_queues: {}", q.max_tx_sq_num)?;
            writeln!(f, "max_rx_queues: {}", q.max_rx_sq_num)?;
            writeln!(f, "max_tx_depth: {}", q.max_tx_sq_depth)?;
            writeln!(f, "max_rx_depth: {}", q.max_rx_sq_depth)?;
            writeln!(f, "max_tx_header_size: {}", q.max_tx_header_size)?;
            writeln!(f, "max_tx_descs_per_packet: {}", q.max_per_packet_tx_descs)?;
            writeln!(f, "max_rx_descs_per_packet: {}", q.max_per_packet_rx_descs)?;
        }
        if let Some(o) = &self.offloads {
            writeln!(f, "offloads_tx: {:#x}", o.tx)?;
            writeln!(f, "offloads_rx: {:#x}", o.rx_supported)?;
        }
        if let Some(h) = &self.hints {
            writeln!(f, "hint_mmio_read_timeout_ms: {}", h.mmio_read_timeout)?;
            writeln!(f, "hint_driver_watchdog_ms: {}", h.driver_watchdog_timeout)?;
            writeln!(f, "hint_admin_timeout_ms: {}", h.admin_completion_timeout)?;
        }
        if let Some(l) = &self.llq {
            writeln!(f, "llq_max_queues: {}", l.max_llq_num)?;
            writeln!(f, "llq_max_depth: {}", l.max_llq_depth)?;
            writeln!(f, "llq_entry_sizes: {:#x}", l.entry_size_ctrl_supported)?;
        }
        writeln!(f, "admin_submitted: {}", self.admin.submitted)?;
        writeln!(f, "admin_completed: {}", self.admin.completed)?;
        writeln!(f, "admin_failed: {}", self.admin.failed)?;
        writeln!(f, "admin_timeouts: {}", self.admin.timeouts)?;
        write!(f, "probe_time_us: {}", self.probe_time_us)
    }
}

/// A bound ENA function.
#[pin_data]
struct EnaRust<'bound> {
    pdev: &'bound pci::Device,
    // Dropped first: debugfs must be gone before what it shows.
    _debugfs: Dir,
    #[pin]
    _info: File<DeviceInfo>,
    admin: AdminQueue,
    #[pin]
    registers: Mutex<RegisterReader>,
    bar: Bar0<'bound>,
}

/// Waits until `DEV_STS.reset_in_progress` is `in_progress`.
fn wait_reset_state(
    registers: &mut RegisterReader,
    bar: &Bar0<'_>,
    in_progress: bool,
    timeout: Delta,
) -> Result {
    read_poll_timeout(
        || {
            registers
                .read(bar, offset::DEV_STS)
                .map(regs::DEV_STS::from_raw)
        },
        |sts| sts.reset_in_progress() == in_progress,
        Delta::from_millis(1),
        timeout,
    )?;
    Ok(())
}

/// Resets the device, telling it why; returns the admin command timeout it asks for.
fn reset_device(
    registers: &mut RegisterReader,
    bar: &Bar0<'_>,
    reason: ResetReason,
) -> Result<Delta> {
    let sts = regs::DEV_STS::from_raw(registers.read(bar, offset::DEV_STS)?);
    if !sts.ready() {
        return Err(EINVAL);
    }
    let caps = regs::CAPS::from_raw(registers.read(bar, offset::CAPS)?);
    let timeout = caps.reset_timeout().get();
    if timeout == 0 {
        return Err(EINVAL);
    }
    let timeout = Delta::from_millis(100 * i64::from(timeout));

    bar.write_reg(
        regs::DEV_CTL::zeroed()
            .with_dev_reset(true)
            .try_with_reset_reason(reason as u32)?,
    );
    // The reset forgets where readless answers go.
    registers.program(bar);
    wait_reset_state(registers, bar, true, timeout)?;
    bar.write_reg(regs::DEV_CTL::zeroed());
    wait_reset_state(registers, bar, false, timeout)?;

    let admin_timeout = caps.admin_cmd_to().get();
    Ok(if admin_timeout == 0 {
        admin::DEFAULT_TIMEOUT
    } else {
        Delta::from_millis(100 * i64::from(admin_timeout))
    })
}

/// Everything the probe does before the driver data exists.
fn init_device(
    pdev: &pci::Device<Core<'_>>,
    bar: &Bar0<'_>,
) -> Result<(RegisterReader, AdminQueue, DeviceInfo)> {
    let start = Instant::<Monotonic>::now();
    let mut info = DeviceInfo {
        readless: pdev.revision_id() & REVISION_NO_READLESS == 0,
        ..Default::default()
    };
    let mut registers = RegisterReader::new(pdev.as_ref(), info.readless)?;
    registers.program(bar);

    let admin_timeout = reset_device(&mut registers, bar, ResetReason::Normal)?;

    let ver = regs::VERSION::from_raw(registers.read(bar, offset::VERSION)?);
    let ctrl = regs::CONTROLLER_VERSION::from_raw(registers.read(bar, offset::CONTROLLER_VERSION)?);
    info.version = (ver.major(), ver.minor());
    info.controller_version = (ctrl.impl_id(), ctrl.major(), ctrl.minor(), ctrl.subminor());
    dev_info!(
        pdev,
        "ENA device version {}.{}, controller version {}.{}.{}\n",
        ver.major(),
        ver.minor(),
        ctrl.major(),
        ctrl.minor(),
        ctrl.subminor()
    );

    let caps = regs::CAPS::from_raw(registers.read(bar, offset::CAPS)?);
    info.dma_width = caps.dma_addr_width();
    let mask = DmaMask::try_new(u32::from(info.dma_width))?;
    // SAFETY: Nothing else allocates or maps DMA memory for this device while
    // its probe runs.
    unsafe { pdev.dma_set_mask_and_coherent(mask)? };

    let mut admin = AdminQueue::new(pdev.as_ref(), admin_timeout)?;
    admin.program(bar);
    // Admin completions are polled.
    bar.write_reg(regs::INTR_MASK::zeroed().with_admin_masked(true));

    if let Err(e) = discover(&mut admin, bar, &mut info) {
        dev_err!(pdev, "feature discovery failed: {:?}\n", e);
        // The device may still answer a command that timed out: stop it
        // before the rings are freed.
        let _ = reset_device(&mut registers, bar, ResetReason::Normal);
        return Err(e);
    }
    info.admin = admin.stats;
    info.probe_time_us = start.elapsed().as_micros_ceil();
    Ok((registers, admin, info))
}

/// Asks the device what it is and what it offers.
fn discover(admin: &mut AdminQueue, bar: &Bar0<'_>, info: &mut DeviceInfo) -> Result {
    info.attributes = admin.get_feature(bar, feature::DEVICE_ATTRIBUTES, 0)?;
    let attr = info.attributes;
    if attr.supports(feature::MAX_QUEUES_EXT) {
        info.queues =
            Some(admin.get_feature(bar, feature::MAX_QUEUES_EXT, defs::FEATURE_VERSION_1)?);
    }
    if attr.supports(feature::HW_HINTS) {
        info.hints = Some(admin.get_feature(bar, feature::HW_HINTS, 0)?);
    }
    if attr.supports(feature::STATELESS_OFFLOAD) {
        info.offloads = Some(admin.get_feature(bar, feature::STATELESS_OFFLOAD, 0)?);
    }
    if attr.supports(feature::LLQ) {
        info.llq = Some(admin.get_feature(bar, feature::LLQ, defs::FEATURE_VERSION_1)?);
    }
    Ok(())
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
            let (registers, admin, info) = init_device(pdev, &bar)?;
            let mac = info.attributes.mac_addr;
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

            let name = CString::try_from_fmt(fmt!("ena_rust-{}", pdev.as_ref().name()))?;
            let debugfs = Dir::new(&name);
            Ok(try_pin_init!(EnaRust {
                pdev,
                _info <- debugfs.read_only_file(c"device", info),
                _debugfs: debugfs,
                admin,
                registers <- new_mutex!(registers),
                bar,
            }))
        })
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        // Stop the device's DMA before the rings and the response buffer go.
        let mut registers = this.registers.lock();
        match reset_device(&mut registers, &this.bar, ResetReason::Normal) {
            Ok(_) => dev_info!(pdev, "device reset, unbound\n"),
            Err(e) => dev_warn!(pdev, "reset at unbind failed: {:?}\n", e),
        }
    }
}

kernel::module_pci_driver! {
    type: EnaRustDriver,
    name: "ena_rust",
    authors: ["Seed c0785ef3 maintainers"],
    description: "Elastic Network Adapter (ENA) management plane in Rust",
    license: "GPL v2",
}
