# SPDX-License-Identifier: GPL-2.0-only
# ovnmig.ko, built out of tree: the sources and the shared netlink header
# are copied under build/kmod/ so that kbuild's artefacts never litter
# kmod/.  KDIR defaults to the headers of the Debian 6.1 kernel the VM
# boots; "make KDIR=/lib/modules/$(uname -r)/build kmod" builds for another.

KMOD_KVER	?= $(patsubst vmlinuz-%,%,$(notdir $(lastword $(sort $(wildcard /boot/vmlinuz-6.1.0-*-amd64)))))
ifeq ($(origin KDIR),command line)
KMOD_KDIR	:= $(KDIR)
else
KMOD_KDIR	?= /usr/src/linux-headers-$(KMOD_KVER)
endif
KMOD_SRCS	:= $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h) $(TOP)/kmod/Kbuild
KMOD_OBJDIR	:= $(BUILD)/kmod/src
KMOD_KO		:= $(BUILD)/kmod/ovnmig.ko

ALL_TARGETS	+= $(KMOD_KO)

$(KMOD_KO): $(KMOD_SRCS) $(TOP)/include/ovnmig/genl.h $(TOP)/kmod/kmod.mk $(TOP)/VERSION
	$(call msg,KMOD,$@)
	$(Q)if [ ! -d "$(KMOD_KDIR)" ]; then \
		echo "kmod: no kernel headers at $(KMOD_KDIR) (install linux-headers-amd64)" >&2; exit 1; fi
	$(Q)rm -rf $(KMOD_OBJDIR) && mkdir -p $(KMOD_OBJDIR) $(BUILD)/kmod/include/ovnmig
	$(Q)cp $(KMOD_SRCS) $(KMOD_OBJDIR)/
	$(Q)cp $(TOP)/include/ovnmig/genl.h $(BUILD)/kmod/include/ovnmig/
	$(Q)cp $(TOP)/VERSION $(BUILD)/kmod/
	$(Q)$(MAKE) --no-print-directory -C $(KMOD_KDIR) M=$(KMOD_OBJDIR) \
		$(if $(filter 1,$(V)),V=1,-s) modules
	$(Q)cp $(KMOD_OBJDIR)/ovnmig.ko $@

.PHONY: kmod kmod-debian13
kmod: $(KMOD_KO)

# The same module for Debian 13's 6.12 kernel, built in the test bed's
# trixie root (root only; make check's set-up): the debian13 VM's module
# tests load it.
KMOD13_KO	:= $(BUILD)/kmod/debian13/ovnmig.ko
kmod-debian13: $(KMOD13_KO)
$(KMOD13_KO): $(KMOD_SRCS) $(TOP)/include/ovnmig/genl.h $(TOP)/kmod/kmod.mk $(TOP)/VERSION \
		$(TOP)/scripts/vm/kbuild-debian13 $(BUILD)/vm/debian13/stamp
	$(call msg,KMOD,$@)
	$(Q)$(TOP)/scripts/vm/kbuild-debian13 $(BUILD)/kmod/debian13/build >/dev/null
	$(Q)cp $(BUILD)/kmod/debian13/build/src/ovnmig.ko $@
