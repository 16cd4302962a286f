// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the config space of the vfio-pci model (vfio/pci_config.c)
 * against the in-memory device of fake_vfio.c: the per-bit overlay (PCI 3.0
 * §6.1, §6.2.2 command, §6.2.3 status), the capability policy (kept,
 * virtualized, hidden with their bodies, PCIe shown as an RCiEP, PCIe
 * Base 4.0 §7.5.3), the extended list (§7.6), and capability chains that
 * loop, overlap or run past the end of their space.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_pci_env.h"

#define CFG VFIO_PCI_CONFIG_REGION_INDEX

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The standard list as the guest walks it: id | pos << 8, at most @max. */
static unsigned int guest_caps(uint32_t *ids, unsigned int max)
{
	unsigned int n = 0;

	for (uint32_t pos = cfgr(PCI_CAPABILITY_LIST, 1); pos && n < max;
	     pos = cfgr(pos + 1, 1))
		ids[n++] = cfgr(pos, 1) | pos << 8;
	return n;
}

static void test_config_image(void **state)
{
	uint32_t ids[8];
	unsigned int n;

	env_start();
	assert_int_equal(cfgr(PCI_VENDOR_ID, 2), 0x1b36);
	assert_int_equal(cfgr(PCI_DEVICE_ID, 2), 0x0010);
	assert_int_equal(cfgr(PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(cfgr(PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
	assert_int_equal(cfgr(PCI_HEADER_TYPE, 1), 0); /* MF bit cleared */
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 1);
	assert_true(cfgr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);

	/* Standard list: HyperTransport unlinked. */
	n = guest_caps(ids, 8);
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], PCI_CAP_ID_PM | 0x40 << 8);
	assert_int_equal(ids[1], PCI_CAP_ID_MSI | 0x50 << 8);
	assert_int_equal(ids[2], PCI_CAP_ID_MSIX | 0x70 << 8);
	assert_int_equal(ids[3], PCI_CAP_ID_EXP | 0x80 << 8);
	assert_int_equal(ids[4], PCI_CAP_ID_VNDR | 0xc0 << 8);

	/* Passed-through bytes are live: change the device, read it back. */
	fv.cfg[0xc3] = 0x77;
	assert_int_equal(cfgr(0xc3, 1), 0x77);
	fv.cfg[0x44] = 0x08; /* PM control/status */
	assert_int_equal(cfgr(0x44, 1), 0x08);

	/* PCIe: an RC integrated endpoint without link registers. */
	assert_int_equal((cfgr(0x82, 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_RC_END);
	assert_int_equal(cfgr(0x82, 2) & PCI_EXP_FLAGS_VERS, 2);
	assert_int_equal(cfgr(0x80 + PCI_EXP_LNKCAP, 4), 0);
	assert_int_equal(cfgr(0x80 + PCI_EXP_LNKCAP2, 4), 0);
	/* The flags' other bits are the device's: only the type is ours. */
	fv.cfg[0x83] = 0x3e; /* interrupt message number */
	assert_int_equal(cfgr(0x83, 1), 0x3e);

	/* Extended: AER at 0x100 ends the list (SR-IOV unlinked). */
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0);
	assert_int_equal(cfgr(0x140, 4), 0);
}

static void test_bar_sizing_emulated(void **state)
{
	unsigned int nw;

	env_start();
	nw = fv.nr_writes;
	cfgw(PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cfgw(PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_0, 4), 0xffffc004);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	cfgw(PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_2, 4), 0xffffffe1);
	cfgw(PCI_BASE_ADDRESS_4, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_4, 4), 0xfffff000);
	cfgw(PCI_ROM_ADDRESS, 4, 0xfffff800);
	assert_int_equal(cfgr(PCI_ROM_ADDRESS, 4), 0xffff0000);
	cfgw(PCI_INTERRUPT_LINE, 1, 0x0b);
	/* Nothing of that reached the device. */
	assert_int_equal(fv.nr_writes, nw);
	assert_int_equal(fv.cfg[PCI_BASE_ADDRESS_0], 0x04);
}

/*
 * Command: the guest reads its own value; IO, MEMORY, MASTER and
 * INTX_DISABLE reach the device, merged with the device's other bits.
 */
static void test_command_bits(void **state)
{
	int w;

	env_start();
	fv.cfg[PCI_COMMAND + 1] = PCI_COMMAND_SERR >> 8; /* the host's */
	cfgw(PCI_COMMAND, 2,
	     PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY);
	assert_int_equal(cfgr(PCI_COMMAND, 2), PCI_COMMAND_MEMORY |
						       PCI_COMMAND_MASTER |
						       PCI_COMMAND_PARITY);
	w = fake_vfio_find_write(&fv, CFG, PCI_COMMAND);
	assert_true(w >= 0);
	assert_int_equal(fv.writes[w].len, 2);
	assert_int_equal(fv.writes[w].val, PCI_COMMAND_MEMORY |
						   PCI_COMMAND_MASTER |
						   PCI_COMMAND_SERR);
	/* A byte write to the upper half: INTX_DISABLE only. */
	cfgw(PCI_COMMAND + 1, 1, 0xff);
	assert_int_equal(cfgr(PCI_COMMAND + 1, 1),
			 (PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE) >> 8);
	w = fake_vfio_find_write(&fv, CFG, PCI_COMMAND + 1);
	assert_true(w >= 0);
	assert_int_equal(fv.writes[w].val,
			 (PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE) >> 8);
}

