# shellcheck shell=dash
# vsock (L2 side): run L3 with a vsock device and L2's two ends around it
# (see vsock.sh): a host client that CONNECTs into the guest, and a
# listener for the guest's own connection. Their reports follow each run.
VS_BYTES=1048576
UDS=/tmp/v.sock

# vs_run VMM CMD...: the two L2 ends in the background, the VMM, reports
vs_run() {
	local vmm=$1 hl hc
	shift
	rm -f /tmp/vs-hl.log /tmp/vs-hc.log "$UDS" "${UDS}_5001"
	if [ "$vmm" = passvm ]; then
		labtool uds-listen "${UDS}_5001" >/tmp/vs-hl.log 2>&1 &
		hl=$!
		labtool uds-connect "$UDS" 5000 "$VS_BYTES" 360 >/tmp/vs-hc.log 2>&1 &
		hc=$!
	else
		labtool listen 5001 >/tmp/vs-hl.log 2>&1 &
		hl=$!
		labtool connect 4 5000 "$VS_BYTES" 360 >/tmp/vs-hc.log 2>&1 &
		hc=$!
	fi
	"$@"
	# what has not finished by now will not: stop it
	lab_wait_gone "$hc" 10 || kill "$hc" 2>/dev/null
	lab_wait_gone "$hl" 5 || kill "$hl" 2>/dev/null
	echo "LAB: vsock host-connect vmm=$vmm $(tr '\n' ' ' </tmp/vs-hc.log)"
	echo "LAB: vsock host-listen vmm=$vmm $(tr '\n' ' ' </tmp/vs-hl.log)"
}

lab_want passvm && vs_run passvm lab_passvm vsock-passvm vsock \
	--vsock "cid=3,uds=$UDS"
lab_want qemu && vs_run qemu lab_qemu vsock-qemu vsock \
	-device vhost-vsock-pci,guest-cid=4
