# shellcheck shell=dash
# demo (L2 side): the boot scenario, its L3 console shown live.
# the L3 kernel's own boot messages are part of the show: no "quiet"
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_CMDLINE="console=ttyS0 panic=-1"
lab_want passvm && lab_passvm demo-passvm boot
lab_want qemu && lab_qemu demo-qemu boot
