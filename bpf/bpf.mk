# SPDX-License-Identifier: GPL-2.0-only
# The datapath: bpf/*.bpf.c -> build/bpf/*.bpf.o -> build/bpf/*.skel.h,
# plus the host test helpers and the benchmark driver (selftests/bpf/).
#
# For user/user.mk:  BPF_SKELS (skeleton headers to depend on) and
# BPF_SKEL_INC (-I flag that finds them).

BPF_DIR		:= $(BUILD)/bpf
BPF_ARCH_INC	:= /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
BPF_CFLAGS	:= -target bpf -O2 -g -Wall -Wextra -Werror \
		   -I$(TOP)/include -I$(TOP)/bpf -I$(BPF_ARCH_INC)
BPF_HDRS	:= $(wildcard bpf/*.h) include/ovnmig/abi.h
BPF_PROGS	:= steer bounce steer_sim
BPF_OBJS	:= $(patsubst %,$(BPF_DIR)/%.bpf.o,$(BPF_PROGS))
BPF_SKELS	:= $(patsubst %,$(BPF_DIR)/%.skel.h,$(BPF_PROGS))
BPF_SKEL_INC	:= -I$(BPF_DIR)

# Test helpers and benchmark driver (user space, libbpf).
BPF_TEST_DIR	:= $(BUILD)/selftests/bpf
BPF_TEST_SRCS	:= $(filter-out %.bpf.c,$(wildcard selftests/bpf/*.c))
BPF_TEST_BINS	:= $(patsubst selftests/bpf/%.c,$(BPF_TEST_DIR)/%,$(BPF_TEST_SRCS))
BPF_TEST_OBJS	:= $(patsubst selftests/bpf/%.bpf.c,$(BPF_TEST_DIR)/%.bpf.o,\
		   $(wildcard selftests/bpf/*.bpf.c))
BPF_TEST_CFLAGS	:= $(CFLAGS) -D_GNU_SOURCE -I$(TOP)/bpf -I$(TOP)/user $(BPF_SKEL_INC) \
		   -DBUILD_DIR='"$(BUILD)"'

ALL_TARGETS	+= $(BPF_OBJS) $(BPF_SKELS) $(BPF_TEST_BINS) $(BPF_TEST_OBJS)

$(BPF_DIR)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_DIR)/%.skel.h: $(BPF_DIR)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) >$@

$(BPF_TEST_DIR)/%.bpf.o: selftests/bpf/%.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_TEST_DIR)/%: selftests/bpf/%.c $(wildcard selftests/bpf/*.h) user/lib/clock.h $(BPF_SKELS) \
		   $(BPF_HDRS) $(BPF_TEST_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BPF_TEST_CFLAGS) $< -o $@ -lbpf -lelf -lz -lm

.PHONY: bpf
bpf: $(BPF_OBJS) $(BPF_SKELS)
