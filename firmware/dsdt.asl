/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * The passvm DSDT (ASL 2.0, ACPI 6.4), compiled by iasl at build time and
 * linked in by firmware/dsdt_aml.S. It is static: what depends on the VM
 * size (the 64-bit PCI window) is read at run time from the parameter
 * block that acpi_build() writes at ACPI_PARAMS_GPA.
 *
 * Contents:
 *   \_S5          sleep type for soft-off (ACPI 6.4 sec. 7.4.2)
 *   \_SB.PCI0     PCIe host bridge, bus 0 (sec. 6.1, 6.2.5, 6.2.6)
 *   \_SB.MRES     motherboard resources: ECAM, PM1 block, reset port
 *   \_SB.COM1     16550 UART at 0x3f8, IRQ 4
 *   \_SB.VRDT     the verdict register page (devices/verdict.h)
 */
#include "acpi_layout.h"

DefinitionBlock ("", "DSDT", 2, "PASSVM", "PASSVMDS", 0x00000001)
{
    /* SLP_TYPa, SLP_TYPb, reserved, reserved: ACPI_S5_SLP_TYP in acpi.h */
    Name (_S5, Package () { 5, 5, 0, 0 })

    Scope (_SB)
    {
        /* Written by acpi_build(): 64-bit window base and length. */
        OperationRegion (PVPB, SystemMemory, ACPI_PARAMS_GPA,
                         ACPI_PARAMS_SIZE)
        Field (PVPB, QWordAcc, NoLock, Preserve)
        {
            M64B, 64,
            M64L, 64
        }

        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_SEG, Zero)
            Name (_BBN, Zero)
            Name (_UID, Zero)

            /* Windows without the 64-bit one (M64L == 0). */
            Name (CRSN, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed,
                               PosDecode, 0x0000, 0x0000, 0x0000, 0x0000,
                               0x0001)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                        EntireRange, 0x0000, 0x0000, 0x0CF7, 0x0000,
                        0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                        EntireRange, 0x0000, 0x0D00, 0xFFFF, 0x0000,
                        0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed,
                             MaxFixed, NonCacheable, ReadWrite,
                             0x00000000, ACPI_MMIO32_BASE, ACPI_MMIO32_END,
                             0x00000000, ACPI_MMIO32_SIZE)
            })

            /* The same plus the 64-bit window, patched by _CRS. */
            Name (CRSW, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed,
                               PosDecode, 0x0000, 0x0000, 0x0000, 0x0000,
                               0x0001)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                        EntireRange, 0x0000, 0x0000, 0x0CF7, 0x0000,
                        0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                        EntireRange, 0x0000, 0x0D00, 0xFFFF, 0x0000,
                        0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed,
                             MaxFixed, NonCacheable, ReadWrite,
                             0x00000000, ACPI_MMIO32_BASE, ACPI_MMIO32_END,
                             0x00000000, ACPI_MMIO32_SIZE)
                /* Placeholder values, replaced from the parameter block. */
                QWordMemory (ResourceProducer, PosDecode, MinFixed,
                             MaxFixed, Prefetchable, ReadWrite,
                             0x0000000000000000, 0x0000008000000000,
                             0x0000008FFFFFFFFF, 0x0000000000000000,
                             0x0000001000000000, , , M64W, AddressRangeMemory,
                             TypeStatic)
            })

            Method (_CRS, 0, Serialized)
            {
                If ((M64L == Zero))
                {
                    Return (CRSN)
                }

                CreateQWordField (CRSW, \_SB.PCI0.M64W._MIN, WMIN)
                CreateQWordField (CRSW, \_SB.PCI0.M64W._MAX, WMAX)
                CreateQWordField (CRSW, \_SB.PCI0.M64W._LEN, WLEN)
                WMIN = M64B
                WLEN = M64L
                WMAX = ((M64B + M64L) - One)
                Return (CRSW)
            }

            /* INTx of every slot straight to GSIs 16..23. */
            Name (_PRT, Package ()
            {
#include "dsdt_prt.asi"
            })
        }

        /*
         * Reserved so Linux trusts the MCFG (PNP0C02, sec. 6.2.2). The
         * reset register 0xcf9 is not listed: it lies inside 0xcf8-0xcff,
         * which the kernel claims for PCI configuration mechanism #1
         * ("system 00:00: [io 0x0cf9] could not be reserved" otherwise).
         */
        Device (MRES)
        {
            Name (_HID, EisaId ("PNP0C02"))
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, ACPI_ECAM_BASE, ACPI_ECAM_SIZE)
                IO (Decode16, ACPI_PM_BASE, ACPI_PM_BASE, 0x01, ACPI_PM_LEN)
            })
        }

        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, One)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x08, 0x08)
                IRQNoFlags () {4}
            })
        }

        /*
         * The verdict register. Its _HID is passvm's own, which no driver
         * binds, so Linux makes it a platform device whose memory
         * resource is in /proc/iomem but never busy: under
         * CONFIG_STRICT_DEVMEM and CONFIG_IO_STRICT_DEVMEM,
         * devmem_is_allowed() lets /dev/mem map the page (it is not RAM
         * and iomem_is_exclusive() finds no busy resource there).
         */
        Device (VRDT)
        {
            Name (_HID, "PSVM0001")
            Name (_UID, Zero)
            Name (_STR, Unicode ("passvm verdict register"))
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, ACPI_VERDICT_BASE,
                               ACPI_VERDICT_SIZE)
            })
        }
    }
}
