// SPDX-License-Identifier: GPL-2.0
/* PIO/MMIO bus dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/bus.h"

struct dev {
	uint64_t last_off;
	uint32_t last_len;
	uint8_t reg[16];
};

static void dev_read(void *opaque, uint64_t off, uint8_t *data, uint32_t len)
{
	struct dev *d = opaque;

	d->last_off = off;
	d->last_len = len;
	memcpy(data, d->reg + off, len);
}

static void dev_write(void *opaque, uint64_t off, const uint8_t *data,
		      uint32_t len)
{
	struct dev *d = opaque;

	d->last_off = off;
	d->last_len = len;
	memcpy(d->reg + off, data, len);
}

static const struct io_ops dev_ops = { dev_read, dev_write };

static void test_dispatch(void **state)
{
	struct dev a = { 0 }, b = { 0 };
	struct pv_error e;
	struct bus bus;
	uint8_t buf[8];
	uint32_t v = 0xdeadbeef;

	bus_init(&bus, "pio");
	assert_int_equal(bus_register(&bus, 0x3f8, 8, "a", &dev_ops, &a, &e),
			 0);
	assert_int_equal(bus_register(&bus, 0x60, 16, "b", &dev_ops, &b, &e),
			 0);
	assert_true(bus_access(&bus, 0x3fc, (uint8_t *)&v, 4, true));
	assert_int_equal(a.last_off, 4);
	assert_int_equal(a.last_len, 4);
	memset(buf, 0, sizeof(buf));
	assert_true(bus_access(&bus, 0x3fc, buf, 4, false));
	assert_memory_equal(buf, &v, 4);
	assert_true(bus_access(&bus, 0x6f, buf, 1, false));
	assert_int_equal(b.last_off, 15);
	assert_int_equal(bus.ranges[0].exits, 1);
	assert_int_equal(bus.ranges[1].exits, 2);

	/* Unclaimed and straddling accesses read all-ones, count as such. */
	memset(buf, 0, sizeof(buf));
	assert_false(bus_access(&bus, 0x100, buf, 2, false));
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(buf[1], 0xff);
	assert_false(bus_access(&bus, 0x3fe, buf, 4, false));
	assert_int_equal(bus.unhandled, 2);
}

/*
 * A length the bus refuses (0, or more than the 8 bytes KVM passes) is
 * refused before a byte of the caller's buffer is written: the buffer may
 * be no larger than the access the bus can serve (fuzz_serial found it).
 */
static void test_bad_length_untouched(void **state)
{
	struct dev a = { 0 };
	struct pv_error e;
	struct bus bus;
	uint8_t buf[16];

	bus_init(&bus, "pio");
	assert_int_equal(bus_register(&bus, 0x3f8, 8, "a", &dev_ops, &a, &e),
			 0);
	memset(buf, 0x5a, sizeof(buf));
	assert_false(bus_access(&bus, 0x3f8, buf, 9, false));
	assert_false(bus_access(&bus, 0x3f8, buf, 16, false));
	assert_false(bus_access(&bus, 0x3f8, buf, 0, false));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
	assert_false(bus_access(&bus, 0x3f8, buf, 9, true));
	assert_int_equal(a.last_len, 0); /* the device saw none of them */
	assert_int_equal(bus.unhandled, 4);
	assert_int_equal(bus.ranges[0].exits, 0);
}

static void test_overlap_rejected(void **state)
{
	struct dev a;
	struct pv_error e = { "" };
	struct bus bus;

	bus_init(&bus, "mmio");
	assert_int_equal(
		bus_register(&bus, 0x1000, 0x100, "x", &dev_ops, &a, &e), 0);
	assert_int_equal(bus_register(&bus, 0x10ff, 2, "y", &dev_ops, &a, &e),
			 -22);
	assert_non_null(strstr(e.msg, "overlaps x"));
	assert_int_equal(bus_register(&bus, 0x1100, 0, "z", &dev_ops, &a, &e),
			 -22);
	assert_int_equal(
		bus_register(&bus, UINT64_MAX, 2, "w", &dev_ops, &a, &e), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_overlap_rejected),
		cmocka_unit_test(test_bad_length_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
