i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -b /dev/nvme0n1 ] || exit 1
dd if=/dev/urandom of=/tmp/data bs=4k count=256 2>/dev/null
dd if=/tmp/data of=/dev/nvme0n1 bs=4k seek=14336 oflag=direct 2>/dev/null || exit 2
dd if=/dev/nvme0n1 of=/tmp/back bs=4k skip=14336 count=256 iflag=direct 2>/dev/null || exit 3
cmp /tmp/data /tmp/back || exit 4
