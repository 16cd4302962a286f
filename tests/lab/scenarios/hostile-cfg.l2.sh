# shellcheck shell=dash
# hostile-cfg (L2 side): the NVMe passed to a passvm guest that writes
# random values to its config space, MSI-X table and the emulated host
# bridge (hostile-cfg.l3.sh), under --trace kvm,mem,vfio,pci (kept off the
# console); lab_memcheck judges the memslots and DMA mappings against the
# memory map. HOSTILE_SEED (fixed: 20261201 unless run-lab is given one)
# and HOSTILE_ITERS (3) go to the guest and into a RESULT line.
lab_want passvm || exit 0
lab_bind "$NVME_BDF" >/dev/null || exit 1
seed=${HOSTILE_SEED:-20261201}
iters=${HOSTILE_ITERS:-3}
lab_result hostile-cfg/seed seed="$seed" iters="$iters"
L3_CMDLINE="$L3_CMDLINE lab_seed=$seed lab_iters=$iters"
# shellcheck disable=SC2034 # read by lab_run_once
LAB_ERR_HIDE=$LAB_TRACE_RE
lab_passvm hostile-cfg-passvm --vfio "$NVME_BDF" --trace kvm,mem,vfio,pci
# shellcheck disable=SC2034
LAB_ERR_HIDE=
lab_memcheck hostile-cfg "$LAB_VMM_ERR"
lab_result hostile-cfg/warn warnings="$(grep -c 'warning' "$LAB_VMM_ERR")" \
	resets="$(grep -c -i 'reset' "$LAB_VMM_ERR")" \
	trace_lines="$(grep -c -E "$LAB_TRACE_RE" "$LAB_VMM_ERR")" \
	driver="$(lab_driver "$NVME_BDF")"
