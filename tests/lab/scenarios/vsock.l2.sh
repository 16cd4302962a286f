# shellcheck shell=dash
# vsock (L2 side): run L3 with a vsock device and L2's two ends around it
# (see vsock.sh): a host client that CONNECTs into the guest (h2g), and a
# listener for the guest's own connection (g2h_echo). Their report, after
# each run's END line: LAB: RESULT vsock/host vmm=VMM ...
VS_BYTES=1048576
UDS=/tmp/v.sock

# vs_run VMM CMD...: the two L2 ends in the background, the VMM, report
vs_run() {
	local vmm=$1 hl hc
	shift
	rm -f /tmp/vs-hl.log /tmp/vs-hc.log "$UDS" "${UDS}_5001"
	if [ "$vmm" = passvm ]; then
		LABTOOL_KEY=g2h_echo /lab/labtool uds-listen "${UDS}_5001" >/tmp/vs-hl.log 2>&1 &
		hl=$!
		LABTOOL_KEY=h2g /lab/labtool uds-connect "$UDS" 5000 "$VS_BYTES" 360 >/tmp/vs-hc.log 2>&1 &
		hc=$!
	else
		LABTOOL_KEY=g2h_echo /lab/labtool listen 5001 >/tmp/vs-hl.log 2>&1 &
		hl=$!
		LABTOOL_KEY=h2g /lab/labtool connect 4 5000 "$VS_BYTES" 360 >/tmp/vs-hc.log 2>&1 &
		hc=$!
	fi
	"$@"
	# what has not finished by now will not: stop it
	lab_wait_gone "$hc" 10 || kill "$hc" 2>/dev/null
	lab_wait_gone "$hl" 5 || kill "$hl" 2>/dev/null
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result vsock/host vmm="$vmm" \
		$(sed -n 's/^labtool: //p' /tmp/vs-hc.log /tmp/vs-hl.log 2>/dev/null | tr '\n' ' ')
}

lab_want passvm && vs_run passvm lab_passvm vsock-passvm \
	--vsock "cid=3,uds=$UDS"
lab_want qemu && vs_run qemu lab_qemu vsock-qemu \
	-device vhost-vsock-pci,guest-cid=4
