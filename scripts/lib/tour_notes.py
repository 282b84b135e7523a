# SPDX-License-Identifier: GPL-2.0
"""What the tour says about each step, driver function and device event.

tour.py reads this table; the words are ours, the names are the driver's
and the model's. A driver function or device event missing here is still
shown, without a note. Locations (file:line) are looked up in the sources
at run time, so they follow the code.
"""

# step name -> (title, what happens, in plain words)
STEPS = {
    "probe": (
        "probe: the driver meets the device",
        "The PCI core calls ena_probe() for the function. The driver maps BAR0 "
        "(registers; BAR2 too when the device offers LLQ), sets up the readless "
        "register-read buffer, resets the device, checks its version, builds the "
        "admin queue (AQ/ACQ) and the asynchronous event queue (AENQ) in DMA "
        "memory, and asks the device what it is and can do with GET_FEATURE "
        "commands. Admin commands are polled until MSI-X vector 0 is set up, then "
        "completed by interrupt. Last, it registers the netdev.",
    ),
    "up": (
        "ip link set up: IO queues, interrupts, RSS",
        "ena_open() -> ena_up(): per queue pair the driver allocates rings, asks "
        "the device to create a completion queue (CREATE_CQ, with its MSI-X "
        "vector) and a submission queue (CREATE_SQ, host or device placement), "
        "requests one IRQ per pair, fills the RX ring with buffers and rings the "
        "RX doorbell, programs RSS (hash function, key, indirection table) and "
        "unmasks each queue's interrupt.",
    ),
    "packet": (
        "one packet each way: a ping and its reply",
        "TX: ena_start_xmit() maps the skb, ena_com_prepare_tx() writes the "
        "descriptors (or, with LLQ, the descriptors and the packet's header "
        "through BAR2) and the doorbell tells the device. The device sends the "
        "frame, writes a TX completion with the request id and the current phase "
        "bit, and raises the queue's MSI-X vector. ena_intr_msix_io() schedules "
        "NAPI; ena_io_poll() (softirq) cleans TX by request id and receives: the "
        "device wrote the reply into a posted RX buffer and an RX completion "
        "with length, checksum result and RSS hash. NAPI refills the buffer, "
        "rings the RX doorbell and unmasks the interrupt.",
    ),
    "keep-alive": (
        "a keep-alive: the device says it is alive",
        "Every second the device posts a keep-alive event on the AENQ (with "
        "its RX/TX drop counters) and raises vector 0. The driver's AENQ handler "
        "dispatches it to ena_keep_alive_wd(), which notes the time; the "
        "driver's timer (ena_timer_service, once a second) checks that time.",
    ),
    "link": (
        "a link change: down, then up",
        "The tour tells the model to take the link down and up. Each time the "
        "device posts a link-change event on the AENQ; ena_update_on_link_change() "
        "turns the carrier off or on.",
    ),
    "reset": (
        "a reset: the keep-alives stop, the watchdog fires, the driver resets",
        "The tour stops the model's keep-alives. ena_timer_service() sees no "
        "keep-alive within the watchdog timeout (the device's hint, 3 s here), "
        "sets the reset reason and queues ena_fw_reset_device(), which tears the "
        "device down (ena_destroy_device: reset with the reason, queues and admin "
        "queue freed) and brings it back (ena_restore_device: the probe's device "
        "init again, then ena_up). The tour then resumes the keep-alives and waits "
        "for traffic.",
    ),
}

