# SPDX-License-Identifier: GPL-2.0-only
# ovnmigd (agent), ovnmigctl (CLI) and their tests.  Every program is
# built twice: build/user/X (-O2) and build/user/asan/X (ASan+UBSan),
# which the agent tests run too.
-include user/ovsdb.mk
-include user/vifevents.mk

USER_DIR	:= $(BUILD)/user
USER_ASAN_DIR	:= $(BUILD)/user/asan
USER_CFLAGS	:= $(CFLAGS) -Iuser -D_GNU_SOURCE
USER_ASAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer

# Attach needs the datapath's skeletons (bpf/bpf.mk); without them the
# programs build and attach says why it cannot.
ifneq ($(BPF_SKELS),)
USER_CFLAGS	+= $(BPF_SKEL_INC)
USER_SKELS	:= $(BPF_SKELS)
else
USER_CFLAGS	+= -DOVNMIG_NO_SKEL
USER_SKELS	:=
endif

USER_COMMON	:= user/lib/maps.c user/lib/maps_chassis.c user/lib/maps_attach.c \
		   user/ctl/ctl.c user/ctl/ctl_maps.c user/lib/log.c user/lib/metrics.c \
		   user/lib/nexthop.c

# name: sources, libraries
USER_PROGS	:= policy-test ovnmigctl
policy-test_SRCS := user/agent/policy_test.c user/agent/policy.c
policy-test_LIBS :=
ovnmigctl_SRCS	:= user/ctl/ovnmigctl.c $(USER_COMMON)
ovnmigctl_LIBS	:= -lbpf -lelf -lz -ljansson

# ovnmigd needs the OVSDB follower (part A) to link.
ifneq ($(wildcard user/ovsdb.mk),)
USER_PROGS	+= ovnmigd
ovnmigd_SRCS	:= user/agent/ovnmigd.c user/agent/policy.c user/agent/metrics_http.c \
		   $(USER_COMMON)
ovnmigd_LIBS	:= $(OVSDB_LIB) -lbpf -lelf -lz -ljansson -lssl -lcrypto \
		   -lmicrohttpd
ovnmigd_ASAN_LIBS := $(OVSDB_ASAN_LIB) -lbpf -lelf -lz -ljansson -lssl \
		   -lcrypto -lmicrohttpd
ifneq ($(VIFEVENTS_SRCS),)
ovnmigd_SRCS	+= $(VIFEVENTS_SRCS)
ovnmigd_LIBS	+= $(VIFEVENTS_LDLIBS)
ovnmigd_ASAN_LIBS += $(VIFEVENTS_LDLIBS)
ovnmigd_CFLAGS	:= -DOVNMIG_HAVE_VIFEVENTS
endif
endif

# The benchmark driver (bench/bench-agent); no sanitizer variant.
USER_BENCH	:= $(USER_DIR)/ovnmigd-bench
$(USER_BENCH): user/agent/ovnmigd_bench.c include/ovnmig/abi.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< -lbpf -lelf -lz -ljansson
ALL_TARGETS	+= $(USER_BENCH)

USER_HDRS	:= $(wildcard user/*/*.h) include/ovnmig/abi.h

define user_prog
$(USER_DIR)/$(1): $($(1)_SRCS) $(USER_HDRS) $(USER_SKELS) $(filter %.a,$($(1)_LIBS))
	$$(call msg,CC,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CC) $(USER_CFLAGS) $($(1)_CFLAGS) $(LDFLAGS) -o $$@ $($(1)_SRCS) $($(1)_LIBS)
$(USER_ASAN_DIR)/$(1): $($(1)_SRCS) $(USER_HDRS) $(USER_SKELS) $(filter %.a,$(or $($(1)_ASAN_LIBS),$($(1)_LIBS)))
	$$(call msg,CC-ASAN,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CC) $(USER_CFLAGS) $($(1)_CFLAGS) $(USER_ASAN) -o $$@ $($(1)_SRCS) $(or $($(1)_ASAN_LIBS),$($(1)_LIBS))
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_prog,$(p))))

ALL_TARGETS	+= $(addprefix $(USER_DIR)/,$(USER_PROGS)) \
		   $(addprefix $(USER_ASAN_DIR)/,$(USER_PROGS))
