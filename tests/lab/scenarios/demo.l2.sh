# shellcheck shell=dash
# demo (L2 side): the boot scenario, its L3 console shown live.
lab_want passvm && lab_passvm demo-passvm boot
lab_want qemu && lab_qemu demo-qemu boot
