// SPDX-License-Identifier: GPL-2.0

//! The device's state and its life: bring-up, the management interrupt,
//! the keep-alive watchdog, reset and recovery.
//!
//! [`State`] is everything the driver knows and owns of the device (register
//! reader, admin queue, AENQ, host information page, what discovery found,
//! what the events said). It lives in [`Shared`] behind one mutex, which the
//! probe, the interrupt thread, the watchdog and debugfs take in turn: admin
//! commands run one at a time, and a reset never races an event.

use kernel::{
    dma::{Coherent, Device as _, DmaMask},
    io::{io_project, poll::read_poll_timeout, Io},
    irq::{IrqReturn, ThreadedHandler},
    net::netdev,
    new_condvar, new_mutex, pci,
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{Atomic, Relaxed},
        Arc, CondVar, CondVarTimeoutResult, Mutex, MutexGuard,
    },
    time::{msecs_to_jiffies, Delta, Instant, Monotonic},
    workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem},
};
use zerocopy::FromZeros;

use crate::{
    admin::{self, AdminQueue},
    aenq::{self, Aenq, Events},
    defs::{self, feature, AcqEntry, AenqConfig, AqEntry, DeviceAttributes, HostAttributes},
    defs::{BasicStats, HostInfo, HostInfoPage, HwHints, Llq, MaxQueuesExt, Offloads},
    mmio::RegisterReader,
    netif::NetIf,
    regs::{self, offset, Bar0Handle, ResetReason},
};

/// Bit 0 of the PCI revision id: the device does not offer readless reads.
const REVISION_NO_READLESS: u8 = 1 << 0;

/// The oldest controller version the driver works with (0.0.1).
const MIN_CONTROLLER_VERSION: (u8, u8, u8) = (0, 0, 1);

/// How often the watchdog looks at the device.
const WATCHDOG_PERIOD_MS: u32 = 1000;

/// The keep-alive timeout when the device gives none (the C driver's).
const DEFAULT_KEEP_ALIVE_TIMEOUT: Delta = Delta::from_millis(6000);

/// A hint value that means "no timeout".
const HINT_NO_TIMEOUT: u16 = 0xffff;

/// How long a TX packet may wait for its completion, and how many may be
/// that late before the device is reset, when the device gives no hint
/// (the C driver's defaults).
const DEFAULT_TX_TIMEOUT_MS: i64 = 5000;
const DEFAULT_MISSED_TX_THRESHOLD: u32 = 128;

/// The driver's version as the device sees it in the host information.
const DRIVER_VERSION: (u8, u8, u8) = (0, 1, 0);

/// A C string in a fixed, NUL-terminated field of the host information,
/// cut to fit.
fn host_string<const N: usize>(s: &CStr) -> [u8; N] {
    let mut field = [0u8; N];
    let bytes = s.to_bytes();
    let len = bytes.len().min(N.saturating_sub(1));
    field[..len].copy_from_slice(&bytes[..len]);
    field
}

/// The kernel's version code, major << 16 | minor << 8 | patch level as
/// `LINUX_VERSION_CODE` has it, read from its release string ("7.3.4",
/// "7.3.4+deb13-amd64": each part's leading digits).
fn version_code(release: &CStr) -> u32 {
    let mut parts = release.to_bytes().split(|&b| b == b'.');
    [16, 8, 0].into_iter().fold(0, |code, shift| {
        let number = parts.next().map_or(0, |part| {
            part.iter()
                .take_while(|b| b.is_ascii_digit())
                .fold(0u32, |n, &d| {
                    n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
                })
        });
        code | number.min(255) << shift
    })
}

/// What the driver learnt from the device at its last bring-up.
#[derive(Default)]
pub(crate) struct DeviceInfo {
    pub(crate) version: (u8, u8),
    /// Implementation id, major, minor, sub-minor.
    pub(crate) controller_version: (u8, u8, u8, u8),
    pub(crate) dma_width: u8,
    pub(crate) attributes: DeviceAttributes,
    pub(crate) queues: Option<MaxQueuesExt>,
    pub(crate) hints: Option<HwHints>,
    pub(crate) offloads: Option<Offloads>,
    pub(crate) llq: Option<Llq>,
    pub(crate) aenq: AenqConfig,
    pub(crate) host_info_sent: bool,
    pub(crate) bring_up_time_us: i64,
}

