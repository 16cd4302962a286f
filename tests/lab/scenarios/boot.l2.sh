# shellcheck shell=dash
# boot (L2 side): the same L3 boot, 2 vCPUs and 256 MiB, under passvm and
# then under QEMU/KVM, in the same L2.
lab_want passvm && lab_passvm boot-passvm
lab_want qemu && lab_qemu boot-qemu
