/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DSDT's AML (build/gen/dsdt.aml, compiled by iasl from
 * firmware/dsdt.asl), linked in as read-only data: dsdt_aml[] up to
 * dsdt_aml_end[] (see firmware/acpi.h). The path is relative to the repo
 * top, where make runs.
 */
	.section .rodata
	.balign 16
	.globl dsdt_aml
	.type dsdt_aml, @object
dsdt_aml:
	.incbin "build/gen/dsdt.aml"
	.globl dsdt_aml_end
	.type dsdt_aml_end, @object
dsdt_aml_end:
	.size dsdt_aml, dsdt_aml_end - dsdt_aml
	.size dsdt_aml_end, 0

	.section .note.GNU-stack,"",@progbits