/// Everything the driver owns of the device; see the module documentation.
pub(crate) struct State {
    registers: RegisterReader,
    pub(crate) admin: AdminQueue,
    aenq: Aenq,
    host_info: Coherent<HostInfoPage>,
    bdf: u16,
    pub(crate) info: DeviceInfo,
    pub(crate) events: Events,
    /// `None`: the device asked for no keep-alive watchdog.
    pub(crate) keep_alive_timeout: Option<Delta>,
    pub(crate) resets: u64,
    pub(crate) last_reset: Option<ResetReason>,
    /// A recovery failed: the device stays down until the driver is rebound.
    pub(crate) failed: bool,
    /// The device is reset and nothing of it is in use.
    quiesced: bool,
    /// The network interface, while it is registered: its carrier follows
    /// the link, and a reset stops and restarts its data path.
    netif: Option<(ARef<netdev::Device>, Arc<NetIf>)>,
    /// How late a TX completion may be (`None`: never late), and how many
    /// late ones mean the device lost them.
    tx_timeout_ms: Option<i64>,
    missed_tx_threshold: u32,
}

impl State {
    /// Sets up register reads and the DMA width and allocates the rings; the
    /// device is not touched otherwise until [`State::bring_up`].
    pub(crate) fn new(
        pdev: &pci::Device<kernel::device::Core<'_>>,
        bar: &Bar0Handle,
    ) -> Result<Self> {
        let readless = pdev.revision_id() & REVISION_NO_READLESS == 0;
        let mut registers = RegisterReader::new(pdev.as_ref(), readless)?;
        registers.program(bar)?;

        let caps = regs::CAPS::from_raw(registers.read(bar, offset::CAPS)?);
        let dma_width = caps.dma_addr_width();
        // SAFETY: Nothing else allocates or maps DMA memory for this device
        // while its probe runs, and nothing is allocated yet but the
        // response buffer, whose address fits any width (it was allocated
        // under the default 32-bit mask).
        unsafe { pdev.dma_set_mask_and_coherent(DmaMask::try_new(u32::from(dma_width))?)? };

        Ok(Self {
            registers,
            admin: AdminQueue::new(pdev.as_ref())?,
            aenq: Aenq::new(pdev.as_ref())?,
            host_info: Coherent::zeroed(pdev.as_ref(), GFP_KERNEL)?,
            bdf: pdev.dev_id(),
            info: DeviceInfo {
                dma_width,
                ..Default::default()
            },
            events: Events::default(),
            keep_alive_timeout: Some(DEFAULT_KEEP_ALIVE_TIMEOUT),
            resets: 0,
            last_reset: None,
            failed: false,
            quiesced: true,
            netif: None,
            tx_timeout_ms: Some(DEFAULT_TX_TIMEOUT_MS),
            missed_tx_threshold: DEFAULT_MISSED_TX_THRESHOLD,
        })
    }

    pub(crate) fn readless(&self) -> bool {
        self.registers.readless()
    }