# driver function -> what it does
DRIVER = {
    # probe and device init
    "ena_probe": "PCI probe: enables the function, maps the BARs, inits the device, registers the netdev",
    "ena_device_init": "the device part of the probe (and of every reset recovery)",
    "ena_com_mmio_reg_read_request_init": "allocates the DMA buffer the device writes register values into (readless mode)",
    "ena_com_set_mmio_read_mode": "chooses readless or plain MMIO register reads",
    "ena_com_mmio_reg_read_request_write_dev_addr": "tells the device where the read-response buffer is (MMIO_RESP_LO/HI)",
    "ena_com_reg_bar_read32": "reads a register: writes its offset and a request id to MMIO_REG_READ, "
                              "then polls the response buffer until the device DMA-writes the value with that id",
    "ena_com_dev_reset": "resets the device: DEV_CTL.RESET with the reason, waits for DEV_STS.RESET_IN_PROGRESS, clears it",
    "wait_for_reset_state": "polls DEV_STS until the reset state changes, within the CAPS reset timeout",
    "ena_com_validate_version": "reads VERSION and CONTROLLER_VERSION and refuses a device older than the driver supports",
    "ena_com_get_dma_width": "reads the DMA address width from CAPS",
    "ena_com_admin_init": "admin SQ and CQ in coherent DMA memory, their base and caps registers, then the AENQ",
    "ena_com_set_admin_polling_mode": "admin completions: polled (during init) or by interrupt (vector 0)",
    "ena_com_allocate_host_info": "a DMA page for the host info the device reads (OS, kernel, driver version, features)",
    "ena_com_set_host_attributes": "SET_FEATURE host attributes: where the host info and debug area are",
    "ena_com_get_dev_attr_feat": "GET_FEATURE for device attributes, max queues, AENQ groups, offloads, hints, LLQ",
    "ena_com_get_feature_ex": "one GET_FEATURE admin command",
    "ena_com_execute_admin_command": "submits one admin command (phase bit, command id), rings the AQ doorbell and waits for its completion",
    "ena_com_handle_admin_completion": "walks the ACQ: an entry is new when its phase bit matches the expected phase",
    "ena_com_set_aenq_config": "SET_FEATURE AENQ config: which event groups the driver handles",
    "ena_com_config_dev_mode": "LLQ or host placement for TX, from the device's LLQ capabilities",
    "ena_com_set_llq": "SET_FEATURE LLQ: entry size, descriptors before the header, stride",
    "ena_enable_msix_and_set_admin_interrupts": "MSI-X on; vector 0 for the admin queue and the AENQ",
    "ena_com_admin_aenq_enable": "writes the AENQ head doorbell: the device may post events now",
    "ena_com_rss_init": "allocates the RSS indirection table and hash key",
    "ena_rss_init_default": "default RSS: the table spreads over the RX queues, Toeplitz with a random key",
    "ena_com_indirect_table_set": "SET_FEATURE RSS indirection table",
    "ena_com_set_hash_function": "SET_FEATURE RSS hash function and key",
    "ena_com_set_hash_ctrl": "SET_FEATURE RSS hash input (which header fields each flow type hashes)",
    "ena_com_set_default_hash_ctrl": "the default hash inputs per flow type",
    "ena_com_fill_hash_function": "sets the hash function and key and sends them",
    "ena_com_init_interrupt_moderation": "interrupt moderation: the device's delay resolution, adaptive on RX",
    "ena_com_set_dev_mtu": "SET_FEATURE MTU",
    "ena_devlink_register": "devlink instance for the device (enable_phc parameter, reload)",
    "ena_phc_init": "PTP hardware clock, when the device offers it and enable_phc is set",
    "ena_debugfs_init": "debugfs directory for the device",
    "ena_timer_service": "once a second: keep-alive watchdog, admin queue health, missing TX completions, hints",
    "check_for_admin_com_state": "the admin queue still running? if not: reset",
    "ena_update_hints": "applies the device's hints (timeouts, watchdog)",
    # open, close, queues
    "ena_open": "ndo_open: brings the data path up",
    "ena_up": "creates the IO queues, requests their IRQs, starts NAPI and the TX queues",
    "ena_init_io_rings": "the rings' software state: sizes, doorbell and LLQ settings",
    "ena_setup_tx_resources_in_range": "TX ring memory and buffer info",
    "ena_create_io_tx_queues_in_range": "one CREATE_CQ + CREATE_SQ pair per TX queue",
    "ena_com_create_io_queue": "creates an IO queue pair in the device: CREATE_CQ, then CREATE_SQ",
    "ena_com_create_io_cq": "CREATE_CQ: ring address, depth, entry size, MSI-X vector",
    "ena_com_get_io_handlers": "the driver's pointers to a queue pair's SQ and CQ",
    "ena_refill_rx_bufs": "posts RX buffers (one descriptor each) and rings the RX doorbell",
    "ena_com_add_single_rx_desc": "one RX descriptor: buffer address, length, request id, phase",
    "ena_unmask_interrupt": "writes the queue's interrupt register: unmask, with the moderation delays",
    "ena_update_ring_numa_node": "follows the CPU the queue's interrupt runs on",
    "ena_down": "stops the data path: NAPI off, IRQs freed, queues destroyed",
    "ena_close": "ndo_stop",
    "ena_com_destroy_io_queue": "DESTROY_SQ + DESTROY_CQ",
    "ena_com_destroy_io_cq": "DESTROY_CQ",
    "ena_com_io_queue_free": "frees a queue's rings",
    "ena_free_io_irq": "frees the IO queues' IRQs",
    "ena_get_stats64": "ndo_get_stats64: the rings' counters summed",
    # data path
    "ena_start_xmit": "ndo_start_xmit: maps the skb for DMA and queues it on its TX ring",
    "ena_xmit_common": "fills the TX context and hands it to ena_com; rings the doorbell unless more is coming",
    "ena_com_prepare_tx": "writes the meta descriptor (offloads) and one descriptor per buffer, or the LLQ entry with the header",
    "ena_com_write_bounce_buffer_to_dev": "LLQ: copies the entry to device memory (BAR2, write-combined)",
    "ena_com_close_bounce_buffer": "LLQ: finishes the current entry",
    "ena_com_sq_update_tail": "advances the SQ tail (and flips the phase on wrap)",
    "ena_intr_msix_io": "IO queue's MSI-X handler (hard IRQ): schedules NAPI",
    "ena_io_poll": "NAPI poll (softirq): cleans TX completions, receives RX, refills, unmasks",
    "ena_com_rx_pkt": "reads one packet's RX completions (phase bit says which are new)",
    "ena_unmap_tx_buff": "unmaps a completed TX buffer",
    "get_comp_ctxt": "the admin command's context from its command id",
    "ena_com_cq_empty": "is the CQ's next entry still the device's? (phase bit)",
    "ena_dim_work": "adaptive RX moderation (net_dim) applies a new delay",
    # events and resets
    "ena_intr_msix_mgmnt": "vector 0's handler (hard IRQ): admin completions and AENQ events",
    "ena_com_admin_q_comp_intr_handler": "completes the admin commands the ACQ holds",
    "ena_com_aenq_intr_handler": "walks the AENQ (phase bit) and calls each event group's handler; writes the head doorbell",
    "ena_keep_alive_wd": "keep-alive handler: notes the time, takes the device's drop counters",
    "ena_update_on_link_change": "link-change handler: carrier on or off",
    "ena_notification": "notification handler: new hints from the device",
    "unimplemented_aenq_handler": "an event group the driver does not handle",
    "ena_fw_reset_device": "the reset work item: destroy, then restore the device",
    "ena_destroy_device": "stops traffic, resets the device with the reason, frees queues, IRQs and the admin queue",
    "ena_restore_device": "device init again (as in the probe), then ena_up",
    "ena_com_abort_admin_commands": "fails the admin commands still waiting",
    "ena_com_wait_for_abort_completion": "waits until no admin command is in flight",
    "ena_com_admin_destroy": "frees the admin queue and AENQ memory",
    "ena_free_mgmnt_irq": "frees vector 0's IRQ",
    "ena_com_mmio_reg_read_request_destroy": "frees the read-response buffer",
    "ena_com_delete_host_info": "frees the host info page",
    "ena_dump_stats_to_dmesg": "dumps the counters to the kernel log (on reset)",
    "ena_dump_stats_to_buf": "copies the driver's counters into the debug area, where the device can read them",
    "ena_com_set_admin_running_state": "marks the admin queue running or stopped; a stopped one refuses commands",
    "get_sq_desc": "the next free descriptor slot in the SQ",
}

