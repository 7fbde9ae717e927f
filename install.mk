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
# tree); the packages, .buildinfo and .changes end in build/deb/.  Built
# again only when a file of the tree (build/ and .git aside) is newer
# than the last build or the list of files changed: "make demo" and the
# VM phase of selftests/run ask for it every time (~30 s when it builds).
#
# make deb-next: the same tree as the next release, VERSION+next1
# (VERSION and a new debian/changelog entry, in the copy only), into
# build/deb-next/: the build the upgrade test (selftests/vm/
# demo-pkg-upgrade) upgrades to.  A real second build, so that
# ovnmigd --version, the module and the package all say the new version.
DEB_INPUTS	:= $(shell cd $(TOP) && find . \( -path ./build -o -path ./.git -o -path ./selftests \
			-o -path ./bench -o -path ./docs -o -path ./scripts -o -path ./README.md \) \
			-prune -o -type f -print 2>/dev/null | sed 's|^\./||' | sort)
DEB_LIST	:= $(BUILD)/deb-inputs.list
DEB_NEXT_VERSION := $(VERSION)+next1

.PHONY: deb deb-next deb-lab deb-next-lab FORCE
deb: $(BUILD)/deb/.built
deb-next: $(BUILD)/deb-next/.built

# make deb-lab (deb-next-lab): what the lab's VM installs, make deb's
# (deb-next's) packages plus ovnmig.ko for the Debian 12 guest's kernel,
# built on the host by DKMS from the ovnmig-dkms package and packed as a
# binaries-only DKMS tarball next to it (scripts/lab/dkms-prebuild;
# root): DKMS compiling in the emulated guest took over 15 minutes.
# Retried while it could not build (not root, no headers).
deb-lab: $(BUILD)/deb/.prebuilt
deb-next-lab: $(BUILD)/deb-next/.prebuilt
$(BUILD)/deb/.prebuilt: $(BUILD)/deb/.built
$(BUILD)/deb-next/.prebuilt: $(BUILD)/deb-next/.built
$(BUILD)/deb/.prebuilt $(BUILD)/deb-next/.prebuilt:
	$(call msg,DKMS,$(@D))
	$(Q)scripts/lab/dkms-prebuild $(@D)
	$(Q)if ls $(@D)/ovnmig-*.dkms.tar.gz >/dev/null 2>&1; then touch $@; fi

# The list of files, rewritten only when it changes (a file added or
# removed rebuilds the packages, an unchanged tree does not).
$(DEB_LIST): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '%s\n' $(DEB_INPUTS) >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# deb_build VERSION OUTDIR: the tree copied to build/, at VERSION (a
# changelog entry added when VERSION is not the tree's), packaged.
define deb_build
	$(Q)rm -rf $(BUILD)/debsrc-$(1) $(2)
	$(Q)mkdir -p $(BUILD)/debsrc-$(1)/ovnmig-$(1) $(2)
	$(Q)tar -C $(TOP) --exclude=./build --exclude=./.git -cf - . | \
		tar -C $(BUILD)/debsrc-$(1)/ovnmig-$(1) -xf -
	$(Q)cd $(BUILD)/debsrc-$(1)/ovnmig-$(1) && if [ "$(1)" != "$(VERSION)" ]; then \
		echo "$(1)" >VERSION && \
		{ printf 'ovnmig (%s) unstable; urgency=medium\n\n  * %s\n\n -- %s  %s\n\n' \
			"$(1)" "Rebuild as the next version (make deb-next: upgrade test)." \
			"$$(dpkg-parsechangelog -SMaintainer)" "$$(dpkg-parsechangelog -SDate)"; \
		  cat debian/changelog; } >debian/changelog.new && \
		mv debian/changelog.new debian/changelog; fi
	$(call msg,DEB,$(2))
	$(Q)cd $(BUILD)/debsrc-$(1)/ovnmig-$(1) && \
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -30 ../build.log >&2; exit 1; }
	$(Q)mv $(BUILD)/debsrc-$(1)/*.deb $(BUILD)/debsrc-$(1)/*.buildinfo \
		$(BUILD)/debsrc-$(1)/*.changes $(BUILD)/debsrc-$(1)/build.log $(2)/
	$(Q)mv $(BUILD)/debsrc-$(1)/*.ddeb $(2)/ 2>/dev/null || true
	$(Q)rm -rf $(BUILD)/debsrc-$(1)
	$(Q)touch $(2)/.built
endef

$(BUILD)/deb/.built: $(DEB_INPUTS) $(DEB_LIST)
	$(Q)v=$$(dpkg-parsechangelog -l debian/changelog -SVersion) && \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "deb: debian/changelog is at $$v, VERSION at $(VERSION)" >&2; exit 1; fi
	$(call deb_build,$(VERSION),$(BUILD)/deb)

$(BUILD)/deb-next/.built: $(DEB_INPUTS) $(DEB_LIST)
	$(call deb_build,$(DEB_NEXT_VERSION),$(BUILD)/deb-next)
