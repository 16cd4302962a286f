# Fuzzing (tests/fuzz/README.md) and the unit tests under ASan/UBSan,
# included by the top Makefile. Everything builds under $(B)/fuzz and
# $(B)/obj-asan, so `make` (musl) and `make CC=gcc` never see it.
#
#   make fuzz        every harness FUZZ_SECONDS (default 60) from its
#                    corpus, then line coverage of the files it targets
#   make fuzz-short  every harness a few seconds (part of `make check`)
#   make unit-asan   the cmocka tests built with ASan + UBSan, run
#
# libFuzzer and the sanitizers are clang's (Debian: clang-14,
# libclang-rt-14-dev); coverage is llvm-profdata/llvm-cov (llvm-14).

# Debian's clang-14 (tests/lab/install-deps), or whatever clang is.
ifeq ($(origin FUZZ_CC),undefined)
FUZZ_CC := $(or $(shell command -v clang-14),clang)
endif
# One short line per object (V=1: the whole command).
FQ := $(if $(V),,@)
FUZZ_SECONDS ?= 60
FUZZ_SHORT_SECONDS ?= 5
FUZZ_SHORT_RUNS ?= 200000
FB := $(B)/fuzz

# A harness is tests/fuzz/fuzz_NAME.c; its seeds tests/fuzz/corpus/NAME/.
# One whose "FUZZ-REQUIRES:" line names a file that is not there (the
# virtqueue walker before virtio/ is merged) is left out.
fuzz_missing = $(strip $(foreach f,$(shell sed -n \
	's|^/\* FUZZ-REQUIRES: \(.*\) \*/$$|\1|p' tests/fuzz/fuzz_$(1).c),\
	$(if $(wildcard $(f)),,$(f))))
FUZZ_HARNESSES := $(foreach h,$(patsubst tests/fuzz/fuzz_%.c,%, \
	$(wildcard tests/fuzz/fuzz_*.c)),$(if $(call fuzz_missing,$(h)),,$(h)))
