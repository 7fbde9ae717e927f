# SPDX-License-Identifier: GPL-2.0-only
# The OVSDB client library and the sbview follower (part A of issue 5),
# included by user/user.mk.
#
#   $(OVSDB_LIB)       build/user/libovnmig-ovsdb.a   (-O2)
#   $(OVSDB_ASAN_LIB)  build/user/asan/libovnmig-ovsdb.a (ASan+UBSan)
#   $(OVSDB_LDLIBS)    what a program linking either needs
#   ovsdb-follow       prints what the follower sees (tests, debugging)
#   ovsdb-test         the follower against real ovsdb-servers and a
#                      lying server (TAP; modes sb cluster liar local ssl
#                      old-schema bench bench-client)
#   make fuzz          libFuzzer on the update parser (FUZZ_SECONDS=300)

OVSDB_SRCS	:= user/ovsdb/stream.c user/ovsdb/jsonrpc.c user/ovsdb/ovsdb.c user/sb/sbview.c
OVSDB_HDRS	:= user/ovsdb/stream.h user/ovsdb/jsonrpc.h user/ovsdb/ovsdb.h user/sb/sbview.h
OVSDB_DIR	:= $(BUILD)/user/ovsdb
OVSDB_ASAN_DIR	:= $(BUILD)/user/asan/ovsdb
OVSDB_LIB	:= $(BUILD)/user/libovnmig-ovsdb.a
OVSDB_ASAN_LIB	:= $(BUILD)/user/asan/libovnmig-ovsdb.a
OVSDB_LDLIBS	:= -ljansson -lssl -lcrypto
OVSDB_CFLAGS	:= $(CFLAGS) -Iuser -D_GNU_SOURCE
OVSDB_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
# Tools and tests (each one .c file in user/sb/ plus the library).
OVSDB_PROGS	:= ovsdb-follow ovsdb-test

# Keep the objects (not intermediates): several makes may share build/.
OVSDB_OBJS	:= $(foreach d,$(OVSDB_DIR) $(OVSDB_ASAN_DIR), \
		     $(patsubst user/%.c,$(d)/%.o,$(OVSDB_SRCS)) \
		     $(patsubst %,$(d)/sb/%.o,$(subst -,_,$(OVSDB_PROGS))))
.SECONDARY: $(OVSDB_OBJS)

$(OVSDB_DIR)/%.o: user/%.c $(OVSDB_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(OVSDB_CFLAGS) -c -o $@ $<

$(OVSDB_ASAN_DIR)/%.o: user/%.c $(OVSDB_HDRS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(OVSDB_CFLAGS) $(OVSDB_SAN) -c -o $@ $<

$(OVSDB_LIB): $(patsubst user/%.c,$(OVSDB_DIR)/%.o,$(OVSDB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(OVSDB_ASAN_LIB): $(patsubst user/%.c,$(OVSDB_ASAN_DIR)/%.o,$(OVSDB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/user/ovsdb-%: $(OVSDB_DIR)/sb/ovsdb_%.o $(OVSDB_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(OVSDB_CFLAGS) -o $@ $^ $(OVSDB_LDLIBS)

$(BUILD)/user/asan/ovsdb-%: $(OVSDB_ASAN_DIR)/sb/ovsdb_%.o $(OVSDB_ASAN_LIB)
	$(call msg,LD-ASAN,$@)
	$(Q)$(CC) $(OVSDB_CFLAGS) $(OVSDB_SAN) -o $@ $^ $(OVSDB_LDLIBS)

# libFuzzer needs clang; the target feeds bytes to the framer, the
# JSON-RPC checks and the update parser of a view with no connection.
OVSDB_FUZZ	:= $(BUILD)/user/fuzz/ovsdb-fuzz
OVSDB_FUZZ_SAN	:= -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
$(OVSDB_FUZZ): user/fuzz/ovsdb_fuzz.c $(OVSDB_SRCS) $(OVSDB_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -std=gnu11 -O1 -g $(CWARN) -I$(TOP)/include -Iuser \
		-D_GNU_SOURCE -DOVSDB_FUZZING $(OVSDB_FUZZ_SAN) -o $@ \
		user/fuzz/ovsdb_fuzz.c $(OVSDB_SRCS) $(OVSDB_LDLIBS)

FUZZ_SECONDS	?= 300
.PHONY: ovsdb-fuzz
fuzz: ovsdb-fuzz
ovsdb-fuzz: $(OVSDB_FUZZ)
	$(Q)mkdir -p $(BUILD)/fuzz/ovsdb-corpus
	$(Q)$(OVSDB_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 -rss_limit_mb=1024 \
		$(BUILD)/fuzz/ovsdb-corpus user/fuzz/corpus

ALL_TARGETS	+= $(OVSDB_LIB) $(OVSDB_ASAN_LIB) \
		   $(addprefix $(BUILD)/user/,$(OVSDB_PROGS)) \
		   $(addprefix $(BUILD)/user/asan/,$(OVSDB_PROGS)) \
		   $(if $(wildcard user/fuzz/ovsdb_fuzz.c),$(OVSDB_FUZZ))