/* Status: live but for the capability list bit, which is ours. */
static void test_status_bits(void **state)
{
	int w;

	env_start();
	fv.cfg[PCI_STATUS] = PCI_STATUS_INTERRUPT; /* no CAP_LIST */
	fv.cfg[PCI_STATUS + 1] = PCI_STATUS_REC_MASTER_ABORT >> 8;
	assert_int_equal(cfgr(PCI_STATUS, 2),
			 PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT |
				 PCI_STATUS_REC_MASTER_ABORT);
	/* Clearing the error reaches the device with its own low bits. */
	cfgw(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | 0xff);
	w = fake_vfio_find_write(&fv, CFG, PCI_STATUS);
	assert_true(w >= 0);
	assert_int_equal(fv.writes[w].val, (PCI_STATUS_REC_MASTER_ABORT |
					    0xff) & ~PCI_STATUS_CAP_LIST);
	assert_true(cfgr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
}

/*
 * A hidden capability's body reads as zero and writes never reach the
 * device, standard (HyperTransport at 0xd0) and extended (SR-IOV at
 * 0x140, whose Control register would enable VFs with permissive=1).
 */
static void test_hidden_bodies(void **state)
{
	fv.cfg[0xd4] = 0x5a;
	put32(fv.cfg + 0x140 + PCI_SRIOV_CAP, 0x12345678);
	env_start();
	assert_int_equal(cfgr(0xd4, 1), 0);
	assert_int_equal(cfgr(0x140 + PCI_SRIOV_CAP, 4), 0);
	cfgw(0x140 + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_VFE);
	cfgw(0x140 + PCI_SRIOV_NUM_VF, 2, 4);
	cfgw(0xd4, 4, 0xffffffff);
	assert_int_equal(fake_vfio_find_write(&fv, CFG, 0x140 + PCI_SRIOV_CTRL),
			 -1);
	assert_int_equal(
		fake_vfio_find_write(&fv, CFG, 0x140 + PCI_SRIOV_NUM_VF), -1);
	assert_int_equal(fake_vfio_find_write(&fv, CFG, 0xd4), -1);
	assert_int_equal(cfgr(0x140 + PCI_SRIOV_CTRL, 2), 0);
	/* Past the SR-IOV structure: device-specific, live. */
	fv.cfg[0x180] = 0x33;
	assert_int_equal(cfgr(0x180, 1), 0x33);
}

static void test_ext_caps_hidden_head(void **state)
{
	/* SR-IOV first, AER second: a placeholder at 0x100 links to AER. */
	put32(fv.cfg + 0x100, PCI_EXT_CAP_ID_SRIOV | 1 << 16 | 0x140u << 20);
	put32(fv.cfg + 0x140, PCI_EXT_CAP_ID_ERR | 2 << 16);
	fv.cfg[0x144] = 0x5a; /* AER body: passed through */
	fv.cfg[0x108] = 0x01; /* SR-IOV Control: hidden */
	env_start();
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), 0);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0x140);
	assert_int_equal(cfgr(0x108, 1), 0);
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x140, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x140, 4)), 0);
	assert_int_equal(cfgr(0x144, 1), 0x5a);
	cfgw(0x144, 1, 0x11);
	assert_int_equal(fv.cfg[0x144], 0x11);
}

/* An extended chain that loops or points outside the space ends there. */
static void test_ext_chain_loops_and_escapes(void **state)
{
	/* AER 0x100 -> DSN 0x140 -> back to 0x100. */
	put32(fv.cfg + 0x100, PCI_EXT_CAP_ID_ERR | 2 << 16 | 0x140u << 20);
	put32(fv.cfg + 0x140, PCI_EXT_CAP_ID_DSN | 1 << 16 | 0x100u << 20);
	env_start();
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0x140);
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x140, 4)), PCI_EXT_CAP_ID_DSN);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x140, 4)), 0);
	env_teardown(state);

	/* AER 0x100 -> into the standard space: the list ends at AER. */
	env_setup(state);
	put32(fv.cfg + 0x100, PCI_EXT_CAP_ID_ERR | 2 << 16 | 0x40u << 20);
	env_start();
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0);
	assert_int_equal(cfgr(0x40, 1), PCI_CAP_ID_PM);
	env_teardown(state);

	/* AER 0x100 -> DSN in the last dword, which points back. */
	env_setup(state);
	put32(fv.cfg + 0x100, PCI_EXT_CAP_ID_ERR | 2 << 16 | 0xffcu << 20);
	put32(fv.cfg + 0xffc, PCI_EXT_CAP_ID_DSN | 1 << 16 | 0x100u << 20);
	env_start();
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0xffc);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0xffc, 4)), 0);
}

