# shellcheck shell=dash
# sriov (L2 side): passvm's SR-IOV commands on the igb PF (found by its ID,
# 8086:10c9; its driver igb loaded by scen_sriov_modules), two microVMs
# with a VF each at the same time, then `passvm run --sriov`. Measures
#   LAB: RESULT sriov/make pf=found|missing exit=N numvfs=N autoprobe=N
#     vf0=BDF vf1=BDF vf0_driver=D vf1_driver=D groups=distinct|same
#   LAB: RESULT sriov/mac set0=N set1=N vf0_readback=match|VALUE
#     vf1_readback=... ip_vf0=match|VALUE ip_vf1=...
#   LAB: RESULT sriov/busy exit=N msg=WORDS
#   LAB: RESULT sriov/remove exit=N numvfs=N autoprobe=N record=none|FILES
#   LAB: RESULT sriov/managed-after numvfs=N autoprobe=N record=...
#   LAB: RESULT sriov/sigterm exit=N wall_ms=N during_numvfs=N
#     during_driver=D numvfs=N autoprobe=N record=... (stats keys)
# and the VM runs sriov-a, sriov-b (at once: by hand, not lab_run, which
# runs one VMM at a time), sriov-managed (lab_passvm) and sriov-term; L3
# reports in sriov.l3.sh.
MAC_A=52:54:00:12:36:10 # VF 0, the VM sriov-a
MAC_B=52:54:00:12:36:11 # VF 1, sriov-b
SRIOV_STATE=/run/passvm/sriov

pf=""
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x8086:0x10c9 ]; then
		pf=${d##*/}
		break
	fi
done
if [ -z "$pf" ]; then
	echo "LAB: sriov: no igb PF (8086:10c9) in L2: L1's QEMU needs the igb device (QEMU >= 8: LAB_QEMU=qemu10)"
	lab_result sriov/make pf=missing
	exit 1
fi
PFDIR=/sys/bus/pci/devices/$pf
pfdev=""
for f in "$PFDIR"/net/*; do
	[ -e "$f" ] && pfdev=${f##*/} && break
done
echo "LAB: sriov PF $pf netdev=${pfdev:-none} totalvfs=$(cat "$PFDIR/sriov_totalvfs") driver=$(lab_driver "$pf")"
# the VFs' link follows the PF's
[ -z "$pfdev" ] || ip link set "$pfdev" up

# sriov_state: "numvfs=N autoprobe=N record=none|FILES"
sriov_state() {
	local rec="" f
	for f in "$SRIOV_STATE"/*; do
		[ -e "$f" ] && rec="$rec${rec:+,}${f##*/}"
	done
	echo "numvfs=$(cat "$PFDIR/sriov_numvfs") autoprobe=$(cat "$PFDIR/sriov_drivers_autoprobe") record=${rec:-none}"
}

# passvm_say WHAT CMD...: run a passvm command, its output framed in the log;
# the exit status in $rc, the output in $out
passvm_say() {
	local what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "LAB: sriov $what: $* -> exit=$rc"
	printf '%s\n' "$out" | sed 's/^/LAB:   /'
}

vf_of() { basename "$(readlink "$PFDIR/virtfn$1")"; }
grp_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }

# 1. two VFs, bound to vfio-pci
passvm_say make "$PASSVM" sriov "$pf" --numvfs 2 --bind
vf0=$(vf_of 0)
vf1=$(vf_of 1)
g0=$(grp_of "$vf0")
g1=$(grp_of "$vf1")
# shellcheck disable=SC2046 # sriov_state: KEY=VALUE words
lab_result sriov/make pf=found exit=$rc vf0="$vf0" vf1="$vf1" \
	vf0_driver="$(lab_driver "$vf0")" vf1_driver="$(lab_driver "$vf1")" \
	groups="$([ -n "$g0" ] && [ "$g0" != "$g1" ] && echo distinct || echo same)" \
	$(sriov_state | cut -d' ' -f1-2)
[ "$rc" = 0 ] || exit 1

# 2. their MACs, through the PF's netdev, read back two ways
passvm_say mac0 "$PASSVM" sriov "$pf" --vf 0 --mac "$MAC_A" --spoofchk on
set0=$rc
passvm_say mac1 "$PASSVM" sriov "$pf" --vf 1 --mac "$MAC_B" --trust off
set1=$rc
passvm_say show "$PASSVM" sriov "$pf"
show=$out
ipout=$(/usr/sbin/ip link show "$pfdev" 2>&1)
printf '%s\n' "$ipout" | sed 's/^/LAB:   ip: /'
# readback N WANT: "match" when passvm's listing shows VF N with MAC WANT
readback() {
	local got
	got=$(printf '%s\n' "$show" | sed -n "s/^  VF $1: .*; mac \([0-9a-f:]*\),.*/\1/p")
	[ "$got" = "$2" ] && echo match || echo "${got:-none}"
}
# ip_mac N WANT: the same from iproute2's "vf N link/ether MAC ..." line
ip_mac() {
	local got
	got=$(printf '%s\n' "$ipout" | sed -n "s/^ *vf $1 .*link\/ether \([0-9a-f:]*\).*/\1/p")
	[ "$got" = "$2" ] && echo match || echo "${got:-none}"
}
lab_result sriov/mac set0=$set0 set1=$set1 vf0_readback="$(readback 0 "$MAC_A")" \
	vf1_readback="$(readback 1 "$MAC_B")" ip_vf0="$(ip_mac 0 "$MAC_A")" \
	ip_vf1="$(ip_mac 1 "$MAC_B")"

