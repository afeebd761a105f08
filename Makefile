# tracerec top-level Makefile.  `make` builds everything into build/ (build/san with SAN=1).
# Sources are discovered by convention, so adding a file rarely means editing this file:
#   bpf/NAME.bpf.c           -> $(B)/NAME.bpf.o -> $(B)/NAME.skel.h
#   tools/NAME.c             -> one tool each ($(B)/tracerec-dump, ...): only the six mains
#   user/AREA/*.c            -> $(B)/libtracerec.a (common, trz, collect, import, dump, corpus,
#                               fill, eval: one folder per subsystem, see docs/architecture.md)
#   model/*.c model/AREA/*.c -> $(B)/libmodel.a (the imputers; no I/O beyond the checkpoint)
# Includes are written from the roots user/, model/ and bpf/ ("trz/trz.h", "nn/model.h").
#   tests/test_*.c           -> $(B)/tests/test_* (CMocka), linked with tests/helpers/*.c
#   tests/progs/*.c          -> $(B)/tests/progs/* (programs the end-to-end tests trace)
#   tests/*.sh               -> run by `make test` after the CMocka suites
#   tests/fuzz/fuzz_*.c      -> libFuzzer harnesses and their replayers (tests/fuzz/fuzz.mk)
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:

SAN ?= 0
ifeq ($(SAN),1)
B := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B := build
SANFLAGS :=
endif

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
DESTDIR ?=
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PKGS := libbpf babeltrace2 openblas zlib
# Deferred (=, not :=): pkg-config must run when a recipe needs the flags, after scripts/deps.sh
# ($(B)/.deps-ok, a prerequisite of every object) installed the -dev packages on a fresh machine.
# Read once per make run and cached in PKG_CACHE_* below.
PKG_CFLAGS = $(if $(PKG_CACHE_C),,$(eval PKG_CACHE_C := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) ))$(PKG_CACHE_C)
PKG_LIBS = $(if $(PKG_CACHE_L),,$(eval PKG_CACHE_L := $(shell pkg-config --libs $(PKGS) 2>/dev/null) ))$(PKG_CACHE_L)
CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP $(SANFLAGS) \
	-I$(B) -Iuser -Imodel -Ibpf $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LIBS = $(PKG_LIBS) -lbpf -lelf -lz -lopenblas -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Ivmlinux/$(ARCH) -Ivmlinux -Ibpf

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(B)/%.skel.h,$(BPF_SRCS))
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS := $(patsubst tools/%.c,$(B)/%,$(TOOL_SRCS))
LIB_SRCS := $(wildcard user/*.c user/*/*.c)
LIB_OBJS := $(patsubst user/%.c,$(B)/user/%.o,$(LIB_SRCS)) $(B)/gen/syscall_table.o \
	$(B)/gen/dump_tables.o
