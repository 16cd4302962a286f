// SPDX-License-Identifier: GPL-2.0
/* The virtqueue walker's fuzz harness (unit tests and libFuzzer). */
#include "virtq_fuzz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "memory/mem_map.h"
#include "virtio/virtq.h"

static uint8_t ram[VIRTQ_FUZZ_RAM_SIZE] __attribute__((aligned(4096)));

static void check_inside(const struct virtq_chain *c)
{
	for (unsigned int i = 0; i < c->nout + c->nin; i++) {
		const uint8_t *b = c->iov[i].iov_base;

		if (b < ram || c->iov[i].iov_len > sizeof(ram) ||
		    b + c->iov[i].iov_len > ram + sizeof(ram))
			abort();
	}
}

int virtq_fuzz_one(const uint8_t *data, size_t size)
{
	struct mem_region r = { .gpa = VIRTQ_FUZZ_RAM_GPA,
				.size = sizeof(ram),
				.hva = ram,
				.kind = MEM_REGION_RAM,
				.name = "fuzz" };
	static struct virtq_chain c;
	struct mem_map m;
	struct virtq q;
	int chains = 0;
	uint16_t n;

	if (size < 2)
		return 0;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 2, size - 2 < sizeof(ram) ? size - 2 : sizeof(ram));
	mem_map_init(&m);
	if (mem_map_add(&m, &r, NULL))
		abort();
	memset(&q, 0, sizeof(q));
	n = (uint16_t)(1u << (data[0] % 9));
	q.size = n;
	q.desc_gpa = VIRTQ_FUZZ_RAM_GPA;
	q.avail_gpa = q.desc_gpa + 16ull * n;
	q.used_gpa = (q.avail_gpa + 6 + 2ull * n + 3) & ~3ull;
	if (virtq_start(&q, &m, data[1] & 1, data[1] & 2))
		return 0;
	/* More than a lap of the ring: indices wrap, the device keeps up. */
	for (int i = 0; i < 2 * n + 2; i++) {
		int ret = virtq_pop(&q, &c);

		if (ret <= 0)
			break;
		check_inside(&c);
		if (c.out_bytes != 0 && c.nout == 0)
			abort();
		virtq_push(&q, c.head, c.in_bytes);
		(void)virtq_should_notify(&q);
		chains++;
		if (!virtq_has_avail(&q) && !virtq_kick_enable(&q))
			break;
	}
	return chains;
}

#ifdef VIRTQ_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	virtq_fuzz_one(data, size);
	return 0;
}
#endif