# device events: (pattern on the model's message, format text that finds the
# place in the model's source, note). Named groups go into the note.
DEVICE = [
    (r"readless read 0x(?P<reg>\w+) = 0x(?P<val>\w+) \(req (?P<req>\d+)\)", '"readless read',
     "readless read of {reg_name}: the value DMA-written to the driver's response buffer with request id {req}"),
    (r"mmio read  0x(?P<reg>\w+) = ", '"mmio read',
     "plain MMIO read of {reg_name}"),
    (r"mmio write 0x(?P<reg>\w+) = 0x(?P<val>\w+)", '"mmio write',
     "the driver writes {reg_name}"),
    (r"device reset requested \(reason (?P<r>\d+): (?P<why>.*)\)", '"device reset requested',
     "DEV_CTL.RESET: all queues and state dropped, DEV_STS shows the reset in progress"),
    (r"device reset done, ready", '"device reset done',
     "the driver cleared the reset bit: DEV_STS ready"),
    (r"admin cmd (?P<id>\d+): (?P<what>.*) -> (?P<st>.*)", '"admin cmd %u: %s -> %s"',
     "the device executes the command from the AQ and writes its completion (same command id, current phase) to the ACQ"),
    (r"host info: ", '"host info: ',
     "the device reads the host info page the driver filled"),
    (r"host attributes: ", '"host attributes: ',
     "where the host info and the debug area are"),
    (r"AENQ groups enabled", '"AENQ groups enabled',
     "event groups the driver will handle"),
    (r"LLQ: ", '"LLQ: %u-byte',
     "LLQ configured: TX descriptors and headers will be pushed through BAR2"),
    (r"MTU \d+", '"MTU %u"', "the device's MTU for this function"),
    (r"created CQ (?P<n>\d+)", '"created CQ',
     "a completion queue in guest memory, with its MSI-X vector"),
    (r"created (?P<dir>TX|RX) SQ (?P<n>\d+)", '"created %s SQ',
     "a submission queue, bound to its CQ; the completion gives the doorbell offset"),
    (r"destroyed CQ", '"destroyed CQ', "completion queue gone"),
    (r"destroyed (TX|RX) SQ", '"destroyed %s SQ', "submission queue gone"),
    (r"(?P<dir>TX|RX) SQ (?P<n>\d+) doorbell tail (?P<tail>\d+)", '"%s SQ %u doorbell tail',
     "doorbell: the driver wrote new descriptors up to index {tail}"),
    (r"CQ (?P<n>\d+) interrupt (?P<how>unmasked|update)", '"CQ %u interrupt %s',
     "the queue's interrupt register: unmask, with the moderation delays"),
    (r"TX SQ (?P<n>\d+) -> packet", '"TX SQ %u -> packet',
     "the device reads the descriptors (and buffers), applies the offloads and sends the frame"),
    (r"TX CQ (?P<n>\d+) <- completion", '"TX CQ %u <- completion',
     "TX completion written: the request id tells the driver which buffers to free"),
    (r"RX SQ (?P<n>\d+) -> frame", '"RX SQ %u -> frame',
     "a frame from the wire lands in posted buffers; the RX completion carries length, checksum result and hash"),
    (r"AENQ <- (?P<group>.*) \(syndrome", '"AENQ <- %s',
     "an event on the AENQ (with the phase bit), then vector 0"),
    (r"AENQ head doorbell", '"AENQ head doorbell',
     "the driver consumed events up to here"),
    (r"management interrupt", '"management interrupt %s"',
     "vector 0 masked (admin polling) or unmasked"),
    (r"MSI-X vector (?P<v>\d+)$", '"MSI-X vector %u"',
     "the device raises MSI-X vector {v} (QEMU signals it into the guest)"),
    (r"MSI-X (enabled|disabled)", '"MSI-X %s%s"', "MSI-X in the PCI capability"),
    (r"MSI-X vectors .* eventfds set", '"MSI-X vectors %u..%u: eventfds set"',
     "QEMU gives the model one eventfd per vector"),
    (r"PCI command", '"PCI command 0x%04x', "memory space and bus mastering"),
    (r"PCI function reset", '"PCI function reset"', "function-level reset from the PCI core"),
    (r"link (up|down)$", '"link %s"', "the model's link state changes"),
    (r"keep-alive events (stopped|resumed)", '"keep-alive events %s"',
     "the model's keep-alive events stop or resume"),
    (r"client (connected|disconnected)", '"client connected"', "QEMU's vfio-user connection"),
    (r"control: (?P<cmd>.*)", '"control: %.*s"', "the tour tells the model: {cmd}"),
]

