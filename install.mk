# SPDX-License-Identifier: GPL-2.0-only
# make install / make uninstall: the usual directory variables, DESTDIR
# for staging (debian/rules installs into debian/tmp with PREFIX=/usr).
#
#   SBINDIR     ovnmigd, ovnmigctl
#   PKGLIBDIR   steer.bpf.o, bounce.bpf.o, for loading them by hand with
#               tc/ip (ovnmigd --attach carries its own copies, built in
#               as libbpf skeletons, and reads no file at run time)
#   MANDIR      ovnmigd(8), ovnmigctl(8)
#   UNITDIR     ovnmigd.service (ExecStart points into SBINDIR)
#   SYSCONFDIR  default/ovnmigd, never overwritten, removed by uninstall
#               only when unchanged
#   DKMSDIR     ovnmig-$(VERSION)/: the module source with dkms.conf
#
# "make install" builds only what it installs (no test programs, no
# sanitizer builds, no module: DKMS builds that on the target).

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
LIBDIR		?= $(PREFIX)/lib
PKGLIBDIR	?= $(LIBDIR)/ovnmig
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc
UNITDIR		?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
DKMSDIR		?= /usr/src
INSTALL		?= install

INST_PROGS	:= $(BUILD)/user/ovnmigd $(BUILD)/user/ovnmigctl
INST_BPF	:= $(BPF_DIR)/steer.bpf.o $(BPF_DIR)/bounce.bpf.o
INST_MAN	:= user/man/ovnmigd.8 user/man/ovnmigctl.8
INST_KSRC	:= $(DKMSDIR)/ovnmig-$(VERSION)
# The DKMS tree: top Kbuild (obj-m += kmod/), the module's own files and
# the netlink header it shares with user space.
INST_KFILES	:= $(sort $(wildcard kmod/*.c kmod/*.h)) kmod/Kbuild
D		= $(DESTDIR)

.PHONY: programs install install-dkms uninstall
programs: $(INST_PROGS) $(INST_BPF)

install: programs install-dkms
	$(Q)$(INSTALL) -d $(D)$(SBINDIR) $(D)$(PKGLIBDIR) $(D)$(MANDIR)/man8 \
		$(D)$(UNITDIR) $(D)$(SYSCONFDIR)/default
	$(Q)$(INSTALL) -m 0755 $(INST_PROGS) $(D)$(SBINDIR)/
	$(Q)$(INSTALL) -m 0644 $(INST_BPF) $(D)$(PKGLIBDIR)/
	$(Q)$(INSTALL) -m 0644 $(INST_MAN) $(D)$(MANDIR)/man8/
	$(Q)sed 's|/usr/sbin/ovnmigd|$(SBINDIR)/ovnmigd|g' user/agent/ovnmigd.service \
		>$(D)$(UNITDIR)/ovnmigd.service
	$(Q)chmod 0644 $(D)$(UNITDIR)/ovnmigd.service
	$(Q)if [ -e $(D)$(SYSCONFDIR)/default/ovnmigd ]; then \
		echo "install: keeping $(D)$(SYSCONFDIR)/default/ovnmigd"; \
	else \
		$(INSTALL) -m 0644 user/agent/ovnmigd.default $(D)$(SYSCONFDIR)/default/ovnmigd; \
	fi

install-dkms:
	$(Q)$(INSTALL) -d $(D)$(INST_KSRC)/kmod $(D)$(INST_KSRC)/include/ovnmig
	$(Q)$(INSTALL) -m 0644 Kbuild VERSION $(D)$(INST_KSRC)/
	$(Q)sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(D)$(INST_KSRC)/dkms.conf
	$(Q)chmod 0644 $(D)$(INST_KSRC)/dkms.conf
	$(Q)$(INSTALL) -m 0644 $(INST_KFILES) $(D)$(INST_KSRC)/kmod/
	$(Q)$(INSTALL) -m 0644 include/ovnmig/genl.h $(D)$(INST_KSRC)/include/ovnmig/

uninstall:
	$(Q)rm -f $(addprefix $(D)$(SBINDIR)/,$(notdir $(INST_PROGS))) \
		$(addprefix $(D)$(PKGLIBDIR)/,$(notdir $(INST_BPF))) \
		$(addprefix $(D)$(MANDIR)/man8/,$(notdir $(INST_MAN))) \
		$(D)$(UNITDIR)/ovnmigd.service
	$(Q)rm -rf $(D)$(INST_KSRC)
	$(Q)rmdir $(D)$(PKGLIBDIR) 2>/dev/null || true
	$(Q)f=$(D)$(SYSCONFDIR)/default/ovnmigd; \
	if [ -e $$f ] && ! cmp -s $$f user/agent/ovnmigd.default; then \
		echo "uninstall: keeping $$f (changed)"; else rm -f $$f; fi

# make deb: dpkg-buildpackage -b in a copy of the tree under build/ (it
# writes its products to the parent directory and debian/ files into the
# tree); the packages, .buildinfo and .changes end in build/deb/.
DEB_SRC		:= $(BUILD)/debsrc/ovnmig-$(VERSION)

.PHONY: deb
deb:
	$(Q)v=$$(dpkg-parsechangelog -l debian/changelog -SVersion) && \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "deb: debian/changelog is at $$v, VERSION at $(VERSION)" >&2; exit 1; fi
	$(Q)rm -rf $(BUILD)/debsrc $(BUILD)/deb
	$(Q)mkdir -p $(DEB_SRC) $(BUILD)/deb
	$(Q)tar -C $(TOP) --exclude=./build --exclude=./.git -cf - . | tar -C $(DEB_SRC) -xf -
	$(call msg,DEB,$(BUILD)/deb)
	$(Q)cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD \
		dpkg-buildpackage -us -uc -b >$(BUILD)/debsrc/build.log 2>&1 || \
		{ tail -30 $(BUILD)/debsrc/build.log >&2; exit 1; }
	$(Q)mv $(BUILD)/debsrc/*.deb $(BUILD)/debsrc/*.buildinfo \
		$(BUILD)/debsrc/*.changes $(BUILD)/deb/
	$(Q)mv $(BUILD)/debsrc/*.ddeb $(BUILD)/deb/ 2>/dev/null || true
	$(Q)mv $(BUILD)/debsrc/build.log $(BUILD)/deb/
	$(Q)rm -rf $(BUILD)/debsrc
