// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/pci_cap.c: the MSI-X table and PBA layout decoded
 * from a config-space image (PCI Local Bus 3.0 §6.8.2), for capabilities
 * that fit, that run past the 256-byte space or the readable bytes, with
 * reserved BIRs, and tables that do or do not fit their BARs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>

#include "devices/pci_cap.h"

static void put_msix(uint8_t *cfg, unsigned int pos, uint16_t qsize,
		     uint32_t table, uint32_t pba)
{
	cfg[pos] = PCI_CAP_ID_MSIX;
	cfg[pos + 2] = (uint8_t)qsize;
	cfg[pos + 3] = (uint8_t)(qsize >> 8) | 0xc0; /* enable, mask: ignored */
	memcpy(cfg + pos + PCI_MSIX_TABLE, &table, 4);
	memcpy(cfg + pos + PCI_MSIX_PBA, &pba, 4);
}

static void test_layout(void **state)
{
	uint8_t cfg[4096] = { 0 };
	struct pci_msix_layout l;

	put_msix(cfg, 0x70, 15, 0x2000 | 0, 0x2800 | 0);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x70, &l), 0);
	assert_int_equal(l.nvec, 16);
	assert_int_equal(l.table_bir, 0);
	assert_int_equal(l.table_off, 0x2000);
	assert_int_equal(l.table_size, 256);
	assert_int_equal(l.pba_bir, 0);
	assert_int_equal(l.pba_off, 0x2800);
	assert_int_equal(l.pba_size, 8);

	/* 2048 vectors, PBA in BAR4: 32 KiB of table, 256 bytes of PBA. */
	put_msix(cfg, 0x40, 0x7ff, 0x0 | 2, 0x10000 | 4);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), 0);
	assert_int_equal(l.nvec, 2048);
	assert_int_equal(l.table_bir, 2);
	assert_int_equal(l.table_size, 32768);
	assert_int_equal(l.pba_bir, 4);
	assert_int_equal(l.pba_off, 0x10000);
	assert_int_equal(l.pba_size, 256);
	/* 65 vectors need two PBA qwords. */
	put_msix(cfg, 0x40, 64, 0, 0x1000);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), 0);
	assert_int_equal(l.pba_size, 16);
}

static void test_layout_bad(void **state)
{
	uint8_t cfg[4096] = { 0 };
	struct pci_msix_layout l;

	/* Reserved BIRs: filled in (for a report), but -ERANGE. */
	put_msix(cfg, 0x40, 3, 0x1000 | 6, 0x2000 | 0);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), -ERANGE);
	assert_int_equal(l.table_bir, 6);
	put_msix(cfg, 0x40, 3, 0x1000, 0x2000 | 7);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), -ERANGE);

	/* 12 bytes at 0xf8 run into the extended space: refused. */
	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0xf8, &l), -EINVAL);
	assert_int_equal(l.nvec, 0x5a5a5a5a);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0xf4, &l), 0);
	/* Only 64 bytes readable (an unprivileged sysfs read). */
	put_msix(cfg, 0x40, 3, 0x1000, 0x2000);
	assert_int_equal(pci_msix_layout(cfg, 64, 0x40, &l), -EINVAL);
	assert_int_equal(pci_msix_layout(cfg, 76, 0x40, &l), 0);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0xfffffff8u, &l),
			 -EINVAL);
}

static void test_fits(void **state)
{
	uint8_t cfg[256] = { 0 };
	struct pci_msix_layout l;

	put_msix(cfg, 0x40, 15, 0x3f00, 0x3ff8);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), 0);
	assert_true(pci_msix_fits(&l, 0x4000, 0x4000));
	assert_false(pci_msix_fits(&l, 0x3fff, 0x4000));
	assert_false(pci_msix_fits(&l, 0x4000, 0x3fff));
	assert_false(pci_msix_fits(&l, 0, 0x4000));
	/* An offset near 4 GiB with a 4 GiB BAR: inside, no wrap games. */
	put_msix(cfg, 0x40, 0, 0xfffffff0, 0xfffffff8);
	assert_int_equal(pci_msix_layout(cfg, sizeof(cfg), 0x40, &l), 0);
	assert_true(pci_msix_fits(&l, 1ull << 32, 1ull << 32));
	assert_false(pci_msix_fits(&l, 0xfffffff8, 1ull << 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_bad),
		cmocka_unit_test(test_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