# admin opcodes and feature ids (interface facts), for the driver's side
OPCODES = {1: "CREATE_SQ", 2: "DESTROY_SQ", 3: "CREATE_CQ", 4: "DESTROY_CQ",
           8: "GET_FEATURE", 9: "SET_FEATURE", 11: "GET_STATS"}
FEATURES = {1: "device attributes", 2: "max queues", 3: "hw hints", 4: "LLQ",
            5: "extra properties strings", 6: "extra properties flags",
            7: "max queues ext", 10: "RSS hash function", 11: "stateless offload",
            12: "RSS indirection table", 14: "MTU", 18: "RSS hash input",
            20: "interrupt moderation", 26: "AENQ config", 27: "link config",
            28: "host attributes", 29: "PHC config", 30: "flow steering"}

# driver events that answer a device event (the device's comes first) or
# cause one (the driver's comes first): (key, "device"|"driver"). An AENQ
# handler is paired with its event by the queue index (tour.py), an admin
# command by its opcode and feature; vector 0's interrupts are not paired,
# as a keep-alive posted at the end of one step may be handled in the next.
ANCHORS = {
    "ena_com_reg_bar_read32": ("regread", "driver"),
    "ena_intr_msix_io": ("irq-io", "device"),
    "ena_refill_rx_bufs": ("rx-doorbell", "driver"),
    "admin_submit": ("admin", "driver"),
    "dev_reset": ("reset", "driver"),
    "tx_prepare": ("tx", "driver"),
}

# an admin command's error, by errno name
ADMIN_ERRORS = {
    "ENODEV": "the admin queue is stopped (the device is being reset): the command never reached the device",
    "ETIME": "no completion within the admin timeout: the driver will reset the device",
    "EOPNOTSUPP": "the device does not support this (feature not in its supported list, or status UNSUPPORTED_OPCODE)",
    "EINVAL": "the device answered MALFORMED_REQUEST or ILLEGAL_PARAMETER",
    "ENOMEM": "the device answered RESOURCE_ALLOCATION_FAILURE",
    "EIO": "the device answered with another error status",
}
