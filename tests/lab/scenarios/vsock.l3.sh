# shellcheck shell=dash
# vsock (L3 side; /init loaded virtio_pci and the vsock transport): listen
# on port 5000 for the host's connection (echo: h2g_echo), connect to the
# host (CID 2) port 5001 and check the echo (g2h), then wait for the
# listener to be done (the host's client retries until it gets in):
#   LAB: RESULT vsock vmm=VMM g2h=ok g2h_bytes=N g2h_t=S h2g_echo=ok
#     h2g_echo_bytes=N
LABTOOL_KEY=h2g_echo labtool listen 5000 >/tmp/vs-listen.log 2>&1 &
lp=$!
LABTOOL_KEY=g2h labtool connect 2 5001 1048576 120 >/tmp/vs-connect.log 2>&1
i=0
while [ -d "/proc/$lp" ] && [ $i -lt 900 ]; do
	sleep 0.1
	i=$((i + 1))
done
# shellcheck disable=SC2046 # KEY=VALUE words
lab_result vsock $(sed -n 's/^labtool: //p' /tmp/vs-connect.log /tmp/vs-listen.log | tr '\n' ' ')
