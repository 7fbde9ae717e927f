# SPDX-License-Identifier: GPL-2.0-only
# tools/: the test bed's C helpers.
#   build/tools/probe      UDP/TCP traffic probe (loss, dups, reorder, gaps)
#   build/tools/announce   RARP announcer, as QEMU sends after a migration

TOOLS_BIN := $(BUILD)/tools/probe $(BUILD)/tools/announce
ALL_TARGETS += $(TOOLS_BIN)

$(BUILD)/tools/probe: tools/probe/probe.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lpthread

$(BUILD)/tools/announce: tools/probe/announce.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

.PHONY: tools
tools: $(TOOLS_BIN)
