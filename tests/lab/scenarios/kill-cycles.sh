# shellcheck shell=bash
# kill-cycles (host side; issue #9 item 6): KILL_CYCLES (10; `make soak`:
# 100) passvm runs with the NVMe assigned, each SIGKILLed at a seeded
# random point (KILL_SEED) while pinning guest RAM, while the guest boots
# or while it does NVMe I/O (kill-cycles.l2.sh); after each, the host's
# locked, unevictable and shmem memory return to the baseline (its free
# memory by the end: it lags after kills during I/O), no
# process holds the VFIO group, the NVMe stays on vfio-pci and the next
# run drives it (marker written and read back, exit 0); the L2 script
# itself ends with the fds it started with. passvm only.
scen_kill-cycles_devices() { l1_dev_nvme; }
scen_kill-cycles_modules() { :; }
# ~15 s a cycle under the nested TCG, with room
scen_kill-cycles_budget() { echo $((60 + ${KILL_CYCLES:-10} * 25)); }
scen_kill-cycles_l1_mem() { echo 2048; }

scen_kill-cycles_check() {
	local n=${KILL_CYCLES:-10} i bad="" fds
	lab_want passvm || return 0
	for ((i = 1; i <= n; i++)); do
		rec_merge "kill-cycles/cycle-$i"
		# locked, unevictable and guest (shmem) memory back, each
		[ "${REC[killed_rc]-}" = 137 ] && [ "${REC[reached]-}" = yes ] &&
			[ "${REC[mlocked_kb]:-x}" -lt 32768 ] 2>/dev/null &&
			[ "${REC[unevictable_kb]:-x}" -lt 32768 ] 2>/dev/null &&
			[ "${REC[shmem_kb]:-x}" -lt 32768 ] 2>/dev/null &&
			[ "${REC[group_free]-}" = yes ] &&
			[ "${REC[driver]-}" = vfio-pci ] && [ "${REC[check]-}" = ok ] ||
			bad+="${bad:+,}$i:${REC[phase]-none}"
	done
	rec_merge kill-cycles/summary
	fds=no
	[ -z "${REC[fd_after]-}" ] || [ "${REC[fd_after]}" != "${REC[fd_before]-}" ] || fds=yes
	note kill-cycles/summary cycles_failed="${bad:-none}" fds_same=$fds
	expect kill-cycles/passvm kill-cycles/summary "cycles==$n" "killed==$n" \
		"reached==$n" "checks_ok==$n" "group_free==$n" \
		cycles_failed==none fds_same==yes 'end_free_kb<32768' wall_s~'^[0-9]+$' \
		pin~. boot~. io~. mem_back_ms_max~.
}
