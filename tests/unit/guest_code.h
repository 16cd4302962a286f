/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' 64-bit guest programs (run by make_test_bzimage()'s
 * entry, RSI the zero page): each x86 encoding the smoke and jail tests
 * use is spelt here once, as a piece of a uint8_t array initializer.
 * Ports: COM1 0x3f8 (its THR), the debug-exit verdict port 0xf4 (--verdict
 * port), the CMOS index/data pair 0x70/0x71, the reset control register
 * 0xcf9, PM1a_CNT 0x604 (passvm's ACPI FADT). Encodings: Intel SDM vol. 2.
 */
#ifndef PASSVM_TESTS_GUEST_CODE_H
#define PASSVM_TESTS_GUEST_CODE_H

#include <stdint.h>

/* mov dx, 0x3f8: COM1, for G_PUTC() and G_PUTS_RBX (4 bytes) */
#define G_DX_COM1 0x66, 0xba, 0xf8, 0x03
/* mov al, C; out dx, al: one character to the port in DX (3 bytes) */
#define G_PUTC(c) 0xb0, (c), 0xee
/*
 * The NUL-terminated string at RBX (advanced past it) to the port in DX
 * (12 bytes): 1: mov al, [rbx]; test al, al; jz 2f; out dx, al; inc rbx;
 * jmp 1b; 2:
 */
#define G_PUTS_RBX \
	0x8a, 0x03, 0x84, 0xc0, 0x74, 0x06, 0xee, 0x48, 0xff, 0xc3, 0xeb, 0xf4
/* mov al, V; out 0xf4, al: verdict V through the debug-exit port (4) */
#define G_VERDICT(v) 0xb0, (v), 0xe6, 0xf4
/* hlt; jmp hlt: the end of a program (3 bytes) */
#define G_HLT_LOOP 0xf4, 0xeb, 0xfd
/* mov al, 6; mov dx, 0xcf9; out dx, al: a hard reset (7 bytes) */
#define G_CF9_RESET 0xb0, 0x06, 0x66, 0xba, 0xf9, 0x0c, 0xee
/* mov dx, 0x604; mov ax, 0x3400 (SLP_EN | SLP_TYP 5); out dx, ax: S5 (10) */
#define G_S5 0x66, 0xba, 0x04, 0x06, 0x66, 0xb8, 0x00, 0x34, 0x66, 0xef
/*
 * CMOS byte I plus one, left in BL too: this boot's number when I counts
 * boots (CMOS survives a reset, as on a PC) (18 bytes): mov al, I;
 * out 0x70, al; in al, 0x71; inc al; mov bl, al; mov al, I; out 0x70, al;
 * mov al, bl; out 0x71, al
 */
#define G_CMOS_INC_BL(i)                                                      \
	0xb0, (i), 0xe6, 0x70, 0xe4, 0x71, 0xfe, 0xc0, 0x88, 0xc3, 0xb0, (i), \
		0xe6, 0x70, 0x88, 0xd8, 0xe6, 0x71

/* "OK\n" to COM1, then verdict 42 (--verdict port: exit 64 + 42) */
static const uint8_t guest_ok42[] = {
	G_DX_COM1,    G_PUTC('O'),   G_PUTC('K'),
	G_PUTC('\n'), G_VERDICT(42), G_HLT_LOOP,
};

/* jmp $: the guest spins until passvm stops it */
static const uint8_t guest_spin[] = { 0xeb, 0xfe };

#endif
