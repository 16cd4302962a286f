# shellcheck shell=dash
# Helpers for L2 scripts (busybox sh). Sourced by the L2 /init; scenario
# scripts (/lab/NAME.l2.sh) run in a subshell with these defined and
# LAB_SCENARIO=NAME.
#
# Output contract, read back by run-lab on the host (lib/common.sh):
#   LAB: BEGIN RUN vmm=VMM
#   ... the VMM's output (the L3 console, LAB: RESULT lines from L3) ...
#   LAB: VMM exit=N
#   LAB: RESULT SCENARIO vmm=VMM exit=N wall_ms=N hung=0|1 stderr_lines=N
#          [stats=yes|no exits=N first_insn_ms=N guest_ram_resident_kb=N
#          vmm_rss_anon_kb=N]
#   LAB: RESULT SCENARIO/vfio vmm=passvm bdf=BDF trapped_reads=N
#          trapped_writes=N trapped_msix=N trapped_other=N ...  (per device)
#   LAB: RESULT SCENARIO/virtio vmm=passvm id=ID kind=blk|net|vsock
#          notifications=N trapped=N interrupts=N ...  (per virtio device)
#   LAB: END RUN vmm=VMM exit=N wall_ms=N
# exit is the VMM's exit status (143 or 137 with hung=1: stopped by the L2
# watchdog with SIGTERM or SIGKILL; "missing": the binary is not there);
# wall_ms is launch->exit measured in L2; the stats keys come from passvm's
# --stats lines (trapped_other: trapped BAR accesses outside the MSI-X
# table/PBA). Any measurement is a line
#   LAB: RESULT NAME KEY=VALUE...   (lab_result; NAME: SCENARIO[/PART])

# shellcheck source=/dev/null
[ -f /lab/env ] && . /lab/env # LAB_VMMS, BENCH_RUNS, VMM_TIMEOUT, LAB_PASSVM_ARGS from run-lab
# shellcheck source=/dev/null
. /lab/devices.sh # the device table: NVME_BDF, NIC_BDF...

L3_KERNEL=/lab/vmlinuz-l3
L3_INITRD=/lab/l3.cpio
L3_CMDLINE=$(cat /lab/l3-cmdline)
QEMU=/usr/bin/qemu-system-x86_64
PASSVM=/lab/passvm
VMM_TIMEOUT=${VMM_TIMEOUT:-120}
L3_MEM_MIB=256 # guest RAM of an L3 boot, MiB (a scenario may set it)
LAB_VMM_ERR=/tmp/lab-vmm.err # the last VMM run's stderr (lab_run_once)
# LAB_ERR_HIDE: an ERE; when set, the VMM's stderr goes to LAB_VMM_ERR
# during the run and to the console after it, without the lines it matches
# (a --trace run's trace lines, which the serial console carries slowly;
# and no warning cuts a guest's RESULT line in two). LAB_TRACE_RE: passvm's
# trace lines.
LAB_ERR_HIDE=
# shellcheck disable=SC2034 # for the scenarios' scripts
LAB_TRACE_RE='^\[ *[0-9.]*\] (kvm|mem|vfio|pci|irq|boot): '

# lab_result NAME KEY=VALUE...: one measurement (values without blanks)
lab_result() {
	echo "LAB: RESULT $*"
}

# lab_word TEXT: TEXT as one RESULT value (blanks inside become _, blanks
# around it go), as L3's lab_word (lib/l3-init)
lab_word() {
	printf '%s' "$*" | tr -s ' \t\n' '___' | sed 's/^_//; s/_$//'
}

