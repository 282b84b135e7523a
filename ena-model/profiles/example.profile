# Example ena-model profile: "key = value" lines, '#' starts a comment.
# Every key can also be given on the command line as --set key=value;
# command line options win over the file.  The values shown are the defaults
# unless marked otherwise.

# PCI identity
device = vf                 # vf (0xec20), pf (0x0ec2) or a device id
readless = on               # off sets PCI revision bit 0: driver uses MMIO reads
msix_vectors = 9            # 1 management + 1 per IO queue pair
llq_bar_size = 1048576      # BAR2; LLQ itself is not advertised yet

# device attributes
mac = 02:00:00:e0:a0:01     # function N of the process gets last byte + N
max_mtu = 9216
dma_width = 48
reset_timeout = 20          # x 100 ms
capabilities = 0            # 0 = ENI stats; add 2 for customer metrics

# queues
queues = 8
tx_depth = 1024
rx_depth = 1024

# interrupts, AENQ, link
intr_delay_resolution = 1   # 0 hides interrupt moderation
keepalive_ms = 1000
link_up = on
link_speed = 100000

# Until the data path exists (part 2), TX never completes; this hint
# (0xffff = no timeout) stops the driver from resetting the device ~10 s
# after the first packet it sends.  NOT a default.
hint_missing_tx_timeout = 65535
