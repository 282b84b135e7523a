// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dma.h"

/*
 * The client can shrink a memory file after DMA_MAP checked its size, and
 * touching the mapping past the new end raises SIGBUS.  Copies to and from
 * guest memory run with this guard armed: the handler turns such a fault
 * into a failed access.  A SIGBUS anywhere else keeps its default action.
 */
static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	(void)si;
	(void)ctx;
	if (fault_armed) {
		fault_armed = 0;
		siglongjmp(fault_env, 1);
	}
	/* not a guest memory access: the fault repeats and kills the process */
	signal(sig, SIG_DFL);
}

static void install_fault_handler(void)
{
	static bool installed;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	if (installed)
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	installed = true;
}

void dma_init(struct dma_space *s)
{
	memset(s, 0, sizeof(*s));
	install_fault_handler();
}

static void region_release(struct dma_region *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	r->map = NULL;
	r->fd = -1;
}

int dma_map(struct dma_space *s, uint64_t iova, uint64_t size, uint32_t prot,
	    int fd, uint64_t offset)
{
	struct dma_region r = { .iova = iova, .size = size, .prot = prot, .fd = fd };
	unsigned int i, pos;

	if (!size || iova + size < iova || !(prot & (DMA_PROT_READ | DMA_PROT_WRITE)) ||
	    (prot & ~(DMA_PROT_READ | DMA_PROT_WRITE))) {
		if (fd >= 0)
			close(fd);
		return EINVAL;
	}
	/* find the insertion point and refuse overlaps (spec: EEXIST) */
	for (pos = 0; pos < s->n && s->r[pos].iova < iova; pos++)
		;
	if ((pos > 0 && s->r[pos - 1].iova + s->r[pos - 1].size > iova) ||
	    (pos < s->n && iova + size > s->r[pos].iova)) {
		if (fd >= 0)
			close(fd);
		return EEXIST;
	}
	if (s->n >= DMA_MAX_REGIONS) {
		if (fd >= 0)
			close(fd);
		return ENOSPC;
	}
	if (fd >= 0) {
		long pg = sysconf(_SC_PAGESIZE);
		struct stat st;

		/*
		 * Touching a mapping beyond the end of its file raises SIGBUS:
		 * only a regular file (memfd, hugetlbfs, a RAM file) that covers
		 * the whole range is mapped.
		 */
		if (fstat(fd, &st) || !S_ISREG(st.st_mode) || offset > (uint64_t)st.st_size ||
		    size > (uint64_t)st.st_size - offset) {
			close(fd);
			return EINVAL;
		}
		uint64_t base = offset & ~((uint64_t)pg - 1);
		uint64_t skew = offset - base;
		int mprot = 0;

		if (size > SIZE_MAX - skew) {
			close(fd);
			return EINVAL;
		}
		if (prot & DMA_PROT_READ)
			mprot |= PROT_READ;
		if (prot & DMA_PROT_WRITE)
			mprot |= PROT_READ | PROT_WRITE;
		r.map_len = (size_t)(size + skew);
		r.map = mmap(NULL, r.map_len, mprot, MAP_SHARED, fd, (off_t)base);
		if (r.map == MAP_FAILED) {
			int err = errno;

			close(fd);
			return err ? err : EINVAL;
		}
		r.host = (uint8_t *)r.map + skew;
	}
	if (s->n == s->cap) {
		unsigned int ncap = s->cap ? s->cap * 2 : 16;
		struct dma_region *nr = realloc(s->r, ncap * sizeof(*nr));

		if (!nr) {
			region_release(&r);
			return ENOMEM;
		}
		s->r = nr;
		s->cap = ncap;
	}
	for (i = s->n; i > pos; i--)
		s->r[i] = s->r[i - 1];
	s->r[pos] = r;
	s->n++;
	return 0;
}

int dma_unmap(struct dma_space *s, uint64_t iova, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		if (s->r[i].iova == iova && s->r[i].size == size) {
			region_release(&s->r[i]);
			memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(s->r[0]));
			s->n--;
			return 0;
		}
	}
	return ENOENT;
}

void dma_unmap_all(struct dma_space *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		region_release(&s->r[i]);
	free(s->r);
	dma_init(s);
}

static const struct dma_region *find(const struct dma_space *s, uint64_t addr)
{
	unsigned int lo = 0, hi = s->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct dma_region *r = &s->r[mid];

		if (addr < r->iova)
			hi = mid;
		else if (addr - r->iova >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/*
 * Walk [addr, addr+len) over adjacent regions; calls fn for each piece.
 * Fails without calling fn at all unless the whole range is accessible.
 */
typedef void (*piece_fn)(uint8_t *host, size_t off, size_t n, void *arg);

static bool walk(const struct dma_space *s, uint64_t addr, uint64_t len,
		 uint32_t prot, piece_fn fn, void *arg)
{
	uint64_t a = addr, done = 0;

	if (addr + len < addr)
		return false;
	while (done < len) {
		const struct dma_region *r = find(s, a);
		uint64_t n;

		if (!r || !r->host || (r->prot & prot) != prot)
			return false;
		n = r->size - (a - r->iova);
		if (n > len - done)
			n = len - done;
		if (fn)
			fn(r->host + (a - r->iova), (size_t)done, (size_t)n, arg);
		a += n;
		done += n;
	}
	return true;
}

/* validate first, then copy: never a partial access unless a file shrank */
static bool access_guarded(struct dma_space *s, uint64_t addr, uint64_t len,
			   uint32_t prot, piece_fn fn, void *arg)
{
	bool ok;

	if (!walk(s, addr, len, prot, NULL, NULL))
		return false;
	if (sigsetjmp(fault_env, 1)) {
		s->faults++;
		return false;
	}
	fault_armed = 1;
	ok = walk(s, addr, len, prot, fn, arg);
	fault_armed = 0;
	return ok;
}

bool dma_check(const struct dma_space *s, uint64_t addr, uint64_t len, uint32_t prot)
{
	return walk(s, addr, len, prot, NULL, NULL);
}

static void copy_out(uint8_t *host, size_t off, size_t n, void *arg)
{
	memcpy((uint8_t *)arg + off, host, n);
}

static void copy_in(uint8_t *host, size_t off, size_t n, void *arg)
{
	memcpy(host, (const uint8_t *)arg + off, n);
}

bool dma_read(struct dma_space *s, uint64_t addr, void *buf, size_t len)
{
	return access_guarded(s, addr, len, DMA_PROT_READ, copy_out, buf);
}

bool dma_write(struct dma_space *s, uint64_t addr, const void *buf, size_t len)
{
	return access_guarded(s, addr, len, DMA_PROT_WRITE, copy_in, (void *)buf);
}