# lab_want VMM: true if this run covers VMM (run-lab --vmm)
lab_want() {
	case " ${LAB_VMMS:-passvm qemu} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# uptime in seconds with two decimals, e.g. 4.07
lab_uptime() {
	cut -d' ' -f1 /proc/uptime
}

# uptime in centiseconds (integer)
lab_uptime_cs() {
	lab_uptime | tr -d .
}

lab_load_modules() {
	local m n=0 bad=0
	while read -r m; do
		[ -n "$m" ] || continue
		if insmod "$m" 2>/tmp/insmod.err; then
			n=$((n + 1))
		elif grep -q "File exists" /tmp/insmod.err; then
			:
		else
			echo "LAB: insmod $m failed: $(cat /tmp/insmod.err)"
			bad=$((bad + 1))
		fi
	done </lab/modules.list
	echo "LAB: modules loaded=$n failed=$bad uptime=$(lab_uptime)"
}

lab_report_platform() {
	local kvm=no groups
	[ -c /dev/kvm ] && kvm=yes
	groups=$(find /sys/kernel/iommu_groups -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	echo "LAB: platform kvm=$kvm iommu_groups=$groups vfio=$([ -c /dev/vfio/vfio ] && echo yes || echo no)"
}

# lab_bind BDF [OPTION...]: give BDF to vfio-pci with `passvm bind`
# (remembering its driver; the scenarios exercise passvm's own binding, for
# QEMU's runs too), with OPTIONs (--force) after it. Prints the IOMMU group
# number; says why and returns 1 on failure.
lab_bind() {
	local bdf=$1 out rc grp
	shift
	out=$("$PASSVM" bind "$bdf" "$@" 2>&1)
	rc=$?
	echo "LAB: passvm bind $bdf: exit=$rc $(echo "$out" | tr '\n' ' ')" >&2
	[ "$rc" = 0 ] || return 1
	grp=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
	if [ ! -c "/dev/vfio/$grp" ]; then
		echo "LAB: passvm bind $bdf: no /dev/vfio/$grp" >&2
		return 1
	fi
	echo "$grp"
}

# lab_unbind BDF: `passvm unbind BDF`: back to the driver it had before
# `passvm bind` (none for edu).
lab_unbind() {
	local out rc
	out=$("$PASSVM" unbind "$1" 2>&1)
	rc=$?
	echo "LAB: passvm unbind $1: exit=$rc $(echo "$out" | tr '\n' ' ')"
	return "$rc"
}

# lab_driver BDF: the driver BDF is bound to, "none" for none
lab_driver() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# lab_dump_task PID: state, wait channel, CPU time (user/system ticks,
# from stat) and kernel stack of each thread; then, 2 s later, which
# threads' CPU time moved (a running thread has no kernel stack to show:
# this says whether it spins in userspace or in the kernel/guest).
lab_dump_task() {
	local t
	for t in /proc/"$1"/task/*; do
		[ -d "$t" ] || continue
		echo "LAB: task ${t##*/} comm=$(cat "$t/comm" 2>/dev/null) $(grep State "$t/status" 2>/dev/null | tr -s '\t ' ' ') wchan=$(cat "$t/wchan" 2>/dev/null) $(lab_task_times "$t") syscall=$(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
		sed 's/^/LAB:   /' "$t/stack" 2>/dev/null
	done
	sleep 2
	for t in /proc/"$1"/task/*; do
		[ -d "$t" ] || continue
		echo "LAB: task ${t##*/} 2s later: $(lab_task_times "$t") syscall=$(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
	done
}

# lab_task_times /proc/PID/task/TID: "utime=N stime=N" (clock ticks)
lab_task_times() {
	sed 's/.*) //' "$1/stat" 2>/dev/null | awk '{print "utime=" $12 " stime=" $13}'
}

# lab_wait_gone PID SECONDS: true once PID has exited, false if it is still
# there after SECONDS
lab_wait_gone() {
	local i=0
	while [ -d "/proc/$1" ] && [ $i -lt "$2" ]; do
		sleep 1
		i=$((i + 1))
	done
	[ ! -d "/proc/$1" ]
}

# lab_tap_up SCEN TAP ADDR/LEN: a persistent tap TAP (labtool tap-add) at
# ADDR, up, for SCEN's VMM runs; when it cannot be made, says so, reports
#   LAB: RESULT SCEN/tap up=no
# and returns 1 (the scenario then exits)
lab_tap_up() {
	if ! /lab/labtool tap-add "$2" || ! ip addr add "$3" dev "$2" ||
		! ip link set "$2" up; then
		echo "LAB: $1: cannot set up $2"
		lab_result "$1/tap" up=no
		return 1
	fi
}

# lab_peer IP BYTES: L2 as a guest's network peer: ping IP until it
# answers (60 s), then BYTES over TCP to its port 5201 (labtool tcp-source
# to the guest's tcp-sink); prints the RESULT words. With LAB_PEER_RTT=N,
# N pings first (rtt_min/avg/max_ms, the guest idle in its sink's accept);
# with LAB_PEER_STREAMS=N (the guest's sink listening N times in turn),
# N-1 more streams and tcp_mbs_runs=A,B,.. tcp_mbs_med=M over all N.
lab_peer() {
	local n=0 got=0 runs m
	while [ $n -lt 120 ]; do
		n=$((n + 1))
		if ping -c 1 -W 1 "$1" >/dev/null 2>&1; then
			got=1
			break
		fi
		sleep 0.5
	done
	echo "replies=$got tries=$n"
	if [ $got != 1 ]; then
		echo "tcp=fail tcp_error=no_ping_reply"
		return 0
	fi
	# busybox's summary: "round-trip min/avg/max = A/B/C ms"
	[ -z "${LAB_PEER_RTT:-}" ] ||
		ping -c "$LAB_PEER_RTT" -i 0.1 -W 1 "$1" 2>/dev/null |
		sed -n 's|.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\).*|rtt_min_ms=\1 rtt_avg_ms=\2 rtt_max_ms=\3|p'
	LABTOOL_KEY=tcp /lab/labtool tcp-source "$1" 5201 "$2" 120 |
		sed -n 's/^labtool: //p' >/tmp/lab-peer-tcp
	cat /tmp/lab-peer-tcp
	[ "${LAB_PEER_STREAMS:-1}" -gt 1 ] || return 0
	runs=$(sed -n 's/.*tcp_mbs=\([0-9.]*\).*/\1/p' /tmp/lab-peer-tcp)
	n=1
	while [ $n -lt "$LAB_PEER_STREAMS" ]; do
		n=$((n + 1))
		m=$(LABTOOL_KEY=tcpx /lab/labtool tcp-source "$1" 5201 "$2" 120 |
			sed -n 's/.*tcpx_mbs=\([0-9.]*\).*/\1/p')
		runs="$runs,${m:-fail}"
	done
	echo "tcp_mbs_runs=$runs tcp_mbs_med=$(echo "$runs" | tr , '\n' |
		grep -v fail | sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}')"
}

# lab_peer_run SCEN IP BYTES RUN CMD...: the VMM run CMD (named RUN) with
# lab_peer IP BYTES beside it; after the run one line
#   LAB: RESULT SCEN/peer run=RUN replies=0|1 tries=N tcp=ok|fail
#     tcp_bytes=N tcp_t=SECONDS tcp_mbs=MB/s
lab_peer_run() {
	local scen=$1 ip=$2 bytes=$3 run=$4 pp
	shift 4
	rm -f /tmp/lab-peer
	lab_peer "$ip" "$bytes" >/tmp/lab-peer &
	pp=$!
	"$@"
	lab_wait_gone "$pp" 10 || kill "$pp" 2>/dev/null
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result "$scen/peer" run="$run" $(tr '\n' ' ' </tmp/lab-peer 2>/dev/null)
}

# lab_follow FILE PID: print FILE as it grows (every 0.2 s) until PID is
# gone (reaped), then what came last. Unlike busybox's tail -f (which reads
# once a second and is killed), nothing written just before the exit is
# lost: a guest's last words, passvm's --stats. Run it in the background
# and wait for it after waiting for PID.
lab_follow() {
	local file=$1 pid=$2 off=0 size gone=
	while :; do
		[ -d "/proc/$pid" ] || gone=1
		size=$(stat -c %s "$file" 2>/dev/null || echo 0)
		if [ "$size" -gt "$off" ]; then
			tail -c +$((off + 1)) "$file" | head -c $((size - off))
			off=$size
		fi
		[ -z "$gone" ] || return 0
		sleep 0.2
	done
}

# lab_watchdog PID VMM: after VMM_TIMEOUT seconds, report what PID is
# doing, SIGTERM it (passvm then prints its --stats: exit 143) and after 5 s
# SIGKILL it (exit 137). If even that does not end it within 10 s, the L2
# kernel is wedged: dump all blocked tasks and CPUs, then power off so L1
# exits now instead of at its timeout.
lab_watchdog() {
	local pid=$1 vmm=$2
	sleep "$VMM_TIMEOUT"
	[ -d "/proc/$pid" ] || exit 0
	: >"/tmp/lab-hung.$pid"
	echo
	echo "LAB: TIMEOUT $vmm (pid $pid) still running after ${VMM_TIMEOUT}s; its threads:"
	lab_dump_task "$pid"
	echo "LAB: TIMEOUT $vmm: SIGTERM"
	kill -TERM "$pid"
	lab_wait_gone "$pid" 5 && exit 0
	echo "LAB: TIMEOUT $vmm: still there 5s after SIGTERM: SIGKILL"
	lab_dump_task "$pid"
	kill -KILL "$pid"
	lab_wait_gone "$pid" 10 && exit 0
	echo "LAB: WEDGED $vmm (pid $pid) survives SIGKILL; L2 gives up"
	lab_dump_task "$pid"
	echo w >/proc/sysrq-trigger
	echo l >/proc/sysrq-trigger
	sleep 2
	echo "LAB: L2 done (wedged) uptime=$(lab_uptime)"
	poweroff -f
}

# A passvm run that L2 acts on while it runs (SIGTERM, API requests), by
# hand instead of lab_run, in three steps:
#   lab_bg_start OUT CMD...  start CMD (</dev/null, output to OUT), under
#                            lab_watchdog, OUT followed to the console
#   lab_bg_wait_for RE       up to 90 s, while it runs, until OUT has a
#                            line matching the grep RE; LAB_BG_WAITED: the
#                            tenths of a second waited
#   lab_bg_end               wait for it: LAB_BG_RC (its exit status),
#                            LAB_BG_MS (launch to exit, ms), LAB_BG_HUNG
#                            (1: the watchdog stopped it)
# LAB_BG_PID is its pid meanwhile. The caller prints the run's BEGIN/END.
lab_bg_start() {
	LAB_BG_OUT=$1
	shift
	echo "LAB: cmd $*"
	: >"$LAB_BG_OUT"
	LAB_BG_T0=$(lab_uptime_cs)
	"$@" </dev/null >"$LAB_BG_OUT" 2>&1 &
	LAB_BG_PID=$!
	lab_watchdog "$LAB_BG_PID" passvm &
	LAB_BG_WD=$!
	lab_follow "$LAB_BG_OUT" "$LAB_BG_PID" &
	LAB_BG_TP=$!
}

lab_bg_wait_for() {
	local i=0
	while ! grep -q "$1" "$LAB_BG_OUT" && [ -d "/proc/$LAB_BG_PID" ] &&
		[ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# shellcheck disable=SC2034 # for the scenarios' scripts
	LAB_BG_WAITED=$i
}

lab_bg_end() {
	wait "$LAB_BG_PID"
	# shellcheck disable=SC2034 # LAB_BG_RC, _MS, _HUNG: for the scenarios
	LAB_BG_RC=$?
	# shellcheck disable=SC2034
	LAB_BG_MS=$((($(lab_uptime_cs) - LAB_BG_T0) * 10))
	kill "$LAB_BG_WD" 2>/dev/null
	wait "$LAB_BG_TP"
	LAB_BG_HUNG=0
	# shellcheck disable=SC2034
	[ ! -e "/tmp/lab-hung.$LAB_BG_PID" ] || LAB_BG_HUNG=1
	echo
}

# lab_hold_start NAME HOLD [passvm run options...]: "LAB: BEGIN NAME
# vmm=passvm", then lab_passvm's L3 boot with lab_hold=HOLD on its command
# line by lab_bg_start (output in /tmp/NAME.out), and lab_bg_wait_for the
# guest's RESULT line with hold= (it holds HOLD seconds, its /init's
# lab_hold). The caller acts on the running VM, then lab_bg_end.
lab_hold_start() {
	local name=$1 hold=$2
	shift 2
	echo "LAB: BEGIN $name vmm=passvm"
	# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
	lab_bg_start "/tmp/$name.out" "$PASSVM" run $(lab_passvm_args) \
		--cmdline "$L3_CMDLINE $(lab_l3_args passvm) lab_hold=$hold" "$@"
	lab_bg_wait_for "LAB: RESULT $LAB_SCENARIO .*hold="
}

# lab_run NAME VMM CMD...: run one VMM with the output contract above.
# A run stopped by the watchdog is tried once more (LAB_HUNG_RETRIES, 1):
# under TCG-emulated nested SVM, L3 guests hang now and then whatever the
# VMM (QEMU too; tests/lab/NOTES.md). The log keeps both tries and a line
#   LAB: RETRY NAME vmm=VMM after a hang (try N)
# which run-lab reports; its checks read the last try.
lab_run() {
	local try=0
	while :; do
		lab_run_once "$@"
		[ -e "/tmp/lab-hung.$LAB_LAST_PID" ] || return 0
		try=$((try + 1))
		[ "$try" -le "${LAB_HUNG_RETRIES:-1}" ] || return 0
		echo "LAB: RETRY $1 vmm=$2 after a hang (try $((try + 1)))"
	done
}

lab_run_once() {
	local name=$1 vmm=$2 t0 t1 rc pid wd tp hung=0 fifo=/tmp/lab-vmm.fifo
	local ofifo=/tmp/lab-out.fifo ts='' k
	shift 2
	LAB_LAST_PID=none
	echo "LAB: BEGIN $name vmm=$vmm"
	if [ ! -x "$1" ]; then
		echo "LAB: $vmm not in the L2 image ($1 missing: build/passvm not built?)"
		echo "LAB: $vmm exit=missing"
		lab_result "$LAB_SCENARIO" vmm="$vmm" exit=missing
		echo "LAB: END $name vmm=$vmm exit=missing wall_ms=0"
		return 0
	fi
	echo "LAB: cmd $*"
	# the VMM's stderr goes to the console as before, and to LAB_VMM_ERR
	# for the results below (passvm's --stats)
	rm -f "$fifo"
	mkfifo "$fifo"
	if [ -n "$LAB_ERR_HIDE" ]; then
		cat <"$fifo" >"$LAB_VMM_ERR" &
	else
		tee "$LAB_VMM_ERR" <"$fifo" >&2 &
	fi
	tp=$!
	rm -f "$LAB_STAMP_FILE".* /tmp/lab-start.ms
	if [ -n "$LAB_STAMP" ]; then
		rm -f "$ofifo"
		mkfifo "$ofifo"
		/lab/labtool stamp "$LAB_STAMP_FILE" guest=up guest=done \
			"reboot: Power down" <"$ofifo" &
		ts=$!
	fi
	t0=$(lab_uptime_cs)
	if [ -n "$ts" ]; then
		"$@" </dev/null >"$ofifo" 2>"$fifo" &
	else
		"$@" </dev/null 2>"$fifo" &
	fi
	pid=$!
	LAB_LAST_PID=$pid
	lab_watchdog "$pid" "$vmm" &
	wd=$!
	wait "$pid"
	rc=$?
	t1=$(lab_uptime_cs)
	kill "$wd" 2>/dev/null
	wait "$tp"
	rm -f "$fifo"
	if [ -n "$ts" ]; then
		# EOF once every writer is gone; one the watchdog's SIGKILL left
		# behind (api-boot's passvm) must not hold L2 up
		(
			sleep 15
			kill "$ts" 2>/dev/null
		) &
		k=$!
		wait "$ts"
		kill "$k" 2>/dev/null
		rm -f "$ofifo"
	fi
	[ -z "$LAB_ERR_HIDE" ] || grep -v -E "$LAB_ERR_HIDE" "$LAB_VMM_ERR" >&2
	[ ! -e "/tmp/lab-hung.$pid" ] || hung=1
	echo
	echo "LAB: $vmm exit=$rc"
	# shellcheck disable=SC2046 # lab_stats_keys: KEY=VALUE words
	lab_result "$LAB_SCENARIO" vmm="$vmm" exit=$rc wall_ms=$(((t1 - t0) * 10)) \
		hung=$hung stderr_lines="$(grep -c -v -e '^passvm: stats: ' -e '^$' "$LAB_VMM_ERR")" \
		$([ "$vmm" != passvm ] || lab_stats_keys "$LAB_VMM_ERR") \
		$([ -z "$ts" ] || lab_stamp_keys "$t0" "$t1")
	[ "$vmm" != passvm ] || lab_stats_vfio "$LAB_VMM_ERR"
	[ "$vmm" != passvm ] || lab_stats_virtio "$LAB_VMM_ERR"
	echo "LAB: END $name vmm=$vmm exit=$rc wall_ms=$(((t1 - t0) * 10))"
	return 0
}

# lab_stamp_keys T0 T1: RESULT keys from the times (ms) labtool stamp
# noted, against the VMM's launch T0 and exit T1 (centiseconds, lab_uptime_cs):
# init_ms (launch to the guest's guest=up line: its /init started),
# start_init_ms (the VMM command's /tmp/lab-start.ms, InstanceStart's 204,
# to that line), done_exit_ms (the guest's last RESULT line, guest=done, to
# the VMM's exit) and down_exit_ms (the guest kernel's "reboot: Power
# down" to the VMM's exit). A line that never came gives no key.
lab_stamp_keys() {
	local up fin down start
	up=$(cat "$LAB_STAMP_FILE.1" 2>/dev/null)
	fin=$(cat "$LAB_STAMP_FILE.2" 2>/dev/null)
	down=$(cat "$LAB_STAMP_FILE.3" 2>/dev/null)
	start=$(cat /tmp/lab-start.ms 2>/dev/null)
	[ -z "$up" ] || echo "init_ms=$((up - $1 * 10))"
	[ -z "$up" ] || [ -z "$start" ] || echo "start_init_ms=$((up - start))"
	[ -z "$fin" ] || echo "done_exit_ms=$(($2 * 10 - fin))"
	[ -z "$down" ] || echo "down_exit_ms=$(($2 * 10 - down))"
}

# lab_stats_keys FILE: RESULT keys from the --stats lines of passvm's
# stderr in FILE (vmm/stats.c): stats=yes|no, exits (userspace exits, all
# reasons), first_insn_ms (launch to the guest's first instruction),
# guest_ram_resident_kb (guest RAM touched or pinned at exit: the "guest
# RAM ... resident" line, any backing, printed after and so winning over
# RssShmem, which misses hugetlbfs pages), vmm_rss_anon_kb (RssAnon at
# exit: the VMM's own memory), iommu_backend and dma_map_ms (the "dma map
# (BACKEND): ..., MS ms" line: time in the DMA map calls)
lab_stats_keys() {
	if ! grep -q '^passvm: stats: ' "$1"; then
		echo stats=no
		return
	fi
	echo stats=yes
	sed -n -e 's/^passvm: stats: userspace exits \([0-9]*\)$/exits=\1/p' \
		-e 's/^passvm: stats: launch to first guest instruction \([0-9.]*\) ms$/first_insn_ms=\1/p' \
		-e 's/^passvm: stats: memory: VMM (RssAnon) \([0-9]*\) kB, guest RAM touched (RssShmem) \([0-9]*\) kB.*/vmm_rss_anon_kb=\1 guest_ram_resident_kb=\2/p' \
		-e 's/^passvm: stats: guest RAM [0-9]* MiB, .*: resident \([0-9]*\) kB.*/guest_ram_resident_kb=\1/p' \
		-e 's/^passvm: stats: dma map (\([a-z0-9]*\)): .*, \([0-9.]*\) ms$/iommu_backend=\1 dma_map_ms=\2/p' "$1"
}

# lab_stats_vfio FILE: one RESULT line per assigned device from passvm's
# "vfio BDF: trapped BAR reads R writes W, MSI-X table/PBA M, config
# CR/CW, BAR pieces mapped P, vectors routed V" (R and W count every
# trapped BAR access, M the part that hit the emulated MSI-X table/PBA)
lab_stats_vfio() {
	local bdf r w m cr cw pm vr
	sed -n 's/^passvm: stats: vfio \([0-9a-f:.]*\): trapped BAR reads \([0-9]*\) writes \([0-9]*\), MSI-X table\/PBA \([0-9]*\), config \([0-9]*\)\/\([0-9]*\), BAR pieces mapped \([0-9]*\), vectors routed \([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7 \8/p' "$1" |
		while read -r bdf r w m cr cw pm vr; do
			lab_result "$LAB_SCENARIO/vfio" vmm=passvm bdf="$bdf" \
				trapped_reads="$r" trapped_writes="$w" trapped_msix="$m" \
				trapped_other=$((r + w - m)) config_reads="$cr" \
				config_writes="$cw" pieces_mapped="$pm" vectors_routed="$vr"
		done
}

# lab_stats_virtio FILE: one RESULT line per virtio device from passvm's
# --stats (vmm/virtio_stats.c): "virtio-KIND [ID] (SLOT): notifications N
# (trapped T), interrupts I, config interrupts C, register accesses R"
# (notifications: what the I/O thread served; trapped: notify writes that
# exited, 0 with ioeventfds), and the device's own line: blk reads=N
# writes=N flushes=N errors=N; net tap=NAME datapath=vhost-net|userspace
# (rx_packets=N tx_packets=N on the userspace path); vsock host_conns=N
# guest_conns=N refused=N. The vsock device's id is "vsock".
lab_stats_virtio() {
	local kind id slot n t i c r more line
	sed -n -E 's/^passvm: stats: virtio-([a-z]+) ?([A-Za-z0-9_]*) \(([0-9a-f:.]+)\): notifications ([0-9]+) \(trapped ([0-9]+)\), interrupts ([0-9]+), config interrupts ([0-9]+), register accesses ([0-9]+)$/\1 \2 \3 \4 \5 \6 \7 \8/p' "$1" |
		while read -r kind id slot n t i c r; do
			# the vsock device has no id: its line has one word less
			if [ "$kind" = vsock ]; then
				r=$c c=$i i=$t t=$n n=$slot slot=$id id=vsock
			fi
			case $kind in
			vsock) line=$(grep -m1 '^passvm: stats: virtio-vsock: ' "$1") ;;
			*) line=$(grep -m1 "^passvm: stats: virtio-$kind $id: " "$1") ;;
			esac
			case $kind in
			blk)
				more=$(echo "$line" | sed -n -E 's/.*: reads ([0-9]+) .*, writes ([0-9]+) .*, flushes ([0-9]+), .*, errors ([0-9]+)$/reads=\1 writes=\2 flushes=\3 errors=\4/p')
				;;
			net)
				more=$(echo "$line" | sed -n -E -e 's/.*: tap ([^,]+), data path vhost-net.*/tap=\1 datapath=vhost-net/p' \
					-e 's/.*: tap ([^,]+), data path userspace: rx ([0-9]+) packets .*, tx ([0-9]+) packets .*/tap=\1 datapath=userspace rx_packets=\2 tx_packets=\3/p')
				;;
			vsock)
				more=$(echo "$line" | sed -n -E 's/.*: connections from the host ([0-9]+), from the guest ([0-9]+), refused ([0-9]+),.*/host_conns=\1 guest_conns=\2 refused=\3/p')
				;;
			esac
			# shellcheck disable=SC2086 # $more: KEY=VALUE words
			lab_result "$LAB_SCENARIO/virtio" vmm=passvm id="$id" kind="$kind" \
				slot="$slot" notifications="$n" trapped="$t" interrupts="$i" \
				config_interrupts="$c" register_accesses="$r" $more
		done
}

