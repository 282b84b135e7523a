// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ena_eni.h"
#include "ena_flow.h"
#include "ena_if.h"
#include "profile.h"

void profile_defaults(struct ena_profile *p)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0xe0, 0xa0, 0x01 };

	memset(p, 0, sizeof(*p));
	p->pci_device_id = EIF_PCI_DEV_VF;
	p->revision = 0;
	p->readless = true;
	p->msix_vectors = 9;
	p->llq_bar_size = 1u << 20;
	/* LLQ and its accelerated mode, as Nitro devices offer them */
	p->llq = true;
	p->llq_entry_recommended = 128;
	p->llq_no_meta_caching = true;
	p->llq_tx_burst = 4096;

	memcpy(p->mac, mac, sizeof(mac));
	p->max_mtu = 9216;
	p->impl_id = 0;
	p->device_version = EIF_VERSION(2, 0);
	p->dma_width = 48;
	p->reset_timeout = 20;
	p->admin_timeout = 0;
	p->capabilities = EIF_BIT(EIF_CAP_ENI_STATS) | EIF_BIT(EIF_CAP_EXT_RESET_REASONS);

	p->max_queues = 8;
	p->tx_depth = 1024;
	p->rx_depth = 1024;
	p->max_tx_descs = 19;
	p->max_rx_descs = 19;
	p->max_tx_header = 128;
	p->max_queues_ext = true;

	p->offload_tx = EIF_OFF_TX_L3_CSUM_IPV4 | EIF_OFF_TX_L4_IPV4_PART |
			EIF_OFF_TX_L4_IPV6_PART | EIF_OFF_TX_TSO_IPV4 | EIF_OFF_TX_TSO_IPV6 |
			EIF_OFF_TX_TSO_ECN;
	p->offload_rx = EIF_OFF_RX_L3_CSUM_IPV4 | EIF_OFF_RX_L4_IPV4_CSUM |
			EIF_OFF_RX_L4_IPV6_CSUM | EIF_OFF_RX_HASH;
	p->rss = true;
	p->intr_delay_resolution = 1;

	p->hw_hints = true;

	p->link_speed_mbps = 100000;
	p->link_supported = 0x80;	/* 100G */
	p->link_up = true;
	p->aenq_groups = EIF_AENQ_ALL_GROUPS;
	p->keepalive_ms = 1000;
	p->chaos_seed = 1;
	p->frag_bypass = true;
	p->flow_steering_rules = 64;
	p->conntrack_timeout_ms = 30000;
	p->phc = true;
	/* a read goes through QEMU and the model's loop: milliseconds, not
	 * the microseconds of a real device */
	p->phc_expire_us = 20000;
	p->phc_block_us = 100000;
}

void profile_free(struct ena_profile *p)
{
	unsigned int i;

	for (i = 0; i < p->n_sockets; i++)
		free(p->sockets[i]);
	p->n_sockets = 0;
}

static int fail(char *err, unsigned int errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, unsigned int errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (!*v || *v == '-')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || x > max)
		return -1;
	*out = x;
	return 0;
}

