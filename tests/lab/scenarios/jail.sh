# shellcheck shell=bash
# jail (host side): seccomp and `passvm jail` with the NVMe (jail.l2.sh).
# jail/forbidden: a vCPU's forbidden call (--seccomp-test-forbidden vcpu)
# ends passvm with 148 and a message naming the call and the thread,
# before the guest's first instruction. jail/run: jailed, the guest drives
# the NVMe (nvme.l3.sh; marker at 9 MiB in nvme.img), exit 0. jail/confined:
# while it ran, the jailed passvm was uid 1000 with CapEff, CapPrm and
# CapBnd 0, no_new_privs, PID 1 of its namespace, in its own network
# namespace and the cgroup /passvm/lab (memory.max 1G, pids.max 64), with
# RLIMIT_MEMLOCK = guest RAM + 64 MiB, every thread under a seccomp filter
# (Seccomp: 2), a root holding only the VM's files and nodes; the cgroup
# and pidfile are gone after.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_jail_devices() { l1_dev_nvme; }
scen_jail_modules() { :; }
scen_jail_budget() { echo 120; }

JAIL_GUEST_MIB=256 # L3_MEM_MIB of the L2 helpers
JAIL_MEMLOCK=$(((JAIL_GUEST_MIB + 64) * 1048576))

check_jail_forbidden() {
	local logf=$1 text end rc why=""
	text=$(section "$logf" jail-forbidden)
	end=$(lines "$text" 'LAB: END jail-forbidden ' | tail -n1)
	rc=$(field "$end" exit)
	if [ -z "$text" ]; then
		why="no jail-forbidden run in the log"
	elif [ "$rc" != 148 ]; then
		why="exit=$rc, want 148"
	elif ! grep -q 'passvm: seccomp: the vcpu thread made a forbidden system call: socket (41)' <<<"$text"; then
		why="no message naming the call and the thread"
	elif grep -q 'L3: GUEST-UP' <<<"$text"; then
		why="the guest ran: the vCPU's filter was not on before its first KVM_RUN"
	fi
	record_section jail/forbidden "$text" jail-forbidden
	if [ -z "$why" ]; then
		result jail/forbidden ok "exit=148: $(grep -o 'the vcpu thread made a forbidden system call: [a-z0-9_]* ([0-9]*)' <<<"$text" | head -n1); the guest never ran"
	else
		result jail/forbidden fail "$why" "$text"
	fi
}

check_jail_confined() {
	local logf=$1 text p root after why="" k want
	text=$(section "$logf" jail-passvm)
	p=$(lines "$text" 'LAB: jail proc ' | tail -n1)
	root=$(lines "$text" 'LAB: jail root ' | tail -n1)
	after=$(lines "$(tr -d '\r' <"$logf")" 'LAB: jail after:' | tail -n1)
	for k in capeff=0000000000000000 capprm=0000000000000000 \
		capbnd=0000000000000000 uid=1000 gid=1000 nonewprivs=1 \
		nspid=1 seccomp=2 cgroup=/passvm/lab netns=own \
		memory_max=1073741824 pids_max=64 memlock=$JAIL_MEMLOCK \
		nofile=2048; do
		want=${k#*=}
		[ "$(field "$p" "${k%%=*}")" = "$want" ] ||
			why="$why ${k%%=*}=$(field "$p" "${k%%=*}") (want $want);"
	done
	if [ -z "$p" ]; then
		why="no report of the jailed passvm (did the guest reach its hold?)"
	elif [ "$(field "$p" threads)" -lt 4 ] 2>/dev/null ||
		[ "$(field "$p" filtered)" != "$(field "$p" threads)" ]; then
		why="$why $(field "$p" filtered) of $(field "$p" threads) threads filtered;"
	fi
	# the root: the VM's files and nodes, no more
	grep -q '/lab=l3.cpio,vmlinuz-l3,' <<<"$root" || why="$why /lab in the jail is not just the kernel and initrd;"
	grep -q '/dev=kvm,null,urandom,vfio,vfio/[0-9]*,vfio/vfio,' <<<"$root" || why="$why /dev in the jail is not kvm, null, urandom and the group;"
	[ "$(field "$after" cgroup_left)" = no ] || why="$why the cgroup outlived the jail;"
	[ "$(field "$after" pidfile_left)" = no ] || why="$why passvm.pid outlived the jail;"
	if [ -z "$why" ]; then
		result jail/confined ok "uid=1000 CapEff=0 CapBnd=0 NoNewPrivs=1 PID 1, $(field "$p" filtered)/$(field "$p" threads) threads Seccomp=2 ($(lines "$text" 'LAB: jail thread ' | sed 's/.*LAB: jail thread \([^ ]*\) .*/\1/' | tr '\n' ' ')), cgroup /passvm/lab, memlock=$JAIL_MEMLOCK, own netns; ${root#*LAB: jail root }"
	else
		why=${why# }
		result jail/confined fail "${why%;}" "$(lines "$text" 'LAB: (jail|cmd)|passvm:')"
	fi
}

scen_jail_check() {
	local logf=$1
	lab_want passvm || return 0
	check_jail_forbidden "$logf"
	check_nvme_run "$logf" jail-passvm jail/run passvm jail
	check_jail_confined "$logf"
	print_run_table
}