# The unit tests' fake VFIO device, and their virtqueue fuzz entry point
# once virtio/ is there.
FUZZ_HELPERS := $(filter-out tests/fuzz/fuzz_%.c tests/fuzz/replay.c, \
	$(wildcard tests/fuzz/*.c)) tests/unit/fake_vfio.c \
	$(wildcard tests/unit/virtq_fuzz.c)
FUZZ_FLAGS := -std=gnu11 -g $(WARN) -Wno-gnu-variable-sized-type-not-at-end \
	-I. -I$(B)/gen/$(ARCH) -I$(B)/gen -Itests/unit -Itests/fuzz -D_GNU_SOURCE \
	-DPASSVM_VERSION='"$(VERSION)"'
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# The libFuzzer build: ASan, UBSan (every report fatal), coverage
# guidance (not for the harnesses' checking helpers: it would only slow
# them down and guide nothing).
FUZZ_ACFLAGS := $(FUZZ_FLAGS) -O1 $(FUZZ_SAN)
FUZZ_SANCOV := -fsanitize=fuzzer-no-link
# The coverage build of the same code, run over the final corpus.
FUZZ_PROF := -fprofile-instr-generate -fcoverage-mapping
FUZZ_CCFLAGS := $(FUZZ_FLAGS) -O0 $(FUZZ_PROF)

FUZZ_SRCS := $(LIB_SRCS) $(FUZZ_HELPERS)
FUZZ_AOBJS := $(patsubst %.c,$(FB)/asan/%.o,$(FUZZ_SRCS)) \
	$(patsubst %.S,$(FB)/asan/%.o,$(ASMS))
FUZZ_COBJS := $(patsubst %.c,$(FB)/cov/%.o,$(FUZZ_SRCS)) \
	$(patsubst %.S,$(FB)/cov/%.o,$(ASMS))
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FB)/bin/fuzz_%)
FUZZ_COV_BINS := $(FUZZ_HARNESSES:%=$(FB)/bin/cov_%)
FUZZ_RUN := FUZZ_BUILD=$(FB) tests/fuzz/run-fuzz

.PHONY: fuzz fuzz-short fuzz-build unit-asan
.PRECIOUS: $(FB)/asan/%.o $(FB)/cov/%.o

$(FB)/asan/%.o: %.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC [fuzz] $<")
	$(FQ)$(FUZZ_CC) $(FUZZ_ACFLAGS) $(FUZZ_SANCOV) -MMD -MP -c -o $@ $<

$(patsubst %.c,$(FB)/asan/%.o,$(FUZZ_HELPERS)): FUZZ_SANCOV :=

$(FB)/cov/%.o: %.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC [cov] $<")
	$(FQ)$(FUZZ_CC) $(FUZZ_CCFLAGS) -MMD -MP -c -o $@ $<

$(FB)/asan/%.o: %.S $(GEN)
	@mkdir -p $(dir $@)
	$(FQ)$(FUZZ_CC) -c -o $@ $<

$(FB)/cov/%.o: %.S $(GEN)
	@mkdir -p $(dir $@)
	$(FQ)$(FUZZ_CC) -c -o $@ $<

$(FB)/bin/fuzz_%: $(FB)/asan/tests/fuzz/fuzz_%.o $(FUZZ_AOBJS)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LD $@")
	$(FQ)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -ljansson -lfdt -pthread

$(FB)/bin/cov_%: $(FB)/cov/tests/fuzz/fuzz_%.o $(FB)/cov/tests/fuzz/replay.o \
		$(FUZZ_COBJS)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LD $@")
	$(FQ)$(FUZZ_CC) $(FUZZ_PROF) -o $@ $^ -ljansson -lfdt -pthread

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS) $(FUZZ_COV_BINS)
	$(FUZZ_RUN) --seconds $(FUZZ_SECONDS) --coverage $(FUZZ_HARNESSES)

fuzz-short: $(FUZZ_BINS)
	$(FUZZ_RUN) --seconds $(FUZZ_SHORT_SECONDS) --runs $(FUZZ_SHORT_RUNS) \
		$(FUZZ_HARNESSES)

# ---- the unit tests under ASan + UBSan (host compiler) ----
ASAN_OBJ := $(B)/obj-asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ASAN_CFLAGS := $(CFLAGS_COMMON) $(ASAN_FLAGS)
ASAN_LIB_OBJS := $(patsubst %.c,$(ASAN_OBJ)/%.o,$(LIB_SRCS)) \
	$(patsubst %.S,$(ASAN_OBJ)/%.o,$(ASMS))
ASAN_TEST_BINS := $(patsubst tests/unit/%.c,$(B)/tests-asan/%,$(TEST_SRCS))
.PRECIOUS: $(ASAN_OBJ)/%.o

$(ASAN_OBJ)/%.o: %.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC [asan] $<")
	$(FQ)$(HOSTCC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

$(ASAN_OBJ)/%.o: %.S $(GEN)
	@mkdir -p $(dir $@)
	$(FQ)$(HOSTCC) -c -o $@ $<

$(B)/tests-asan/%: tests/unit/%.c $(TEST_HELPERS) $(ASAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LD $@")
	$(FQ)$(HOSTCC) $(ASAN_CFLAGS) -Itests/unit -o $@ $< $(TEST_HELPERS) \
		$(ASAN_LIB_OBJS) -lcmocka -ljansson -lfdt -pthread

# Every sanitizer report fails the test binary (and so `make check`).
unit-asan: $(ASAN_TEST_BINS) $(B)/passvm
	@set -e; for t in $(ASAN_TEST_BINS); do echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $$t; done

-include $(FUZZ_AOBJS:.o=.d) $(FUZZ_COBJS:.o=.d) $(ASAN_LIB_OBJS:.o=.d) \
	$(FUZZ_HARNESSES:%=$(FB)/asan/tests/fuzz/fuzz_%.d) \
	$(FUZZ_HARNESSES:%=$(FB)/cov/tests/fuzz/fuzz_%.d)
