# shellcheck shell=dash
# vsock (L3 side; /init loaded virtio_pci and the vsock transport): listen
# on port 5000 for the host's connection (echo), connect to the host
# (CID 2) port 5001 and check the echo, then wait for the listener to be
# done (the host's client retries until it gets in).
labtool listen 5000 >/tmp/vs-listen.log 2>&1 &
lp=$!
echo "L3: vsock out: $(labtool connect 2 5001 1048576 120 2>&1 | tr '\n' ' ')"
i=0
while [ -d "/proc/$lp" ] && [ $i -lt 900 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "L3: vsock in: $(tr '\n' ' ' </tmp/vs-listen.log)"
