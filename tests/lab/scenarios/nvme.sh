# shellcheck shell=bash
# nvme (host side): VFIO passthrough of L1's emulated NVMe controller into
# L3. Passes when the VMM exits 0, the L3 nvme driver bound with MSI-X
# vectors and wrote its marker, and the marker (with this run's token) is in
# out/nvme.img after L1 exits: the write went through the real device.
scen_nvme_devices() { l1_dev_nvme; }
scen_nvme_modules() { :; }
scen_nvme_budget() { echo 150; }

check_nvme_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text end rc wall why="" line msix
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	line=$(lines "$text" 'L3: nvme driver=')
	msix=$(field "$line" msix_vectors)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (vfio-pci bind failed or L2 died?)"
		text=$(lines "$(tr -d '\r' <"$logf")" 'LAB:|vfio|nvme')
	elif [ "$rc" = missing ]; then
		why="VMM binary missing (build/passvm not built)"
	elif [ -z "$end" ]; then
		why="VMM never returned (L2 died or L1 timed out)"
	elif [ "$rc" != 0 ]; then
		why="VMM exit=$rc, want 0"
	elif [ -z "$line" ]; then
		why="L3 never saw the NVMe controller"
	elif [ "${msix:-0}" -lt 1 ]; then
		why="L3 nvme driver has no MSI-X vectors"
	elif ! grep -q "L3: NVME-WRITE-OK vmm=$vmm" <<<"$text"; then
		why="L3 could not write/read back the marker"
	elif ! grep -a -q "PASSVM-LAB-NVME-OK vmm=$vmm token=$LAB_TOKEN" "$OUT_DIR/nvme.img"; then
		why="marker not in out/nvme.img (the write never reached the L1 device)"
	fi
	if [ -z "$why" ]; then
		result "$label" ok "exit=0 msix_vectors=$msix marker in nvme.img wall=$(ms_to_s "$wall")s"
	else
		result "$label" fail "$why" "$text"
	fi
}

scen_nvme_check() {
	local logf=$1
	lab_want passvm && check_nvme_run "$logf" nvme-passvm nvme/passvm passvm
	lab_want qemu && check_nvme_run "$logf" nvme-qemu nvme/qemu qemu
}