# 3. two microVMs at once, a VF each, pinging each other
# shellcheck disable=SC2034 # read by lab_passvm_args (l2-lib.sh)
L3_KERNEL=/lab/vmlinuz-l3-full

# vm_start NAME VF MAC PEER_MAC: passvm in the background (one vCPU: two
# guests share L1's one), its console and stderr in /tmp/NAME.*; its pid
# in /tmp/NAME.pid, start time in .t0
vm_start() {
	local name=$1 vf=$2 mac=$3 peer=$4
	# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
	set -- "$PASSVM" run $(lab_passvm_args) \
		--cmdline "$L3_CMDLINE $(lab_l3_args passvm) lab_mac=$mac lab_peer=$(lab_mac_ll "$peer")" \
		--cpus 1 --vfio "$vf" --console "file:/tmp/$name.console"
	echo "$*" >"/tmp/$name.cmd"
	lab_uptime_cs >"/tmp/$name.t0"
	"$@" </dev/null 2>"/tmp/$name.err" &
	echo $! >"/tmp/$name.pid"
	lab_watchdog "$!" passvm >"/tmp/$name.wd" 2>&1 &
	echo $! >"/tmp/$name.wdpid"
}

# vm_report NAME: wait for it, then its run in the output contract
vm_report() {
	local name=$1 pid rc t0 t1 hung=0
	pid=$(cat "/tmp/$name.pid")
	wait "$pid"
	rc=$?
	t1=$(lab_uptime_cs)
	t0=$(cat "/tmp/$name.t0")
	kill "$(cat "/tmp/$name.wdpid")" 2>/dev/null
	[ ! -e "/tmp/lab-hung.$pid" ] || hung=1
	echo "LAB: BEGIN $name vmm=passvm"
	echo "LAB: cmd $(cat "/tmp/$name.cmd")"
	cat "/tmp/$name.console" "/tmp/$name.wd" "/tmp/$name.err"
	echo
	echo "LAB: passvm exit=$rc"
	# shellcheck disable=SC2046 # lab_stats_keys: KEY=VALUE words
	lab_result "$LAB_SCENARIO" vmm=passvm exit=$rc wall_ms=$(((t1 - t0) * 10)) \
		hung=$hung stderr_lines="$(grep -c -v -e '^passvm: stats: ' -e '^$' "/tmp/$name.err")" \
		$(lab_stats_keys "/tmp/$name.err")
	lab_stats_vfio "/tmp/$name.err"
	echo "LAB: END $name vmm=passvm exit=$rc wall_ms=$(((t1 - t0) * 10))"
}

vm_start sriov-a "$vf0" "$MAC_A" "$MAC_B"
vm_start sriov-b "$vf1" "$MAC_B" "$MAC_A"
# while they run (both L3s up: each reports guest=up on its console), the
# VFs must not be removable
i=0
while [ $i -lt 900 ] && ! { grep -q 'guest=up' /tmp/sriov-a.console 2>/dev/null &&
	grep -q 'guest=up' /tmp/sriov-b.console 2>/dev/null; }; do
	[ -d "/proc/$(cat /tmp/sriov-a.pid)" ] || [ -d "/proc/$(cat /tmp/sriov-b.pid)" ] || break
	sleep 0.1
	i=$((i + 1))
done
passvm_say busy "$PASSVM" sriov "$pf" --remove
lab_result sriov/busy exit=$rc after_s=$((i / 10)) msg="$(printf '%s' "$out" | tr -s ' \n\t' '___' | tr -cd 'A-Za-z0-9_:.()-')"
vm_report sriov-a
vm_report sriov-b

# 4. removed once nobody holds them
passvm_say remove "$PASSVM" sriov "$pf" --remove
# shellcheck disable=SC2046 # sriov_state: KEY=VALUE words
lab_result sriov/remove exit=$rc $(sriov_state)

# 5. passvm run --sriov: made at start, removed at exit
lab_passvm sriov-managed --sriov "$pf,numvfs=1"
# shellcheck disable=SC2046
lab_result sriov/managed-after $(sriov_state)

# 6. the same, stopped by SIGTERM while the guest holds
lab_hold_start sriov-term 60 --sriov "$pf,numvfs=1"
during_numvfs=$(cat "$PFDIR/sriov_numvfs")
during_driver=$(lab_driver "$(vf_of 0)")
# Said after the run: a line printed while passvm's output is followed
# can land inside a guest's RESULT line (whose words the checks read).
held=$((LAB_BG_WAITED / 10))
kill -TERM "$LAB_BG_PID"
lab_bg_end
echo "LAB: sriov-term: the guest held for ${held}s with $during_numvfs VF(s), VF driver $during_driver; SIGTERM was sent to passvm then"
echo "LAB: passvm exit=$LAB_BG_RC"
# shellcheck disable=SC2046 # KEY=VALUE words
lab_result sriov/sigterm exit="$LAB_BG_RC" wall_ms="$LAB_BG_MS" \
	during_numvfs="$during_numvfs" during_driver="$during_driver" \
	$(sriov_state) $(lab_stats_keys /tmp/sriov-term.out)
echo "LAB: END sriov-term vmm=passvm exit=$LAB_BG_RC wall_ms=$LAB_BG_MS"
