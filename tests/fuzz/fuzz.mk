# tests/fuzz/fuzz.mk - libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), included by the Makefile.
#   build/fuzz/fuzz_NAME         clang -fsanitize=fuzzer,address,undefined, over a copy of the
#                                libraries built with coverage (build/fuzz/{user,model}/...)
#   $(B)/tests/fuzz/replay_NAME  the same harness around tests/fuzz/replay_main.c, built with
#                                $(CC) (and SAN=1's sanitizers): replays inputs, no libFuzzer
#   make fuzz [FUZZ_S=N]         every harness N seconds (default 60), new crashes saved under
#                                tests/fuzz/crashes/NAME/ (commit them, then fix)
# `make test` builds both; tests/fuzz.sh replays every corpus and crash input and fuzzes each
# harness FUZZ_TEST_S (15) seconds.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FZ := build/fuzz
FUZZERS := $(patsubst %,$(FZ)/fuzz_%,$(FUZZ_NAMES))
REPLAYS := $(patsubst %,$(B)/tests/fuzz/replay_%,$(FUZZ_NAMES))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Werror -MMD -MP $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt -Iuser -Imodel -Ibpf -Itests $(PKG_CFLAGS)
FUZZ_LIB_SRCS := $(filter-out user/collect/%,$(LIB_SRCS)) $(MODEL_SRCS)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FZ)/%.o,$(FUZZ_LIB_SRCS)) \
	$(patsubst $(B)/gen/%,$(FZ)/gen/%,$(filter $(B)/gen/%,$(LIB_OBJS)))
FUZZ_S ?= 60

.PHONY: fuzz
tests: $(REPLAYS) $(FUZZERS)
fuzz: $(FUZZERS)
	$(Q)tests/fuzz/run.sh --save $(FUZZ_S)

$(FZ)/%.o: %.c | $(B)/.deps-ok
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
$(FZ)/gen/%.o: $(B)/gen/%.c
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
$(FZ)/libfuzzlib.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FZ)/libfuzzlib.a
	$(call msg,LINK,$@)
	$(Q)$(CLANG) $(FUZZ_SAN) -fsanitize=fuzzer $< -o $@ $(FZ)/libfuzzlib.a $(LIBS)

$(B)/tests/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_main.o $(B)/libtracerec.a $(B)/libmodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(B)/libtracerec.a $(LIBS)