    /// Resets the device, telling it why, and sets it up again from scratch
    /// with polled admin commands: what the probe does, and what recovery
    /// does after a failure. Interrupts stay masked until
    /// [`State::enable_interrupts`].
    pub(crate) fn bring_up(&mut self, bar: &Bar0Handle, reason: ResetReason) -> Result {
        let start = Instant::<Monotonic>::now();
        self.quiesced = false;
        self.disable_interrupts(bar)?;
        let admin_timeout = self.reset(bar, reason)?;

        let ver = regs::VERSION::from_raw(self.registers.read(bar, offset::VERSION)?);
        let ctrl = regs::CONTROLLER_VERSION::from_raw(
            self.registers.read(bar, offset::CONTROLLER_VERSION)?,
        );
        self.info.version = (ver.major(), ver.minor());
        self.info.controller_version =
            (ctrl.impl_id(), ctrl.major(), ctrl.minor(), ctrl.subminor());
        if (ctrl.major(), ctrl.minor(), ctrl.subminor()) < MIN_CONTROLLER_VERSION {
            return Err(ENODEV);
        }

        self.admin.timeout = admin_timeout;
        self.admin.program(bar)?;
        self.aenq.program(bar)?;
        self.discover(bar)?;
        if let Some(hints) = self.info.hints {
            self.apply_hints(&hints);
        }
        self.send_host_info(bar)?;
        self.configure_aenq(bar)?;

        // The link state outlives a reset, as in the C driver: the device
        // sends a link event only when the link changes.
        self.events = Events {
            last_keep_alive: Some(Instant::now()),
            link_up: self.events.link_up,
            ..Default::default()
        };
        self.info.bring_up_time_us = start.elapsed().as_micros_ceil();
        Ok(())
    }

    /// Lets the device raise the management interrupt and post events;
    /// admin commands complete through the interrupt from now on.
    pub(crate) fn enable_interrupts(&mut self, bar: &Bar0Handle) -> Result {
        self.aenq.enable(bar)?;
        self.admin.interrupt_mode = true;
        bar.with(|bar| bar.write_reg(regs::INTR_MASK::zeroed()))
    }

    /// Masks the management interrupt; admin commands are polled again.
    fn disable_interrupts(&mut self, bar: &Bar0Handle) -> Result {
        self.admin.interrupt_mode = false;
        bar.with(|bar| bar.write_reg(regs::INTR_MASK::zeroed().with_admin_masked(true)))
    }

    /// Stops the device: masks its interrupt and resets it, so that it
    /// neither raises interrupts nor touches memory the driver is about to
    /// free. Does nothing the second time.
    pub(crate) fn quiesce(&mut self, bar: &Bar0Handle) -> Result {
        if self.quiesced {
            return Ok(());
        }
        self.disable_interrupts(bar)?;
        self.reset(bar, ResetReason::Normal)?;
        self.quiesced = true;
        self.sync_carrier();
        Ok(())
    }

    /// Waits until `DEV_STS.reset_in_progress` is `in_progress`.
    fn wait_reset_state(&mut self, bar: &Bar0Handle, in_progress: bool, timeout: Delta) -> Result {
        read_poll_timeout(
            || {
                self.registers
                    .read(bar, offset::DEV_STS)
                    .map(regs::DEV_STS::from_raw)
            },
            |sts| sts.reset_in_progress() == in_progress,
            Delta::from_millis(1),
            timeout,
        )?;
        Ok(())
    }

    /// Resets the device, telling it why; returns the admin command timeout
    /// it asks for.
    fn reset(&mut self, bar: &Bar0Handle, reason: ResetReason) -> Result<Delta> {
        let sts = regs::DEV_STS::from_raw(self.registers.read(bar, offset::DEV_STS)?);
        if !sts.ready() {
            return Err(EINVAL);
        }
        let caps = regs::CAPS::from_raw(self.registers.read(bar, offset::CAPS)?);
        let timeout = caps.reset_timeout().get();
        if timeout == 0 {
            return Err(EINVAL);
        }
        let timeout = Delta::from_millis(100 * i64::from(timeout));

        let ctl = regs::DEV_CTL::zeroed()
            .with_dev_reset(true)
            .try_with_reset_reason(reason as u32)?;
        bar.with(|bar| bar.write_reg(ctl))?;
        // The reset forgets where readless answers go.
        self.registers.program(bar)?;
        self.wait_reset_state(bar, true, timeout)?;
        bar.with(|bar| bar.write_reg(regs::DEV_CTL::zeroed()))?;
        self.wait_reset_state(bar, false, timeout)?;

        let admin_timeout = caps.admin_cmd_to().get();
        Ok(if admin_timeout == 0 {
            admin::DEFAULT_TIMEOUT
        } else {
            Delta::from_millis(100 * i64::from(admin_timeout))
        })
    }

