# shellcheck shell=dash
# ci (L2 side): README's "Test your driver in CI", as a CI job runs it. L2
# is the CI host: the NVMe is on its nvme driver, the job builds an
# initramfs from a directory of tests with scripts/ci-initramfs (README's
# recipe, in /lab/ci/ with the tests: scen_ci_l2_files) and runs passvm
# with `--vfio NVME_BDF,managed`, a verdict channel, --timeout and
# --result. Each run's result file goes to the host as one line
#   LAB: CI-JSON RUN {...}
# (checked against the documented schema with python3 there), and after
# each run
#   LAB: RESULT ci/RUN host_driver=D  (the NVMe's driver once passvm exited)
# The guest (lib/../ci-tests/20-lab.sh) reports mode=, iomem=, magic=...
# Runs, ci_mode= telling the guest's lab test what to do:
#   cloud-pass    cloud kernel, --verdict mmio,serial: verdict 0 -> 64
#   cloud-fail    --verdict serial: the test fails with 3 -> 67 (the
#                 devmem write before the line is counted, ignored)
#   cloud-hang    the test hangs: --timeout 20s --timeout-grace 3s -> 5
#   cloud-off     no --verdict, --reboot: the writes change nothing, the
#                 guest powers off -> 0
#   full-pass     Debian's full kernel, its nvme modules in the test
#                 directory: verdict 0 -> 64
#   full-fail     -> 67
#   full-button   the test waits for the ACPI power button (button.ko in
#                 the test directory): --timeout 15s presses it, the
#                 guest's verdict follows -> 5
CI=/lab/ci
CLOUD_KERNEL=$L3_KERNEL
FULL_KERNEL=/lab/vmlinuz-l3-full

# the NVMe starts on L2's own driver, as on a CI host
lab_unbind "$NVME_BDF" >/dev/null
i=0
while [ "$(lab_driver "$NVME_BDF")" != nvme ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
lab_result ci/setup driver="$(lab_driver "$NVME_BDF")"

# the job's initramfs: cloud (the tests as they are), full (+ the full
# kernel's nvme and button modules with their dependencies, in load order:
# scen_ci_l3_modules put them in the lab's L3 image, /lab/l3.cpio)
mkdir -p /tmp/ci-full /tmp/ci-l3
cp -R "$CI/ci-tests/." /tmp/ci-full/
(cd /tmp/ci-l3 && cpio -i -d </lab/l3.cpio 2>/dev/null)
: >/tmp/ci-full/modules.order
while read -r f; do
	cp "/tmp/ci-l3$f" /tmp/ci-full/
	echo "${f##*/}" >>/tmp/ci-full/modules.order
done </tmp/ci-l3/lab/modules-full.ci.list
rm -rf /tmp/ci-l3
sh "$CI/ci-initramfs" "$CI/ci-tests" /tmp/ci-cloud.cpio
sh "$CI/ci-initramfs" /tmp/ci-full /tmp/ci-full.cpio
lab_result ci/images cloud_bytes="$(stat -c %s /tmp/ci-cloud.cpio)" \
	full_bytes="$(stat -c %s /tmp/ci-full.cpio)" \
	full_modules="$(wc -l </tmp/ci-full/modules.order)"

# ci_run RUN KERNEL IMAGE MODE [passvm options...]
ci_run() {
	local run=$1 kernel=$2 image=$3 mode=$4 cmdline=$L3_CMDLINE
	shift 4
	rm -f "/tmp/$run.json"
	L3_KERNEL=$kernel L3_INITRD=$image L3_CMDLINE="$cmdline ci_mode=$mode" \
		lab_passvm "$run" --vfio "$NVME_BDF,managed" \
		--result "/tmp/$run.json" "$@"
	echo "LAB: CI-JSON $run $(cat "/tmp/$run.json" 2>/dev/null || echo none)"
	lab_result "ci/$run" host_driver="$(lab_driver "$NVME_BDF")"
}

ci_run cloud-pass "$CLOUD_KERNEL" /tmp/ci-cloud.cpio pass \
	--verdict mmio,serial --timeout 90s
ci_run cloud-fail "$CLOUD_KERNEL" /tmp/ci-cloud.cpio fail \
	--verdict serial --timeout 90s
ci_run cloud-hang "$CLOUD_KERNEL" /tmp/ci-cloud.cpio hang \
	--verdict mmio,serial --timeout 20s --timeout-grace 3s
ci_run cloud-off "$CLOUD_KERNEL" /tmp/ci-cloud.cpio pass --reboot
ci_run full-pass "$FULL_KERNEL" /tmp/ci-full.cpio pass \
	--verdict mmio,serial --timeout 90s
ci_run full-fail "$FULL_KERNEL" /tmp/ci-full.cpio fail \
	--verdict mmio,serial --timeout 90s
ci_run full-button "$FULL_KERNEL" /tmp/ci-full.cpio button \
	--verdict mmio --timeout 25s
