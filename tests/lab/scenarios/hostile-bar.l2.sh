# shellcheck shell=dash
# hostile-bar (L2 side): the NVMe and the edu passed to one passvm guest
# that moves their BARs where no BAR may be mapped (hostile-bar.l3.sh),
# under --trace kvm,mem,vfio,pci; lab_memcheck then judges every memslot
# passvm made (none over RAM, the IOAPIC, the MSI window, beyond the
# address width, over another BAR) and the map at the guest's stop.
lab_want passvm || exit 0
lab_bind "$NVME_BDF" >/dev/null || exit 1
lab_bind "$EDU_BDF" >/dev/null || exit 1
# the trace stays in $LAB_VMM_ERR, off the console (lab_run_once)
# shellcheck disable=SC2034 # read by lab_run_once
LAB_ERR_HIDE=$LAB_TRACE_RE
lab_passvm hostile-bar-passvm --vfio "$NVME_BDF" --vfio "$EDU_BDF" \
	--trace kvm,mem,vfio,pci
# shellcheck disable=SC2034
LAB_ERR_HIDE=
lab_memcheck hostile-bar "$LAB_VMM_ERR"
lab_result hostile-bar/warn refused="$(grep -c -e 'is not mapped' -e 'neither is mapped' "$LAB_VMM_ERR")" \
	map_failed="$(grep -c 'mapping BAR.*failed' "$LAB_VMM_ERR")" \
	trace_lines="$(grep -c -E "$LAB_TRACE_RE" "$LAB_VMM_ERR")"
lab_unbind "$EDU_BDF" >/dev/null