MODEL_SRCS := $(wildcard model/*.c model/*/*.c)
MODEL_OBJS := $(patsubst model/%.c,$(B)/model/%.o,$(MODEL_SRCS))
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))
TEST_HELPER_OBJS := $(patsubst tests/helpers/%.c,$(B)/tests/helpers/%.o,$(wildcard tests/helpers/*.c))
PROG_SRCS := $(wildcard tests/progs/*.c)
PROGS := $(patsubst tests/progs/%.c,$(B)/tests/progs/%,$(PROG_SRCS))
TTOOL_SRCS := $(wildcard tests/tools/*.c)
TTOOLS := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(TTOOL_SRCS))
MANS := $(wildcard man/*.[1-8])

.PHONY: all deps test check demo install clean tools tests bench lint
all: $(B)/.deps-ok tools

tools: $(TOOLS)
tests: $(TESTS) $(PROGS) $(TTOOLS)

# Dependencies: checked on every build, installed with apt-get when root (scripts/deps.sh).
deps:
	$(Q)scripts/deps.sh
$(B)/.deps-ok: scripts/deps.sh
	$(Q)scripts/deps.sh
	$(Q)mkdir -p $(@D) && touch $@

# BPF objects and skeletons
$(B)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(B)/.deps-ok
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(B)/%.skel.h: $(B)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# Generated syscall table (from the installed kernel headers)
$(B)/gen/syscall_table.c: scripts/gen_syscall_table.sh | $(B)/.deps-ok
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/gen_syscall_table.sh $@
# Named constants for decoding syscall arguments (from the installed kernel and libc headers)
$(B)/gen/dump_tables.c: scripts/gen_dump_tables.sh | $(B)/.deps-ok
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/gen_dump_tables.sh $@ $(CC)

# C objects; everything user-side may include a BPF skeleton
$(B)/user/%.o: user/%.c | $(SKELS) $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
$(B)/tools/%.o: tools/%.c | $(SKELS) $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
$(B)/gen/%.o: $(B)/gen/%.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
$(B)/model/%.o: model/%.c | $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fcx-limited-range -c $< -o $@
# the activations' loops over model/nn/fastmath.h vectorise only with these
$(B)/model/nn/act.o: CFLAGS += -O3 -fno-trapping-math
$(B)/tests/%.o: tests/%.c | $(SKELS) $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -c $< -o $@

$(B)/libtracerec.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(B)/libmodel.a: $(MODEL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(if $^,$^,)

$(B)/tracerec%: $(B)/tools/tracerec%.o $(B)/libtracerec.a $(B)/libmodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $< -o $@ $(B)/libtracerec.a $(B)/libmodel.a $(B)/libtracerec.a $(LIBS)

$(B)/tests/test_%: $(B)/tests/test_%.o $(TEST_HELPER_OBJS) $(B)/libtracerec.a $(B)/libmodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $< $(TEST_HELPER_OBJS) -o $@ $(B)/libtracerec.a $(B)/libmodel.a $(B)/libtracerec.a $(LIBS) -lcmocka

# Test tools (tests/tools/*.c): helpers for end-to-end tests, linked with the library
$(B)/tests/tools/%: $(B)/tests/tools/%.o $(B)/libtracerec.a $(B)/libmodel.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $< -o $@ $(B)/libtracerec.a $(B)/libmodel.a $(B)/libtracerec.a $(LIBS)

# (never sanitized: they are the workloads traced, and ASan's own start-up and LSan's exit-time
# stop-the-world add syscalls the tests' exact expectations do not describe)
$(B)/tests/progs/%: tests/progs/%.c | $(B)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror $< -o $@ -lpthread

# Tests: CMocka suites, then tests/*.sh (end-to-end, as root where they need it).
test check: all tests
	$(Q)B=$(B) SAN=$(SAN) scripts/run-tests.sh $(TESTS) -- $(sort $(wildcard tests/*.sh))

# Static analysis: clang-tidy (.clang-tidy) and cppcheck over user/, model/, tools/; exits 1 on
# any finding (scripts/lint.sh).  Not part of `make test`: it takes minutes.
lint: $(SKELS) | $(B)/.deps-ok
	$(Q)B=$(B) scripts/lint.sh

demo: all
	$(Q)B=$(B) scripts/demo.sh

bench: all
	@echo "benchmarks: scripts/bench-*.sh (each writes its section of BENCHMARKS.md)"

install: all
	install -d $(DESTDIR)$(prefix)/bin $(DESTDIR)$(prefix)/sbin $(DESTDIR)$(prefix)/share/man/man1 \
		$(DESTDIR)$(prefix)/share/man/man5 $(DESTDIR)$(prefix)/share/man/man7 $(DESTDIR)$(prefix)/share/man/man8
	for t in $(TOOLS); do \
		case $$t in */tracerecd) install -m 0755 $$t $(DESTDIR)$(prefix)/sbin/ ;; \
		*) install -m 0755 $$t $(DESTDIR)$(prefix)/bin/ ;; esac; done
	for m in $(MANS); do s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(prefix)/share/man/man$$s/; done
	install -d $(DESTDIR)$(prefix)/share/bash-completion/completions
	for t in $(notdir $(TOOLS)); do install -m 0644 completion/tracerec.bash \
		$(DESTDIR)$(prefix)/share/bash-completion/completions/$$t; done

clean:
	rm -rf build

include tests/fuzz/fuzz.mk

# (the fuzz objects live in build/fuzz for every B: their dependencies too)
-include $(sort $(shell find $(B) $(FZ) -name '*.d' 2>/dev/null))
