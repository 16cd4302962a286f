# shellcheck shell=dash
# jail (L2 side): seccomp and `passvm jail` with the NVMe NVME_BDF.
#   1. jail-forbidden: `passvm run --vfio NVME --seccomp-test-forbidden
#      vcpu`: the vCPU makes a forbidden call once its filter is on, before
#      its first KVM_RUN: exit 148 with the message; the device stays
#      usable (run 2 takes it).
#   2. jail-passvm: `passvm jail --id lab --uid 1000 --gid 1000` with a
#      cgroup (memory.max, pids.max) around `passvm run ... --vfio NVME
#      --net fd=6,vhost-fd=7`: root's tap3 (10.0.5.1/24) attached by
#      labtool tap-exec as fd 6 and /dev/vhost-net as fd 7, passed through
#      the jail (no --netns, no /dev/net/tun in it); the guest drives the
#      NVMe, pings L2 over tap3, then holds (lab_hold=8) while L2 reads
#      the jailed passvm from outside; exit 0.
# Measures
#   LAB: RESULT jail/forbidden message=yes|no thread=T call=C   (after 1)
#   LAB: RESULT jail vmm=passvm exit=N wall_ms=N hung=0|1 stats...   (2)
#   LAB: RESULT jail/proc capeff=HEX capprm=HEX capbnd=HEX uid=N gid=N
#       nonewprivs=N nspid=N seccomp=N threads=N filtered=N
#       kernel_workers=N (threads: passvm's own; the kernel's workers in
#       the process, PF_USER_WORKER, apart) cgroup=PATH
#       memlock=BYTES nofile=N netns=own|host memory_max=N pids_max=N
#       tun_fds=N vhost_fds=N (its fds on /dev/net/tun, /dev/vhost-net)
#   LAB: RESULT jail/virtio ... kind=net tap=tap3 datapath=...   (2)
#   LAB: RESULT jail/thread name=COMM seccomp=N filters=N kernel_worker=0|1
#       (each thread)
#   LAB: RESULT jail/root top=A,B lab=A,B dev=A,B sys=A,B
#   LAB: RESULT jail/after cgroup_left=yes|no pidfile_left=yes|no
# and L3 reports hold=N (jail.l3.sh) when it starts to hold.
JAIL_BASE=/srv/jailer
JAIL_UID=1000

# st FILE KEY: the first value of "KEY:\tV..." in a /proc status file
st() {
	awk -v k="$2:" '$1 == k {print $2; exit}' "$1" 2>/dev/null
}

# names DIR [find options]: the entries under DIR, sorted, as A,B,C
names() {
	local d=$1
	shift
	(cd "$d" 2>/dev/null && find . -mindepth 1 "$@" | sed 's|^\./||' | sort | tr '\n' , | sed 's/,$//')
}

# fds_on PID FILE: how many of PID's fds are open on FILE
fds_on() {
	local f n=0
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f")" != "$2" ] || n=$((n + 1))
	done
	echo $n
}

# jail_report: what the jailed passvm is, read from outside
jail_report() {
	local vmm t s w n=0 f=0 k=0 netns=own cg=/sys/fs/cgroup/passvm/lab
	vmm=$(cat "$JAIL_BASE/passvm/lab/passvm.pid" 2>/dev/null)
	if [ -z "$vmm" ] || [ ! -d "/proc/$vmm" ]; then
		lab_result jail/proc pid=none
		return
	fi
	for t in /proc/"$vmm"/task/*; do
		s=$(st "$t/status" Seccomp)
		# the kernel's own workers in the process (PF_USER_WORKER in
		# stat's flags, include/linux/sched.h: vhost-net's vhost-PID
		# since 6.4) run no user code: no filter applies to them
		w=$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f7)
		w=$((${w:-0} & 0x4000 ? 1 : 0))
		if [ $w = 1 ]; then
			k=$((k + 1))
		else
			n=$((n + 1))
			[ "$s" = 2 ] && f=$((f + 1))
		fi
		lab_result jail/thread name="$(lab_word "$(cat "$t/comm")")" \
			seccomp="$s" filters="$(st "$t/status" Seccomp_filters)" \
			kernel_worker=$w
	done
	[ "$(readlink "/proc/$vmm/ns/net")" = "$(readlink /proc/self/ns/net)" ] && netns=host
	s=/proc/$vmm/status
	lab_result jail/proc pid="$vmm" capeff="$(st "$s" CapEff)" \
		tun_fds="$(fds_on "$vmm" /dev/net/tun)" \
		vhost_fds="$(fds_on "$vmm" /dev/vhost-net)" \
		capprm="$(st "$s" CapPrm)" capbnd="$(st "$s" CapBnd)" \
		uid="$(st "$s" Uid)" gid="$(st "$s" Gid)" \
		nonewprivs="$(st "$s" NoNewPrivs)" \
		nspid="$(awk '$1 == "NSpid:" {print $NF}' "$s")" \
		seccomp="$(st "$s" Seccomp)" threads=$n filtered=$f \
		kernel_workers=$k \
		cgroup="$(cut -d: -f3 "/proc/$vmm/cgroup")" \
		memlock="$(awk '/^Max locked memory/ {print $4}' "/proc/$vmm/limits")" \
		nofile="$(awk '/^Max open files/ {print $4}' "/proc/$vmm/limits")" \
		netns=$netns memory_max="$(cat $cg/memory.max 2>/dev/null)" \
		pids_max="$(cat $cg/pids.max 2>/dev/null)"
	lab_result jail/root top="$(names "/proc/$vmm/root" -maxdepth 1)" \
		lab="$(names "/proc/$vmm/root/lab")" \
		dev="$(names "/proc/$vmm/root/dev")" \
		sys="$(names "/proc/$vmm/root/sys" -maxdepth 3)"
	# shellcheck disable=SC2012 # device nodes: plain names
	echo "LAB: jail nodes $(ls -ln "/proc/$vmm/root/dev/kvm" "/proc/$vmm/root/dev/vfio/"* | awk '{print $NF "=" $1 ":" $3 ":" $4}' | sed 's|/proc/[0-9]*/root||' | tr '\n' ' ')"
}

