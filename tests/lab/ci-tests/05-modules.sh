# Driver modules shipped beside the tests, loaded in the order that
# modules.order lists them: the full kernel's NVMe and ACPI button drivers
# with what they need (the cloud kernel has nvme built in: its directory
# has no modules.order).
[ -e modules.order ] || exit 0
while read -r m; do
	insmod "$m" || exit 1
done <modules.order