# lab_l3_args VMM: what the L3 /init reads from its command line (lab=
# picks its fragment, /lab/SCENARIO.l3.sh, and names its RESULT lines).
lab_l3_args() {
	echo "lab=$LAB_SCENARIO lab_vmm=$1 lab_token=${LAB_TOKEN:-none}"
}

# lab_passvm_args: the standard `passvm run` options for an L3 boot. Every
# passvm run has --stats: its exit counts (stderr, lines "passvm: stats:
# ...") become RESULT keys and are printed by run-lab under each result.
lab_passvm_args() {
	echo "--kernel $L3_KERNEL --initrd $L3_INITRD --cpus 2 --mem ${L3_MEM_MIB}M --stats ${LAB_PASSVM_ARGS:-}"
}

# lab_passvm RUN [passvm run options...]: the standard L3 boot, a VMM run
# named RUN. A scenario may set L3_KERNEL (e.g. /lab/vmlinuz-l3-full),
# L3_CMDLINE or L3_MEM_MIB.
lab_passvm() {
	local name=$1
	shift
	# shellcheck disable=SC2046 # the options have no spaces
	lab_run "$name" passvm "$PASSVM" run $(lab_passvm_args) \
		--cmdline "$L3_CMDLINE $(lab_l3_args passvm)" "$@"
}