grp=$(lab_bind "$NVME_BDF") || {
	echo "LAB: jail: passvm bind $NVME_BDF failed"
	exit 1
}
echo "LAB: jail $NVME_BDF group=$grp"
# the jail's cgroup needs cgroup v2
if ! grep -q ' cgroup2 ' /proc/mounts; then
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
fi
echo "LAB: jail cgroup2 controllers=$(tr ' ' , </sys/fs/cgroup/cgroup.controllers)"
# root's tap for the jailed guest, passed in open (not opened by name)
JAIL_TAP=tap3 # not net's tap0, bench-virtio's tap1 nor unpriv's tap2
lab_tap_up jail "$JAIL_TAP" 10.0.5.1/24 || exit 1

# 1. a forbidden system call
lab_passvm jail-forbidden --vfio "$NVME_BDF" --seccomp-test-forbidden vcpu
m=no
grep -q '^passvm: seccomp: the vcpu thread made a forbidden system call: socket (41)' "$LAB_VMM_ERR" && m=yes
lab_result jail/forbidden message=$m \
	thread="$(sed -n 's/^passvm: seccomp: the \([a-z-]*\) thread .*/\1/p' "$LAB_VMM_ERR" | head -n1)" \
	call="$(sed -n 's/^passvm: seccomp: .* system call: \([a-z0-9_]*\) .*/\1/p' "$LAB_VMM_ERR" | head -n1)"

# 2. the jail (by hand, not lab_run: L2 looks at passvm while it runs)
echo "LAB: BEGIN jail-passvm vmm=passvm"
# fd 6: the tap, attached by labtool tap-exec; fd 7: /dev/vhost-net
# (0600 root): both pass the jail, which closes every other fd
exec 7<>/dev/vhost-net
# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
set -- /lab/labtool tap-exec "$JAIL_TAP" 6 "$PASSVM" jail --id lab \
	--uid $JAIL_UID --gid $JAIL_UID \
	--chroot-base-dir "$JAIL_BASE" --cgroup memory.max=1G \
	--cgroup pids.max=64 -- run $(lab_passvm_args) \
	--cmdline "$L3_CMDLINE $(lab_l3_args passvm) lab_hold=8" \
	--vfio "$NVME_BDF" --net fd=6,vhost-fd=7,mac=52:54:00:12:34:50,id=jail_net
lab_bg_start /tmp/jail.out "$@"
exec 7<&-
lab_bg_wait_for 'LAB: RESULT jail .*hold='
# Printed once passvm's output is all followed: a line of ours in the
# middle of a guest's line would cut both.
jail_report >/tmp/jail.report
lab_bg_end
cat /tmp/jail.report
echo
echo "LAB: passvm exit=$LAB_BG_RC"
# shellcheck disable=SC2046 # KEY=VALUE words
lab_result jail vmm=passvm exit="$LAB_BG_RC" wall_ms="$LAB_BG_MS" hung="$LAB_BG_HUNG" \
	$(lab_stats_keys /tmp/jail.out)
lab_stats_virtio /tmp/jail.out
echo "LAB: END jail-passvm vmm=passvm exit=$LAB_BG_RC wall_ms=$LAB_BG_MS"
lab_result jail/after \
	cgroup_left="$([ -d /sys/fs/cgroup/passvm/lab ] && echo yes || echo no)" \
	pidfile_left="$([ -e "$JAIL_BASE/passvm/lab/passvm.pid" ] && echo yes || echo no)"
