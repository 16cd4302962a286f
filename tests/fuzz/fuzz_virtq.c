// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the virtqueue walker (virtio/virtq.c), through the entry
 * point its unit tests share (tests/unit/virtq_fuzz.c, virtq_fuzz_one():
 * the input is the queue size, the feature bits and guest RAM holding
 * the descriptor table and rings; it aborts when the walker hands out a
 * buffer outside guest RAM).
 *
 * Built only once virtio/ is on the branch: the FUZZ-REQUIRES line below
 * names what it needs, and fuzz.mk and run-fuzz skip it until then. To
 * enable it by hand before that, the files named must exist; then seed
 * tests/fuzz/corpus/virtq/ (tests/fuzz/gen-corpus virtq).
 *
 * Invariants: virtq_fuzz_one()'s (every buffer inside guest RAM, no
 * chain with output bytes and no output descriptor), the sanitizers',
 * and no file descriptor left open.
 */
/* FUZZ-REQUIRES: virtio/virtq.h tests/unit/virtq_fuzz.h */
/* FUZZ-TARGETS: virtio/virtq.c */
/* FUZZ-OPTIONS: -max_len=65538 */
#include "fuzz.h"
#include "virtq_fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds = fuzz_count_fds();

	fuzz_trace(size && (data[0] & 0x80));
	virtq_fuzz_one(data, size);
	FZ_CHECK(fuzz_count_fds() == fds, "fds: %d before, %d after", fds,
		 fuzz_count_fds());
	return 0;
}