# lab_qemu RUN [qemu options...]: the same boot under QEMU/KVM.
lab_qemu() {
	local name=$1
	shift
	lab_run "$name" qemu "$QEMU" -L /lab/qemu-data -enable-kvm \
		-machine q35 -cpu host -smp 2 -m "$L3_MEM_MIB" \
		-kernel "$L3_KERNEL" -initrd "$L3_INITRD" \
		-append "$L3_CMDLINE $(lab_l3_args qemu)" \
		-nographic -nodefaults -no-reboot -serial stdio "$@"
}

# lab_memcheck NAME FILE: replay the --trace kvm,mem,vfio,pci lines of a
# passvm run's stderr (FILE) and judge what it mapped. One line
#   LAB: RESULT NAME/mem slots=N ram_slots=N bar_slots=N bad_slots=N
#     overlap_slots=N final_slots=N final_regions=N slots_match=yes|no
#     dma_maps=N ram_regions=N dma_match=yes|no stale_slots=N end=stop|eof
# bad_slots: memslots other than guest RAM's over guest RAM, the IOAPIC
# page, the MSI window, outside the 32-bit window below 4 GiB or beyond
# the physical address width; overlap_slots: memslots of a BAR that overlap
# another decoded BAR (e.g. one moved over an MSI-X table page); then, at
# the guest's stop (the "stop requested" trace line, else the end): the
# memslots must be the memory map's regions one for one (slots_match), the
# DMA mappings its RAM regions one for one (dma_match), and every BAR
# memslot inside a BAR that is mapped (stale_slots=0).
lab_memcheck() {
	local bits
	bits=$(sed -n 's/^address sizes[^0-9]*\([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -n1)
	tr -d '\r' <"$2" | awk -v name="$1" -v bits="${bits:-36}" '
	function ov(a, as, b, bs) { return a < b + bs && b < a + as }
	function hex(s,   n, i, c, d) {
		s = tolower(s); sub(/^0x/, "", s); n = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1); d = index("0123456789abcdef", c) - 1
			if (d < 0) break
			n = n * 16 + d
		}
		return n
	}
	# judge the memslots created since the last pci map line, now that
	# BAR key K (or "" when none) is mapped at [a, a+s)
	function judge(k, a, s,   i, j, bad) {
		for (i = 1; i <= np; i++) {
			bad = 0
			for (j in dec)
				if (j != k && ov(pg[i], ps[i], dba[j], dbs[j])) bad = 1
			if (k != "" && !(pg[i] >= a && pg[i] + ps[i] <= a + s)) bad = 1
			if (bad) { overlap++; print "LAB: memcheck overlap: slot at " sprintf("%.0f", pg[i]) " size " sprintf("%.0f", ps[i]) " (" pn[i] ")" }
		}
		np = 0
	}
	BEGIN { top = 1; for (i = 0; i < bits; i++) top *= 2 }
	snap_done { next }
	/\] kvm: stop requested/ { snap(); snap_done = 1; end = "stop"; next }
	/\] kvm: memslot [0-9]+: GPA/ {
		slot = $0; sub(/.*memslot /, "", slot); sub(/:.*/, "", slot)
		g = $0; sub(/.*GPA /, "", g); sub(/ .*/, "", g); g = hex(g)
		s = $0; sub(/.* size /, "", s); sub(/ .*/, "", s); s = hex(s)
		n = $0; sub(/[^(]*\(/, "", n); sub(/\).*/, "", n)
		sg[slot] = g; ss[slot] = s; sn[slot] = n; slots++
		if (n ~ /^ram/) { ram_slots++; next }
		bar_slots++
		bad = 0
		for (r in rg) if (rk[r] == "ram" && ov(g, s, rg[r], rs[r])) bad = 1
		if (ov(g, s, 4273995776, 4096) || ov(g, s, 4276092928, 1048576)) bad = 1
		if (g < 4294967296 && !(g >= 3221225472 && g + s <= 3758096384)) bad = 1
		if (g + s > top) bad = 1
		if (bad) { badn++; print "LAB: memcheck bad slot: " $0 }
		np++; pg[np] = g; ps[np] = s; pn[np] = n
		next
	}
	/\] kvm: memslot [0-9]+ deleted/ {
		slot = $0; sub(/.*memslot /, "", slot); sub(/ .*/, "", slot)
		delete sg[slot]; delete ss[slot]; delete sn[slot]; next
	}
	/\] mem: region .* added: GPA/ {
		n = $0; sub(/.*\] mem: region /, "", n); sub(/ added: GPA.*/, "", n)
		g = $0; sub(/.* added: GPA /, "", g); e = g; sub(/-.*/, "", g); sub(/^[^-]*-/, "", e); sub(/ .*/, "", e)
		rg[n] = hex(g); rs[n] = hex(e) - hex(g) + 1
		rk[n] = $0 ~ /\(ram\)$/ ? "ram" : "mmio"
		next
	}
	/\] mem: region .* removed/ {
		n = $0; sub(/.*\] mem: region /, "", n); sub(/ removed.*/, "", n)
		delete rg[n]; delete rs[n]; delete rk[n]; next
	}
	/\] vfio: dma map iova/ { split($0, w, "iova "); split(w[2], v, " "); dm[hex(v[1])] = hex(v[3]); next }
	/\] vfio: dma unmap iova/ { split($0, w, "iova "); split(w[2], v, " "); delete dm[hex(v[1])]; next }
	# the same under iommufd (vfio/dma.c ioas_map/ioas_unmap)
	/\] vfio: IOAS [0-9]+ map IOVA/ { split($0, w, "IOVA "); split(w[2], v, " "); dm[hex(v[1])] = hex(v[3]); next }
	/\] vfio: IOAS [0-9]+ unmap IOVA/ { split($0, w, "IOVA "); split(w[2], v, " "); delete dm[hex(v[1])]; next }
	/\] pci: .* BAR[0-9]+ map 0x/ {
		k = $0; sub(/.*\] pci: /, "", k); sub(/ map .*/, "", k)
		a = $0; sub(/.* map /, "", a); s = a; sub(/ .*/, "", a); sub(/.* size /, "", s); sub(/ .*/, "", s)
		dec[k] = 1; dba[k] = hex(a); dbs[k] = hex(s)
		if ($0 ~ /\(trapped/) { delete mapped[k]; judge("", 0, 0) }
		else { mapped[k] = 1; judge(k, hex(a), hex(s)) }
		next
	}
	/\] pci: .* BAR[0-9]+ unmap 0x/ {
		k = $0; sub(/.*\] pci: /, "", k); sub(/ unmap .*/, "", k)
		delete dec[k]; delete mapped[k]; next
	}
	function snap(   i, r, m, found, k, inside) {
		judge("", 0, 0)
		fs = 0; fr = 0; match_ok = 1; stale = 0
		for (i in sg) {
			fs++; found = 0
			for (r in rg) if (rg[r] == sg[i] && rs[r] == ss[i] && r == sn[i]) found = 1
			if (!found) { match_ok = 0; print "LAB: memcheck slot without region: " sn[i] sprintf(" %.0f", sg[i]) }
			if (sn[i] ~ /^ram/) continue
			inside = 0
			for (k in mapped) if (sg[i] >= dba[k] && sg[i] + ss[i] <= dba[k] + dbs[k]) inside = 1
			if (!inside) { stale++; print "LAB: memcheck stale slot: " sn[i] sprintf(" %.0f", sg[i]) }
		}
		for (r in rg) fr++
		if (fr != fs) match_ok = 0
		dmn = 0; ramn = 0; dma_ok = 1
		for (m in dm) dmn++
		for (r in rg) if (rk[r] == "ram") {
			ramn++
			if (!(rg[r] in dm) || dm[rg[r]] != rs[r]) dma_ok = 0
		}
		if (dmn != ramn) dma_ok = 0
	}
	END {
		if (!snap_done) { snap(); end = "eof" }
		printf "LAB: RESULT %s/mem slots=%d ram_slots=%d bar_slots=%d bad_slots=%d overlap_slots=%d final_slots=%d final_regions=%d slots_match=%s dma_maps=%d ram_regions=%d dma_match=%s stale_slots=%d end=%s\n",
			name, slots, ram_slots, bar_slots, badn, overlap, fs, fr,
			match_ok ? "yes" : "no", dmn, ramn, dma_ok ? "yes" : "no", stale, end
	}'
}

# the arm64 lab: its QEMU and lab_qemu (run-lab --arch arm64)
# shellcheck source=/dev/null
[ "${LAB_ARCH:-x86_64}" != arm64 ] || . /lab/l2-arm64.sh