    /// Runs an admin command, polling for its completion.
    fn execute_polled(&mut self, bar: &Bar0Handle, cmd: AqEntry) -> Result<AcqEntry> {
        let command_id = self.admin.submit(bar, cmd)?;
        let admin = &mut self.admin;
        let timeout = admin.timeout;
        match read_poll_timeout(
            || Ok(admin.poll()),
            Option::is_some,
            Delta::from_micros(20),
            timeout,
        ) {
            Ok(Some(comp)) => self.admin.finish(command_id, comp),
            Ok(None) | Err(_) => {
                self.admin.timed_out();
                Err(ETIMEDOUT)
            }
        }
    }

    /// `GET_FEATURE` for feature `id`, its answer as `T`.
    fn get_feature<T: FromBytes>(&mut self, bar: &Bar0Handle, id: u8, version: u8) -> Result<T> {
        self.execute_polled(bar, AqEntry::get_feature(id, version))?
            .answer()
    }

    /// Asks the device what it is and what it offers.
    fn discover(&mut self, bar: &Bar0Handle) -> Result {
        let attr: DeviceAttributes = self.get_feature(bar, feature::DEVICE_ATTRIBUTES, 0)?;
        self.info.attributes = attr;
        self.info.queues = if attr.supports(feature::MAX_QUEUES_EXT) {
            Some(self.get_feature(bar, feature::MAX_QUEUES_EXT, defs::FEATURE_VERSION_1)?)
        } else {
            None
        };
        self.info.hints = if attr.supports(feature::HW_HINTS) {
            Some(self.get_feature(bar, feature::HW_HINTS, 0)?)
        } else {
            None
        };
        self.info.offloads = if attr.supports(feature::STATELESS_OFFLOAD) {
            Some(self.get_feature(bar, feature::STATELESS_OFFLOAD, 0)?)
        } else {
            None
        };
        self.info.llq = if attr.supports(feature::LLQ) {
            Some(self.get_feature(bar, feature::LLQ, defs::FEATURE_VERSION_1)?)
        } else {
            None
        };
        Ok(())
    }

    /// Takes the timeouts the device suggests; a zero hint keeps the
    /// driver's default, as in the C driver.
    fn apply_hints(&mut self, hints: &HwHints) {
        if hints.mmio_read_timeout != 0 {
            self.registers.timeout = Delta::from_millis(i64::from(hints.mmio_read_timeout));
        }
        if hints.admin_completion_timeout != 0 {
            self.admin.timeout = Delta::from_millis(i64::from(hints.admin_completion_timeout));
        }
        match hints.driver_watchdog_timeout {
            0 => {}
            HINT_NO_TIMEOUT => self.keep_alive_timeout = None,
            ms => self.keep_alive_timeout = Some(Delta::from_millis(i64::from(ms))),
        }
        match hints.missing_tx_completion_timeout {
            0 => {}
            HINT_NO_TIMEOUT => self.tx_timeout_ms = None,
            ms => self.tx_timeout_ms = Some(i64::from(ms)),
        }
        if hints.missed_tx_completion_count_threshold != 0 {
            self.missed_tx_threshold = u32::from(hints.missed_tx_completion_count_threshold);
        }
    }

