# SPDX-License-Identifier: GPL-2.0-only
# tools/: the test bed's C helpers.
#   build/tools/probe      UDP/TCP traffic probe (loss, dups, reorder, gaps)
#   build/tools/announce   RARP announcer, as QEMU sends after a migration
#   build/tools/demo-analyze  the demo's analyzer (scripts/demo.d/report)

TOOLS_BIN := $(BUILD)/tools/probe $(BUILD)/tools/announce \
	     $(BUILD)/tools/demo-analyze
ALL_TARGETS += $(TOOLS_BIN)

$(BUILD)/tools/probe: tools/probe/probe.c user/lib/clock.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -I$(TOP)/user -o $@ $< -lpthread

$(BUILD)/tools/announce: tools/probe/announce.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/tools/demo-analyze: scripts/demo.d/analyze.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $<

.PHONY: tools
tools: $(TOOLS_BIN)
