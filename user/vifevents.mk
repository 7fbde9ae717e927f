# SPDX-License-Identifier: GPL-2.0-only
# The agent's VIF event source (user/agent/vifevents.c) and its CLI,
# build/user/ovnmig-vifwatch.  For user/user.mk: add $(VIFEVENTS_SRCS) to
# a program's sources and $(VIFEVENTS_LDLIBS) to its libraries, or link
# $(VIFEVENTS_OBJS); headers: $(VIFEVENTS_HDRS).
ifndef VIFEVENTS_MK
VIFEVENTS_MK	:= 1

VIFEVENTS_SRCS	:= user/agent/vifevents.c
VIFEVENTS_HDRS	:= user/agent/vifevents.h include/ovnmig/genl.h
VIFEVENTS_OBJS	:= $(BUILD)/user/agent/vifevents.o
VIFEVENTS_LDLIBS := -lmnl
VIFWATCH	:= $(BUILD)/user/ovnmig-vifwatch

ALL_TARGETS	+= $(VIFWATCH)

$(BUILD)/user/agent/vifevents.o: user/agent/vifevents.c $(VIFEVENTS_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -D_GNU_SOURCE -Iuser -c -o $@ $<

$(VIFWATCH): user/agent/vifwatch.c $(VIFEVENTS_OBJS) $(VIFEVENTS_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -D_GNU_SOURCE -Iuser -o $@ $< $(VIFEVENTS_OBJS) \
		$(VIFEVENTS_LDLIBS) -lpthread

.PHONY: vifwatch
vifwatch: $(VIFWATCH)
endif
