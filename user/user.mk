# SPDX-License-Identifier: GPL-2.0-only
# ovnmigd (agent), ovnmigctl (CLI) and their tests.  Every program is
# built twice: build/user/X (-O2) and build/user/asan/X (ASan+UBSan),
# which the agent tests run too.
-include user/ovsdb.mk

USER_DIR	:= $(BUILD)/user
USER_ASAN_DIR	:= $(BUILD)/user/asan
USER_CFLAGS	:= $(CFLAGS) -Iuser -D_GNU_SOURCE
USER_ASAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer

# name: sources, libraries
USER_PROGS	:= policy-test ovnmigctl
policy-test_SRCS := user/policy_test.c user/policy.c
policy-test_LIBS :=
ovnmigctl_SRCS	:= user/ovnmigctl.c user/maps.c user/ctl.c user/ctl_maps.c user/log.c \
		   user/metrics.c
ovnmigctl_LIBS	:= -lbpf -ljansson

# ovnmigd needs the OVSDB follower (part A) to link.
ifneq ($(wildcard user/ovsdb.mk),)
USER_PROGS	+= ovnmigd
ovnmigd_SRCS	:= user/ovnmigd.c user/policy.c user/maps.c user/ctl.c user/ctl_maps.c \
		   user/log.c user/metrics.c
ovnmigd_LIBS	= $(BUILD)/user/libovnmig-ovsdb.a -lbpf -ljansson -lssl \
		  -lcrypto -lmnl
endif

USER_HDRS	:= $(wildcard user/*.h) include/ovnmig/abi.h

define user_prog
$(USER_DIR)/$(1): $($(1)_SRCS) $(USER_HDRS) $(filter %.a,$($(1)_LIBS))
	$$(call msg,CC,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CC) $(USER_CFLAGS) -o $$@ $($(1)_SRCS) $($(1)_LIBS)
$(USER_ASAN_DIR)/$(1): $($(1)_SRCS) $(USER_HDRS) $(filter %.a,$($(1)_LIBS))
	$$(call msg,CC-ASAN,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(CC) $(USER_CFLAGS) $(USER_ASAN) -o $$@ $($(1)_SRCS) $($(1)_LIBS)
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_prog,$(p))))

ALL_TARGETS	+= $(addprefix $(USER_DIR)/,$(USER_PROGS)) \
		   $(addprefix $(USER_ASAN_DIR)/,$(USER_PROGS))