/* A standard chain that loops: walked once, no hang. */
static void test_cap_chain_loop(void **state)
{
	uint32_t ids[8];

	fv.cfg[0x51] = 0x40; /* MSI -> PM again */
	env_start();
	assert_int_equal(guest_caps(ids, 8), 2);
	assert_int_equal(ids[0], PCI_CAP_ID_PM | 0x40 << 8);
	assert_int_equal(ids[1], PCI_CAP_ID_MSI | 0x50 << 8);
	assert_int_equal(vp.msix_cap, 0);
}

/*
 * A capability whose header lies inside one already accepted is not
 * linked, and does not disturb the first one's registers.
 */
static void test_cap_chain_overlap(void **state)
{
	uint32_t ids[8];

	/* MSI at 0x50 is 24 bytes; its next is "PM" at 0x60, inside it. */
	fv.cfg[0x51] = 0x60;
	fv.cfg[0x60] = PCI_CAP_ID_PM;
	fv.cfg[0x61] = 0x70;
	env_start();
	assert_int_equal(guest_caps(ids, 8), 5);
	assert_int_equal(ids[1], PCI_CAP_ID_MSI | 0x50 << 8);
	assert_int_equal(ids[2], PCI_CAP_ID_MSIX | 0x70 << 8);
	/* 0x60 is still the MSI mask register, emulated and writable. */
	assert_int_equal(cfgr(0x60, 4), 0);
	cfgw(0x60, 4, 0x5);
	assert_int_equal(cfgr(0x60, 4), 0x5);
	assert_int_equal(fake_vfio_find_write(&fv, CFG, 0x60), -1);
}

/*
 * An MSI-X capability at 0xf8 would run 4 bytes into the extended space:
 * it is hidden, and 0x100 keeps the extended list.
 */
static void test_cap_past_the_end(void **state)
{
	uint32_t ids[8];
	unsigned int n;

	fv.cfg[0xd1] = 0xf8; /* HT -> MSI-X at 0xf8 */
	fv.cfg[0xf8] = PCI_CAP_ID_MSIX;
	fv.cfg[0xf9] = 0;
	fv.cfg[0xfa] = 0;
	put32(fv.cfg + 0xfc, 0x2000); /* table: BAR0 + 0x2000 */
	put32(fv.cfg + 0x100, 0); /* "PBA" BAR0 + 0: no ext caps */
	fv.cfg[0x71] = 0x80; /* the real MSI-X at 0x70 stays out */
	fv.cfg[0x70] = PCI_CAP_ID_VNDR;
	fv.cfg[0x72] = 4;
	env_start();
	assert_int_equal(vp.msix_cap, 0);
	n = guest_caps(ids, 8);
	for (unsigned int i = 0; i < n; i++)
		assert_int_not_equal(ids[i] & 0xff, PCI_CAP_ID_MSIX);
	assert_int_equal(cfgr(0x100, 4), 0);
	env_teardown(state);

	/* MSI 64-bit with per-vector mask (24 bytes) at 0xf0: hidden too. */
	env_setup(state);
	fv.cfg[0xd1] = 0xf0;
	fv.cfg[0xf0] = PCI_CAP_ID_MSI;
	fv.cfg[0xf1] = 0;
	fv.cfg[0xf2] = PCI_MSI_FLAGS_64BIT;
	fv.cfg[0xf3] = PCI_MSI_FLAGS_MASKBIT >> 8;
	fv.cfg[0x50] = PCI_CAP_ID_VNDR; /* the real MSI at 0x50 stays out */
	fv.cfg[0x52] = 4;
	fv.cfg[0x53] = 0;
	env_start();
	assert_int_equal(vp.msi_cap, 0);
	assert_int_equal(cfgr(0xf0, 1), 0);
}

static void test_device_without_caps(void **state)
{
	/* No capability list, no INTx, 256-byte config. */
	fv.cfg[PCI_STATUS] = 0;
	fv.cfg[PCI_INTERRUPT_PIN] = 0;
	fv.irq_count[VFIO_PCI_INTX_IRQ_INDEX] = 0;
	fv.regions[CFG].size = 256;
	env_start();
	assert_int_equal(vp.pdev.cfg_size, PCI_CFG_SIZE);
	assert_false(cfgr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfgr(PCI_CAPABILITY_LIST, 1), 0);
	assert_false(vp.intx_on);
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(vp.msix_cap, 0);
	/* Without the MSI-X cap, all of BAR0 is mapped. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(find_region(bar_addr(0))->size, 0x4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(test_config_image),
		T(test_bar_sizing_emulated),
		T(test_command_bits),
		T(test_status_bits),
		T(test_hidden_bodies),
		T(test_ext_caps_hidden_head),
		T(test_ext_chain_loops_and_escapes),
		T(test_cap_chain_loop),
		T(test_cap_chain_overlap),
		T(test_cap_past_the_end),
		T(test_device_without_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
