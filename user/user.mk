# SPDX-License-Identifier: GPL-2.0-only
# user/: the agent, the CLI and their tools and tests, all by the one
# rule set below.  A program is a main source plus the layers it links
# (README, "Source layout"); every source compiles to an object twice,
#   build/user/obj/...       ($(CFLAGS))
#   build/user/asan/obj/...  (+ $(USER_SAN): ASan+UBSan, the agent tests'
#                             AGENT_VARIANT=asan)
# and every program links twice, build/user/X and build/user/asan/X.
#
#   make fuzz    libFuzzer on the OVSDB framer and the Southbound update
#                parser (clang; FUZZ_SECONDS=300), build/user/fuzz/

USER_DIR	:= $(BUILD)/user
USER_ASAN_DIR	:= $(BUILD)/user/asan
USER_CFLAGS	:= $(CFLAGS) -Iuser -D_GNU_SOURCE $(BPF_SKEL_INC)
USER_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
USER_HDRS	:= $(wildcard user/*/*.h) include/ovnmig/abi.h \
		   include/ovnmig/genl.h

# The layers: lib <- ovsdb <- sb <- agent;  lib <- ctl <- agent.
# USER_LIB links with libc alone; USER_MAPS, the rest of lib/ (pinned
# maps, next hops, the metrics formatter), with libbpf and jansson.
USER_LIB	:= user/lib/util.c user/lib/hmap.c user/lib/log.c user/lib/bfmt.c
USER_MAPS	:= user/lib/maps.c user/lib/maps_chassis.c \
		   user/lib/maps_attach.c user/lib/nexthop.c user/lib/metrics.c \
		   user/lib/maps_evidence.c
USER_OVSDB	:= user/ovsdb/stream.c user/ovsdb/jsonrpc.c user/ovsdb/ovsdb.c \
		   user/ovsdb/jv.c
USER_SB		:= user/sb/sbview.c user/sb/monitor.c user/sb/update.c \
		   user/sb/tables.c
USER_CTL	:= user/ctl/ctl.c user/ctl/ctl_maps.c user/ctl/ctl_migrations.c
USER_AGENT	:= user/agent/commands.c user/agent/options.c user/agent/policy.c \
		   user/agent/metrics_http.c user/agent/vifevents.c \
		   user/agent/migrations.c

# name_SRCS: main source first, then what it links; name_LIBS.
USER_PROGS	:= ovnmigd ovnmigctl policy-test ovsdb-follow ovsdb-test \
		   ovnmig-vifwatch ovnmigd-bench

ovnmigd_SRCS	:= user/agent/ovnmigd.c $(USER_AGENT) $(USER_SB) \
		   $(USER_OVSDB) $(USER_CTL) $(USER_MAPS) $(USER_LIB)
ovnmigd_LIBS	:= -lbpf -lelf -lz -ljansson -lssl -lcrypto -lmicrohttpd -lmnl
ovnmigctl_SRCS	:= user/ctl/ovnmigctl.c $(USER_CTL) $(USER_MAPS) $(USER_LIB)
ovnmigctl_LIBS	:= -lbpf -lelf -lz -ljansson
policy-test_SRCS := user/agent/policy_test.c user/agent/policy.c $(USER_LIB)
policy-test_LIBS :=
ovsdb-follow_SRCS := user/sb/ovsdb_follow.c $(USER_SB) $(USER_OVSDB) $(USER_LIB)
ovsdb-follow_LIBS := -ljansson -lssl -lcrypto
ovsdb-test_SRCS	:= user/sb/ovsdb_test.c $(USER_SB) $(USER_OVSDB) $(USER_LIB)
ovsdb-test_LIBS	:= -ljansson -lssl -lcrypto
# VIF events as the agent sees them (tests, debugging).
ovnmig-vifwatch_SRCS := user/agent/vifwatch.c user/agent/vifevents.c $(USER_LIB)
ovnmig-vifwatch_LIBS := -lmnl -lpthread
# The benchmark driver (bench/bench-agent).
ovnmigd-bench_SRCS := user/agent/ovnmigd_bench.c $(USER_LIB)
ovnmigd-bench_LIBS := -lbpf -lelf -lz -ljansson

USER_SRCS	:= $(sort $(foreach p,$(USER_PROGS),$($(p)_SRCS)))
# Keep the objects (not intermediates): several makes may share build/.
.SECONDARY: $(patsubst user/%.c,$(USER_DIR)/obj/%.o,$(USER_SRCS)) \
	    $(patsubst user/%.c,$(USER_ASAN_DIR)/obj/%.o,$(USER_SRCS))

$(USER_DIR)/obj/%.o: user/%.c $(USER_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(USER_ASAN_DIR)/obj/%.o: user/%.c $(USER_HDRS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) $(USER_SAN) -c -o $@ $<

# The C tests write TAP with selftests/lib/tap.h.
USER_TEST_OBJS	:= $(foreach d,$(USER_DIR) $(USER_ASAN_DIR), \
		     $(d)/obj/sb/ovsdb_test.o $(d)/obj/agent/policy_test.o)
$(USER_TEST_OBJS): USER_CFLAGS += -Iselftests/lib
$(USER_TEST_OBJS): selftests/lib/tap.h

# attach loads the datapath from its skeletons (bpf/bpf.mk).
$(USER_DIR)/obj/lib/maps_attach.o $(USER_ASAN_DIR)/obj/lib/maps_attach.o: \
	$(BPF_SKELS)

define user_prog
$(USER_DIR)/$(1): $(patsubst user/%.c,$(USER_DIR)/obj/%.o,$($(1)_SRCS))
	$$(call msg,LD,$$@)
	$(Q)$(CC) $(USER_CFLAGS) $(LDFLAGS) -o $$@ $$^ $($(1)_LIBS)
$(USER_ASAN_DIR)/$(1): $(patsubst user/%.c,$(USER_ASAN_DIR)/obj/%.o,$($(1)_SRCS))
	$$(call msg,LD-ASAN,$$@)
	$(Q)$(CC) $(USER_CFLAGS) $(USER_SAN) -o $$@ $$^ $($(1)_LIBS)
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_prog,$(p))))

# libFuzzer needs clang; the target feeds bytes to the framer, the
# JSON-RPC checks and the update parser of a view with no connection.
USER_FUZZ	:= $(USER_DIR)/fuzz/ovsdb-fuzz
USER_FUZZ_SRCS	:= user/fuzz/ovsdb_fuzz.c $(USER_SB) $(USER_OVSDB) $(USER_LIB)
$(USER_FUZZ): $(USER_FUZZ_SRCS) $(USER_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -std=gnu11 -O1 -g $(CWARN) -I$(TOP)/include -Iuser \
		-D_GNU_SOURCE -fsanitize=fuzzer $(USER_SAN) -o $@ \
		$(USER_FUZZ_SRCS) -ljansson -lssl -lcrypto

FUZZ_SECONDS	?= 300
.PHONY: ovsdb-fuzz
fuzz: ovsdb-fuzz
ovsdb-fuzz: $(USER_FUZZ)
	$(Q)mkdir -p $(BUILD)/fuzz/ovsdb-corpus
	$(Q)$(USER_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 -rss_limit_mb=1024 \
		$(BUILD)/fuzz/ovsdb-corpus user/fuzz/corpus

.PHONY: vifwatch
vifwatch: $(USER_DIR)/ovnmig-vifwatch

ALL_TARGETS	+= $(addprefix $(USER_DIR)/,$(USER_PROGS)) \
		   $(addprefix $(USER_ASAN_DIR)/,$(USER_PROGS)) $(USER_FUZZ)