static int parse_mac(const char *v, uint8_t mac[6])
{
	unsigned int b[6], i;
	char tail;

	if (sscanf(v, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* comma separated list of small numbers -> bitmap */
static int parse_bitlist(const char *v, unsigned int limit, uint32_t *out)
{
	uint32_t m = 0;
	const char *s = v;

	if (!strcasecmp(v, "none") || !*v) {
		*out = 0;
		return 0;
	}
	while (*s) {
		char *end;
		unsigned long x = strtoul(s, &end, 0);

		if (end == s || x >= limit)
			return -1;
		m |= 1u << x;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	*out = m;
	return 0;
}

enum kind { K_BOOL, K_U8, K_U16, K_U32, K_U64, K_UINT };

struct key_desc {
	const char *key;
	enum kind kind;
	size_t off;
	uint64_t max;
	const char *help;
};

#define F(m) offsetof(struct ena_profile, m)

static const struct key_desc keys[] = {
	{ "readless", K_BOOL, F(readless), 1, "driver may use readless register reads (PCI revision bit 0 clear)" },
	{ "revision", K_U8, F(revision), 0xff, "PCI revision id (bit 0 is set/cleared by readless)" },
	{ "msix_vectors", K_UINT, F(msix_vectors), 129, "MSI-X vectors (1 management + 1 per queue pair)" },
	{ "llq_bar_size", K_U32, F(llq_bar_size), 1u << 30, "BAR2 (LLQ memory) size in bytes, power of 2 >= 4096, 0: none" },
	{ "llq", K_BOOL, F(llq), 1, "advertise LLQ: TX descriptors and headers pushed into BAR2 (needs llq_bar_size)" },
	{ "llq_no_meta_caching", K_BOOL, F(llq_no_meta_caching), 1, "LLQ accelerated mode: the driver must send a meta descriptor with every packet (the device keeps none)" },
	{ "llq_tx_burst", K_U16, F(llq_tx_burst), 0xffff, "LLQ accelerated mode: at most this many bytes of LLQ entries per doorbell (0: no limit)" },
	{ "llq_entry_recommended", K_U16, F(llq_entry_recommended), 256, "LLQ version 1: the entry size the device recommends, 128, 192 or 256 bytes" },
	{ "max_mtu", K_U32, F(max_mtu), 65535, "device max MTU (without L2 header)" },
	{ "impl_id", K_U32, F(impl_id), 0xffffffffu, "device attributes impl_id" },
	{ "device_version", K_U32, F(device_version), 0xffffffffu, "device attributes device_version" },
	{ "dma_width", K_UINT, F(dma_width), 64, "DMA address width in CAPS (driver accepts 32..48)" },
	{ "reset_timeout", K_UINT, F(reset_timeout), 31, "CAPS reset timeout, 100 ms units (0 is rejected by the driver)" },
	{ "admin_timeout", K_UINT, F(admin_timeout), 15, "CAPS admin command timeout, 100 ms units (0: driver default)" },
	{ "queues", K_UINT, F(max_queues), 128, "IO queue pairs (SQ+CQ per direction)" },
	{ "tx_depth", K_U32, F(tx_depth), 65536, "max TX ring depth" },
	{ "rx_depth", K_U32, F(rx_depth), 65536, "max RX ring depth" },
	{ "max_tx_descs", K_U16, F(max_tx_descs), 0xffff, "max descriptors per TX packet" },
	{ "max_rx_descs", K_U16, F(max_rx_descs), 0xffff, "max descriptors per RX packet" },
	{ "max_tx_header", K_U32, F(max_tx_header), 0xffffffffu, "max TX header size" },
	{ "max_queues_ext", K_BOOL, F(max_queues_ext), 1, "advertise MAX_QUEUES_EXT (else legacy MAX_QUEUES_NUM)" },
	{ "offload_tx", K_U32, F(offload_tx), 0xff, "stateless offload TX bitmap" },
	{ "offload_rx", K_U32, F(offload_rx), 0xf, "stateless offload RX bitmap (supported = enabled)" },
	{ "rss", K_BOOL, F(rss), 1, "advertise RSS features (indirection table, hash function, hash input)" },
	{ "intr_delay_resolution", K_U16, F(intr_delay_resolution), 0xffff, "interrupt moderation delay resolution in us, 0: feature not advertised" },
	{ "hw_hints", K_BOOL, F(hw_hints), 1, "advertise the HW hints feature" },
	{ "hint_mmio_read_timeout", K_U16, F(hint_mmio_read_timeout), 0xffff, "hint, ms" },
	{ "hint_driver_watchdog", K_U16, F(hint_driver_watchdog), 0xffff, "hint, ms (0xffff: no keep-alive timeout)" },
	{ "hint_missing_tx_timeout", K_U16, F(hint_missing_tx_timeout), 0xffff, "hint, ms" },
	{ "hint_missed_tx_threshold", K_U16, F(hint_missed_tx_threshold), 0xffff, "hint, count" },
	{ "hint_admin_timeout", K_U16, F(hint_admin_timeout), 0xffff, "hint, ms" },
	{ "hint_netdev_wd", K_U16, F(hint_netdev_wd), 0xffff, "hint, ms" },
	{ "link_speed", K_U32, F(link_speed_mbps), 0xffffffffu, "link speed in Mb/s" },
	{ "link_supported", K_U32, F(link_supported), 0xffffffffu, "link speed bitmap" },
	{ "link_up", K_BOOL, F(link_up), 1, "initial link state" },
	{ "keepalive_ms", K_UINT, F(keepalive_ms), 3600000, "keep-alive AENQ period in ms, 0: none" },
	{ "rx_drops", K_U64, F(rx_drops), UINT64_MAX, "initial device rx_drops counter" },
	{ "rx_overruns", K_U64, F(rx_overruns), UINT64_MAX, "initial device rx_overruns counter (frames the RX ring had no buffer for)" },
	{ "tx_drops", K_U64, F(tx_drops), UINT64_MAX, "initial device tx_drops counter" },
	{ "pps_allowance", K_U32, F(pps_allowance), 0xffffffffu, "ENI packets/s allowance, both directions (0: unlimited); excess is dropped and counted in the ENI stats" },
	{ "bw_in_allowance", K_U32, F(bw_in_mbps), 0xffffffffu, "ENI inbound Mb/s allowance (0: unlimited)" },
	{ "bw_out_allowance", K_U32, F(bw_out_mbps), 0xffffffffu, "ENI outbound Mb/s allowance (0: unlimited)" },
	{ "conntrack_allowance", K_U32, F(conntrack_allowance), ENA_ENI_MAX_FLOWS, "ENI connections tracked at once (TCP/UDP 5-tuples, other IP by addresses; 0: unlimited and untracked); a frame of a new one past it is dropped" },
	{ "conntrack_timeout_ms", K_U32, F(conntrack_timeout_ms), 0xffffffffu, "idle time after which a tracked connection is forgotten" },
	{ "linklocal_allowance", K_U32, F(linklocal_allowance), 0xffffffffu, "ENI packets/s allowance to and from the link-local services, 169.254.0.0/16 and fd00:ec2::/32 (0: unlimited)" },
	{ "frag_pps_allowance", K_U32, F(frag_pps_allowance), 0xffffffffu, "ENI sent IP fragments/s allowance (0: unlimited), counted as pps_allowance_exceeded; a driver that enables fragment bypass is not limited" },
	{ "frag_bypass", K_BOOL, F(frag_bypass), 1, "offer fragment bypass (feature 8)" },
	{ "flow_steering_rules", K_U16, F(flow_steering_rules), ENA_FLOW_MAX_RULES, "flow steering (feature 30): rules the device holds (0: not offered)" },
	{ "rx_offset", K_U8, F(rx_offset), 0xff, "RX: bytes before the frame in its first buffer, for drivers that allow an offset in their host info" },
	{ "extra_properties_flags", K_U32, F(extra_props_flags), 0xffffffffu, "extra properties: bit N is the value of the Nth name" },
	{ "phc", K_BOOL, F(phc), 1, "advertise the PTP hardware clock (feature 29): the host's CLOCK_REALTIME" },
	{ "phc_expire_us", K_U32, F(phc_expire_us), 0xffffffffu, "PHC: the driver gives up on a read after this long (0: the driver's default)" },
	{ "phc_block_us", K_U32, F(phc_block_us), 0xffffffffu, "PHC: after a failed read the driver waits this long (0: the driver's default)" },
	{ "phc_error_bound_ns", K_U32, F(phc_error_bound_ns), 0xffffffffu, "PHC: the error bound answered (0: the host clock's estimated error when it is synchronised, else 100000)" },
	{ "chaos", K_U32, F(chaos_ppm), 1000000, "garble this many per million of the completion and AENQ entries the device writes (0: none)" },
	{ "chaos_seed", K_U32, F(chaos_seed), 0xffffffffu, "seed of the chaos garbling (same seed, same garbling)" },
	{ "reconnect", K_BOOL, F(reconnect), 1, "wait for a new client after a disconnect instead of exiting" },
	/* handled specially below */
	{ "mac", K_BOOL, 0, 0, "MAC address aa:bb:cc:dd:ee:ff (function N gets last byte + N)" },
	{ "device", K_BOOL, 0, 0, "vf | pf | <PCI device id>" },
	{ "capabilities", K_BOOL, 0, 0, "device capability bits: list of 0=eni_stats 1=ena_srd 2=customer_metrics 3=extended_reset_reasons, or none" },
	{ "aenq_groups", K_BOOL, 0, 0, "supported AENQ groups: list of 0=link 1=fatal 2=warning 3=notification 4=keep-alive 5=refresh-caps 6=conf-notify 7=reset-request" },
	{ "hide_features", K_BOOL, 0, 0, "feature ids not to advertise, e.g. 3,20" },
	{ "extra_properties", K_BOOL, 0, 0, "extra properties (features 5 and 6): comma-separated names, at most 32 of at most 31 characters; none: not offered (default)" },
	{ "socket", K_BOOL, 0, 0, "socket path (repeatable: one PCI function per socket)" },
};

/* "a,b,c" or "none": the names GET EXTRA_PROPERTIES_STRINGS answers */
static int parse_extra_props(struct ena_profile *p, const char *val, char *err,
			     unsigned int errlen)
{
	const char *s = val;
	unsigned int n = 0;

	if (!strcmp(val, "none")) {
		p->n_extra_props = 0;
		return 0;
	}
	while (*s) {
		size_t len = strcspn(s, ",");

		if (!len || len >= EIF_EXTRA_PROPS_NAME_LEN || n >= EIF_EXTRA_PROPS_MAX)
			return fail(err, errlen, "bad extra properties '%s' (at most %d names "
				    "of 1-%d characters)", val, EIF_EXTRA_PROPS_MAX,
				    EIF_EXTRA_PROPS_NAME_LEN - 1);
		memset(p->extra_props[n], 0, EIF_EXTRA_PROPS_NAME_LEN);
		memcpy(p->extra_props[n], s, len);
		n++;
		s += len;
		if (*s == ',' && !*++s)
			return fail(err, errlen, "bad extra properties '%s' (trailing comma)", val);
	}
	p->n_extra_props = n;
	return 0;
}

int profile_set(struct ena_profile *p, const char *key, const char *val,
		char *err, unsigned int errlen)
{
	const struct key_desc *k = NULL;
	uint64_t x;
	unsigned int i;
	bool b;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcmp(keys[i].key, key)) {
			k = &keys[i];
			break;
		}
	}
	if (!k)
		return fail(err, errlen, "unknown key '%s'", key);

	if (!strcmp(key, "mac")) {
		if (parse_mac(val, p->mac))
			return fail(err, errlen, "bad MAC address '%s'", val);
		return 0;
	}
	if (!strcmp(key, "device")) {
		if (!strcasecmp(val, "vf"))
			p->pci_device_id = EIF_PCI_DEV_VF;
		else if (!strcasecmp(val, "pf"))
			p->pci_device_id = EIF_PCI_DEV_PF;
		else if (!parse_u64(val, 0xffff, &x))
			p->pci_device_id = (uint16_t)x;
		else
			return fail(err, errlen, "bad device '%s' (vf, pf or an id)", val);
		return 0;
	}
	if (!strcmp(key, "capabilities")) {
		if (parse_bitlist(val, 32, &p->capabilities))
			return fail(err, errlen, "bad capability list '%s'", val);
		return 0;
	}
	if (!strcmp(key, "aenq_groups")) {
		if (parse_bitlist(val, EIF_AENQ_GROUPS, &p->aenq_groups))
			return fail(err, errlen, "bad AENQ group list '%s'", val);
		return 0;
	}
	if (!strcmp(key, "hide_features")) {
		if (parse_bitlist(val, EIF_FEAT_ID_LIMIT, &p->hide_features))
			return fail(err, errlen, "bad feature list '%s'", val);
		return 0;
	}
	if (!strcmp(key, "extra_properties"))
		return parse_extra_props(p, val, err, errlen);
	if (!strcmp(key, "socket")) {
		if (p->n_sockets >= PROFILE_MAX_SOCKETS)
			return fail(err, errlen, "too many sockets (max %d)", PROFILE_MAX_SOCKETS);
		if (!*val)
			return fail(err, errlen, "empty socket path");
		p->sockets[p->n_sockets] = strdup(val);
		if (!p->sockets[p->n_sockets])
			return fail(err, errlen, "out of memory");
		p->n_sockets++;
		return 0;
	}

	if (k->kind == K_BOOL) {
		if (parse_bool(val, &b))
			return fail(err, errlen, "%s: expected on/off, got '%s'", key, val);
		*(bool *)((char *)p + k->off) = b;
		return 0;
	}
	if (parse_u64(val, k->max, &x))
		return fail(err, errlen, "%s: expected a number <= %llu, got '%s'", key,
			    (unsigned long long)k->max, val);
	switch (k->kind) {
	case K_U8:
		*(uint8_t *)((char *)p + k->off) = (uint8_t)x;
		break;
	case K_U16:
		*(uint16_t *)((char *)p + k->off) = (uint16_t)x;
		break;
	case K_U32:
		*(uint32_t *)((char *)p + k->off) = (uint32_t)x;
		break;
	case K_U64:
		*(uint64_t *)((char *)p + k->off) = x;
		break;
	case K_UINT:
		*(unsigned int *)((char *)p + k->off) = (unsigned int)x;
		break;
	case K_BOOL:
		break;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int profile_load(struct ena_profile *p, const char *path, char *err, unsigned int errlen)
{
	char line[512], msg[256];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *hash;

		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			fclose(f);
			return fail(err, errlen, "%s:%u: expected key = value", path, lineno);
		}
		*eq = 0;
		if (profile_set(p, trim(s), trim(eq + 1), msg, sizeof(msg))) {
			fclose(f);
			return fail(err, errlen, "%s:%u: %s", path, lineno, msg);
		}
	}
	fclose(f);
	return 0;
}

int profile_validate(const struct ena_profile *p, char *err, unsigned int errlen)
{
	if (!p->n_sockets)
		return fail(err, errlen, "no socket given (--socket PATH)");
	if (p->msix_vectors < 1)
		return fail(err, errlen, "msix_vectors must be >= 1");
	if (p->max_queues < 1)
		return fail(err, errlen, "queues must be >= 1");
	if (p->llq_entry_recommended != 128 && p->llq_entry_recommended != 192 &&
	    p->llq_entry_recommended != 256)
		return fail(err, errlen, "llq_entry_recommended must be 128, 192 or 256");
	if (p->llq_bar_size && (p->llq_bar_size < 4096 ||
				(p->llq_bar_size & (p->llq_bar_size - 1))))
		return fail(err, errlen, "llq_bar_size must be 0 or a power of 2 >= 4096");
	if (p->tx_depth < 1 || p->rx_depth < 1)
		return fail(err, errlen, "queue depths must be >= 1");
	return 0;
}

void profile_help(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		printf("  %-26s %s\n", keys[i].key, keys[i].help);
}
