# shellcheck shell=bash
# managed (host side): `--vfio NVME_BDF,managed` with the NVMe on L2's
# nvme driver. managed/setup: `passvm unbind` gave it back to nvme before
# the runs. managed/run: the guest drives the NVMe (nvme.l3.sh checks,
# marker at 5 MiB in nvme.img), passvm exits 0; managed/restore: the
# device is back on nvme. managed/sigterm: passvm gets SIGTERM while the
# guest is up: exit 143 (128+SIGTERM), the device was on vfio-pci
# meanwhile and is back on nvme.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_managed_devices() { l1_dev_nvme; }
scen_managed_modules() { echo nvme; } # L2's own NVMe driver
scen_managed_budget() { echo 80; }

scen_managed_check() {
	lab_want passvm || return 0
	expect managed/setup managed/setup driver==nvme || return 0
	check_nvme_run managed/run managed passvm msix run=managed-passvm
	expect managed/restore managed/restore driver==nvme
	expect_run managed/sigterm managed/sigterm + managed run=managed-term \
		exit==143 'hold>=1' during==vfio-pci after==nvme
	print_run_table
}
