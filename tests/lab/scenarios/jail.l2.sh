# shellcheck shell=dash
# jail (L2 side): seccomp and `passvm jail` with the NVMe 00:03.0.
#   1. jail-forbidden: `passvm run --vfio NVME --seccomp-test-forbidden
#      vcpu`: the vCPU makes a forbidden call before its first KVM_RUN:
#      exit 148 with the message, and the device stays usable (run 2).
#   2. jail-passvm: `passvm jail --id lab --uid 1000 --gid 1000` with a
#      cgroup (memory.max, pids.max) around `passvm run ... --vfio NVME`:
#      the guest drives the NVMe, then holds (lab_hold=8) while L2 reads
#      the jailed passvm's /proc/PID/status (capabilities, uid, seccomp of
#      each thread), cgroup, limits, namespaces and root; exit 0.
NVME_BDF=0000:00:03.0
JAIL_BASE=/srv/jailer
JAIL_UID=1000

# field FILE KEY: the first value of "KEY:\tV..." in a /proc status file
st() {
	awk -v k="$2:" '$1 == k {print $2; exit}' "$1" 2>/dev/null
}

# jail_report: what the jailed passvm is, from outside
jail_report() {
	local vmm t s n=0 f=0 netns=own
	vmm=$(cat "$JAIL_BASE/passvm/lab/passvm.pid" 2>/dev/null)
	if [ -z "$vmm" ] || [ ! -d "/proc/$vmm" ]; then
		echo "LAB: jail proc none (no $JAIL_BASE/passvm/lab/passvm.pid)"
		return
	fi
	for t in /proc/"$vmm"/task/*; do
		n=$((n + 1))
		s=$(st "$t/status" Seccomp)
		[ "$s" = 2 ] && f=$((f + 1))
		echo "LAB: jail thread $(tr ' ' _ <"$t/comm") seccomp=$s filters=$(st "$t/status" Seccomp_filters)"
	done
	[ "$(readlink "/proc/$vmm/ns/net")" = "$(readlink /proc/self/ns/net)" ] && netns=host
	s=/proc/$vmm/status
	echo "LAB: jail proc pid=$vmm capeff=$(st "$s" CapEff) capprm=$(st "$s" CapPrm) capbnd=$(st "$s" CapBnd) uid=$(st "$s" Uid) gid=$(st "$s" Gid) nonewprivs=$(st "$s" NoNewPrivs) nspid=$(awk '$1 == "NSpid:" {print $NF}' "$s") seccomp=$(st "$s" Seccomp) threads=$n filtered=$f cgroup=$(cut -d: -f3 "/proc/$vmm/cgroup") memlock=$(awk '/^Max locked memory/ {print $4}' "/proc/$vmm/limits") nofile=$(awk '/^Max open files/ {print $4}' "/proc/$vmm/limits") netns=$netns memory_max=$(cat /sys/fs/cgroup/passvm/lab/memory.max 2>/dev/null) pids_max=$(cat /sys/fs/cgroup/passvm/lab/pids.max 2>/dev/null)"
	# shellcheck disable=SC2012 # sysfs and device names: plain
	echo "LAB: jail root /=$(ls "/proc/$vmm/root" | tr '\n' ,) /lab=$(ls "/proc/$vmm/root/lab" | tr '\n' ,) /dev=$(cd "/proc/$vmm/root/dev" && find . -mindepth 1 | sed 's/^\.\///' | sort | tr '\n' ,) /sys=$(cd "/proc/$vmm/root/sys" && find . -maxdepth 3 -mindepth 1 | sed 's/^\.\///' | sort | tr '\n' ,)"
	# shellcheck disable=SC2012
	echo "LAB: jail dev $(ls -ln "/proc/$vmm/root/dev/kvm" "/proc/$vmm/root/dev/vfio/"* | awk '{print $NF "=" $1 ":" $3 ":" $4}' | sed 's|.*/root||' | tr '\n' ' ')"
}

grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: jail: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: jail $NVME_BDF group=$grp"
# the jail's cgroup needs cgroup v2
if ! grep -q ' cgroup2 ' /proc/mounts; then
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
fi
echo "LAB: jail cgroup2 controllers=$(tr ' ' , </sys/fs/cgroup/cgroup.controllers)"

# 1. a forbidden system call
lab_passvm jail-forbidden jail --vfio "$NVME_BDF" --seccomp-test-forbidden vcpu

# 2. the jail; its kernel and initrd must be readable by the jail's user
echo "LAB: BEGIN jail-passvm vmm=passvm"
# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
set -- "$PASSVM" jail --id lab --uid $JAIL_UID --gid $JAIL_UID \
	--chroot-base-dir "$JAIL_BASE" --cgroup memory.max=1G \
	--cgroup pids.max=64 -- run $(lab_passvm_args) \
	--cmdline "$L3_CMDLINE $(lab_l3_args jail passvm) lab_hold=8" \
	--vfio "$NVME_BDF"
echo "LAB: cmd $*"
: >/tmp/jail.out
t0=$(lab_uptime_cs)
"$@" </dev/null >/tmp/jail.out 2>&1 &
pid=$!
lab_watchdog "$pid" passvm &
wd=$!
lab_follow /tmp/jail.out "$pid" &
tp=$!
i=0
while ! grep -q 'L3: JAIL-HOLD' /tmp/jail.out && [ -d "/proc/$pid" ] && [ $i -lt 900 ]; do
	sleep 0.1
	i=$((i + 1))
done
jail_report
wait "$pid"
rc=$?
t1=$(lab_uptime_cs)
kill "$wd" 2>/dev/null
wait "$tp"
echo
echo "LAB: passvm exit=$rc"
echo "LAB: END jail-passvm vmm=passvm exit=$rc wall_ms=$(((t1 - t0) * 10))"
echo "LAB: jail after: cgroup_left=$([ -d /sys/fs/cgroup/passvm/lab ] && echo yes || echo no) pidfile_left=$([ -e "$JAIL_BASE/passvm/lab/passvm.pid" ] && echo yes || echo no)"