    /// Tells the device about its host, if it wants to know.
    fn send_host_info(&mut self, bar: &Bar0Handle) -> Result {
        self.info.host_info_sent = false;
        if !self.info.attributes.supports(feature::HOST_ATTR_CONFIG) {
            return Ok(());
        }
        let (major, minor, sub_minor) = DRIVER_VERSION;
        let release = kernel::utsname::release();
        let info = HostInfo {
            os_type: defs::OS_LINUX,
            // As the C driver fills them: the release is the distribution
            // string, the version string the kernel's.
            os_dist_str: host_string(release),
            kernel_ver_str: host_string(kernel::utsname::version()),
            kernel_ver: version_code(release),
            driver_version: u32::from(major) | u32::from(minor) << 8 | u32::from(sub_minor) << 16,
            ena_spec_version: defs::SPEC_VERSION,
            bdf: self.bdf,
            num_cpus: u16::try_from(kernel::cpu::nr_cpu_ids()).unwrap_or(u16::MAX),
            ..HostInfo::new_zeroed()
        };
        io_project!(self.host_info, .info).copy_write(info);

        let addr = self.host_info.dma_address();
        let attr = HostAttributes {
            os_info_low: addr as u32,
            os_info_high: (addr >> 32) as u16,
            ..Default::default()
        };
        match self.execute_polled(bar, AqEntry::set_feature(feature::HOST_ATTR_CONFIG, &attr)) {
            Ok(_) => self.info.host_info_sent = true,
            // Optional: the C driver goes on without it too.
            Err(EOPNOTSUPP) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Enables the event groups the driver handles, of those the device offers.
    fn configure_aenq(&mut self, bar: &Bar0Handle) -> Result {
        let mut config: AenqConfig = self.get_feature(bar, feature::AENQ_CONFIG, 0)?;
        config.enabled_groups = config.supported_groups & aenq::HANDLED_GROUPS;
        self.execute_polled(bar, AqEntry::set_feature(feature::AENQ_CONFIG, &config))?;
        self.info.aenq = config;
        Ok(())
    }

    /// Sets the interface's carrier from the last link event: on only if
    /// the device said the link is up and is running.
    fn sync_carrier(&self) {
        let Some((netif, _)) = &self.netif else {
            return;
        };
        if self.events.link_up == Some(true) && !self.quiesced && !self.failed {
            netif.carrier_on();
        } else {
            netif.carrier_off();
        }
    }

    /// Why the device needs a reset now, if it does.
    fn reset_due(&self) -> Option<ResetReason> {
        if self.events.fatal {
            return Some(ResetReason::Generic);
        }
        let keep_alive = 1 << defs::aenq_group::KEEP_ALIVE;
        if self.info.aenq.enabled_groups & keep_alive == 0 {
            return None;
        }
        match (self.keep_alive_timeout, self.events.last_keep_alive) {
            (Some(timeout), Some(last)) if last.elapsed() > timeout => {
                Some(ResetReason::KeepAliveTimeout)
            }
            _ => None,
        }
    }
}

/// What the driver data, the interrupt handler, the watchdog and debugfs share.
#[pin_data(PinnedDrop)]
pub(crate) struct Shared {
    pub(crate) pdev: ARef<pci::Device>,
    pub(crate) bar: Bar0Handle,
    #[pin]
    pub(crate) state: Mutex<State>,
    /// Signalled by the interrupt handler: a completion may be there.
    #[pin]
    admin_done: CondVar,
    /// An admin command timed out: the watchdog resets the device.
    admin_timed_out: Atomic<bool>,
    /// Set at unbind: nothing may start using the device again.
    stopping: Atomic<bool>,
    /// A reset the data path asked for (`ResetReason` + 1; 0: none).
    reset_requested: Atomic<u32>,
    #[pin]
    watchdog: DelayedWork<Shared>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Shared { self.watchdog }
}

impl Shared {
    pub(crate) fn new(
        pdev: ARef<pci::Device>,
        bar: Bar0Handle,
        state: State,
    ) -> impl PinInit<Self> {
        pin_init!(Self {
            pdev,
            bar,
            state <- new_mutex!(state),
            admin_done <- new_condvar!(),
            admin_timed_out: Atomic::new(false),
            stopping: Atomic::new(false),
            reset_requested: Atomic::new(0),
            watchdog <- new_delayed_work!("ena_rust::watchdog"),
        })
    }

    /// Enables the interrupt and starts the watchdog: the device is live.
    pub(crate) fn start(self: &Arc<Self>) -> Result {
        self.state.lock().enable_interrupts(&self.bar)?;
        Self::arm_watchdog(self.clone());
        Ok(())
    }

    /// Has the watchdog look at the device again in a period. (Already
    /// queued, or being cancelled: nothing to do, the reference is dropped.)
    fn arm_watchdog(this: Arc<Self>) {
        let _ = workqueue::system().enqueue_delayed(this, msecs_to_jiffies(WATCHDOG_PERIOD_MS));
    }

    /// Stops the watchdog, then the device. After this, nothing the driver
    /// does touches the device.
    pub(crate) fn stop(self: &Arc<Self>) -> Result {
        self.stopping.store(true, Relaxed);
        DelayedWork::<Shared>::cancel_sync(self);
        self.state.lock().quiesce(&self.bar)
    }

    /// Has the carrier of the registered interface `dev` follow the link,
    /// and resets stop and restart its data path `netif`.
    pub(crate) fn attach_netif(&self, dev: ARef<netdev::Device>, netif: Arc<NetIf>) {
        let mut state = self.state.lock();
        state.netif = Some((dev, netif));
        state.sync_carrier();
    }

    /// Lets go of the interface, which can then be unregistered.
    pub(crate) fn detach_netif(&self) {
        self.state.lock().netif = None;
    }

    /// Sets the interface's carrier from the link state (at open).
    pub(crate) fn sync_carrier(&self) {
        self.state.lock().sync_carrier();
    }

    /// Whether the device is up and running (not reset for unbind or after
    /// a failed recovery): its queues can be destroyed with commands.
    pub(crate) fn is_live(&self) -> bool {
        let state = self.state.lock();
        !state.quiesced && !state.failed
    }

    /// Asks the watchdog to reset the device (any context).
    pub(crate) fn request_reset(&self, reason: ResetReason) {
        self.reset_requested.store(reason as u32 + 1, Relaxed);
    }

    /// The reset the data path asked for, if any.
    fn take_reset_request(&self) -> Option<ResetReason> {
        let code = self.reset_requested.xchg(0, Relaxed);
        ResetReason::from_code(code.checked_sub(1)?)
    }

    /// Runs an admin command: through the interrupt once the device is live,
    /// polled before.
    pub(crate) fn execute(
        &self,
        state: &mut MutexGuard<'_, State>,
        cmd: AqEntry,
    ) -> Result<AcqEntry> {
        if !state.admin.interrupt_mode {
            return state.execute_polled(&self.bar, cmd);
        }
        let command_id = state.admin.submit(&self.bar, cmd)?;
        let start = Instant::<Monotonic>::now();
        loop {
            if let Some(comp) = state.admin.poll() {
                return state.admin.finish(command_id, comp);
            }
            let left = state.admin.timeout.as_millis() - start.elapsed().as_millis();
            if left <= 0 {
                break;
            }
            // The interrupt handler takes the lock to signal, so the wake-up
            // cannot come between the check above and the wait.
            let woken = self
                .admin_done
                .wait_interruptible_timeout(state, msecs_to_jiffies(left as u32));
            if matches!(woken, CondVarTimeoutResult::Timeout) {
                break;
            }
        }
        // Like the C driver, a completion without its interrupt is a failure
        // too: either way the admin queue cannot be trusted until a reset.
        if state.admin.poll().is_some() {
            state.admin.stats.missed_interrupts += 1;
            dev_err!(self.pdev, "admin command completed without an interrupt\n");
        } else {
            dev_err!(self.pdev, "admin command got no completion in time\n");
        }
        state.admin.timed_out();
        self.admin_timed_out.store(true, Relaxed);
        Err(ETIMEDOUT)
    }

    /// The device's basic traffic counters (an admin command).
    pub(crate) fn basic_stats(&self) -> Result<BasicStats> {
        let mut state = self.state.lock();
        if state.quiesced || state.failed {
            return Err(ENODEV);
        }
        self.execute(&mut state, AqEntry::get_basic_stats())?
            .answer()
    }

    /// The watchdog's look at the device: recovers it if it needs it.
    fn check(&self) {
        let (reason, netif, late) = {
            let state = self.state.lock();
            if self.stopping.load(Relaxed) || state.failed || state.quiesced {
                return;
            }
            let reason = if self.admin_timed_out.load(Relaxed) {
                Some(ResetReason::AdminTimeout)
            } else {
                self.take_reset_request().or_else(|| state.reset_due())
            };
            let late = state.tx_timeout_ms.map(|t| (t, state.missed_tx_threshold));
            (reason, state.netif.clone(), late)
        };
        // Lost TX completions: looked for without the state lock, which the
        // data path's lock comes before.
        let reason = reason.or_else(|| {
            let (_, netif) = netif.as_ref()?;
            let (timeout, threshold) = late?;
            let missed = netif.late_tx_packets(timeout);
            if missed > threshold {
                dev_err!(
                    self.pdev,
                    "{} TX packets without a completion for {} ms\n",
                    missed,
                    timeout
                );
                Some(ResetReason::MissingTxCompletion)
            } else {
                None
            }
        });
        let Some(reason) = reason else {
            return;
        };
        dev_err!(self.pdev, "resetting the device: {:?}\n", reason);
        match netif {
            Some((dev, netif)) => netif.reset(&dev, reason),
            None => {
                let _ = self.recover(reason);
            }
        }
    }

    /// Resets the device for `reason` and sets it up again; on failure it
    /// stays down until the driver is rebound. The caller stopped the data
    /// path.
    pub(crate) fn recover(&self, reason: ResetReason) -> Result {
        let mut state = self.state.lock();
        if self.stopping.load(Relaxed) || state.failed {
            return Err(ENODEV);
        }
        if let Some((dev, _)) = &state.netif {
            dev.carrier_off();
        }
        self.admin_timed_out.store(false, Relaxed);
        self.reset_requested.store(0, Relaxed);
        state.resets += 1;
        state.last_reset = Some(reason);
        let result = state
            .bring_up(&self.bar, reason)
            .and_then(|()| state.enable_interrupts(&self.bar));
        match result {
            Ok(()) => {
                dev_info!(self.pdev, "device recovered after a reset\n");
                state.sync_carrier();
                Ok(())
            }
            Err(e) => {
                dev_err!(
                    self.pdev,
                    "recovery failed ({:?}): the device stays down\n",
                    e
                );
                state.failed = true;
                let _ = state.quiesce(&self.bar);
                Err(e)
            }
        }
    }

    /// Resets the device now, for a data path that could not stop it
    /// otherwise.
    pub(crate) fn reset_now(&self, reason: ResetReason) {
        dev_err!(self.pdev, "resetting the device: {:?}\n", reason);
        let _ = self.recover(reason);
    }

    /// Handles what the management interrupt announces.
    fn interrupt(&self) {
        let mut guard = self.state.lock();
        let state = &mut *guard;
        if !state.quiesced {
            if let Err(e) = state.aenq.process(&self.bar, &mut state.events) {
                dev_warn!(self.pdev, "AENQ: {:?}\n", e);
            }
            if let Some(hints) = state.events.new_hints.take() {
                state.apply_hints(&hints);
                state.info.hints = Some(hints);
            }
            state.sync_carrier();
        }
        // A completion may have come too: wake the command's waiter.
        self.admin_done.notify_all();
    }
}

#[pinned_drop]
impl PinnedDrop for Shared {
    fn drop(self: Pin<&mut Self>) {
        // Normally done at unbind; this covers a probe that failed after the
        // bring-up. The rings must not be freed under a running device.
        if let Err(e) = self.state.lock().quiesce(&self.bar) {
            dev_err!(self.pdev, "could not stop the device: {:?}\n", e);
        }
    }
}

impl WorkItem for Shared {
    type Pointer = Arc<Shared>;

    fn run(this: Arc<Shared>) {
        this.check();
        if !this.stopping.load(Relaxed) {
            Shared::arm_watchdog(this);
        }
    }
}

/// The management interrupt (MSI-X vector 0): admin completions and events.
pub(crate) struct ManagementIrq(pub(crate) Arc<Shared>);

impl ThreadedHandler for ManagementIrq {
    fn handle_threaded(&self) -> IrqReturn {
        self.0.interrupt();
        IrqReturn::Handled
    }
}
