# SPDX-License-Identifier: GPL-2.0-only
# ovnmig top-level build.  Each part keeps its rules in its own fragment
# (bpf/bpf.mk, user/user.mk, kmod/kmod.mk, tools/tools.mk) which appends
# its final products to ALL_TARGETS and its own phony targets.
#
#   make            build everything into build/
#   make check      install what is missing, build, run every test
#                   (host, then the VM suite on Debian 12 and 13)
#   make vm-root    the Debian 13 guest's root under build/vm/debian13/
#   make demo       the end-to-end live-migration demo in a VM
#                   (DEMO_OS=debian13: on Debian 13's stack)
#   make demo-matrix  s10, s1, s6 on Debian 12 and 13, side by side
#   make bench      benchmarks, JSON under build/bench/
#   make bench-scale  N agents on one SB, direct and via relays (build/bench/scale.json)
#   make install    agent, CLI, BPF objects, man pages, unit, DKMS source
#                   (DESTDIR, PREFIX=/usr/local, SBINDIR, LIBDIR, ...)
#   make deb        the Debian packages ovnmig and ovnmig-dkms in build/deb/
#                   (deb-next: the same at VERSION+next1, for the upgrade test;
#                   deb-lab: plus ovnmig.ko pre-built for the lab's guest)
#   V=1             show full commands

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

TOP	:= $(CURDIR)
BUILD	?= $(TOP)/build
CC	?= gcc
CLANG	?= clang
BPFTOOL	?= bpftool
KDIR	?= $(firstword $(wildcard /usr/src/linux-headers-*-amd64))

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(patsubst $(TOP)/%,%,$(2))';
endif

# The one version string: ovnmigd/ovnmigctl --version, the module's
# MODULE_VERSION (kmod/Kbuild reads VERSION too), dkms.conf as installed,
# and the Debian packages (debian/changelog is checked against it).
VERSION	:= $(shell cat $(TOP)/VERSION)

CWARN	:= -Wall -Wextra -Werror
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 $(CWARN) -I$(TOP)/include -DOVNMIG_VERSION='"$(VERSION)"'
# CPPFLAGS and LDFLAGS as dpkg-buildflags sets them for the package
# (fortify, relro/now); empty otherwise.  Not for the BPF objects.
CFLAGS	+= $(CPPFLAGS)

ALL_TARGETS :=

include bpf/bpf.mk
include user/user.mk
include kmod/kmod.mk
include tools/tools.mk
include install.mk

.PHONY: all deps vm-root check check-slow bench bench-scale demo demo-all demo-matrix baseline fuzz clean
all: $(ALL_TARGETS)

deps:
	$(Q)scripts/install-deps

# The Debian 13 guest's root (scripts/vm/mkroot-debian13; rebuilt only
# when scripts/vm/debian13.packages changes).
vm-root: $(BUILD)/vm/debian13/stamp
$(BUILD)/vm/debian13/stamp: $(TOP)/scripts/vm/debian13.packages
	$(Q)scripts/vm/mkroot-debian13 >/dev/null

check: deps vm-root
	$(Q)$(MAKE) --no-print-directory all kmod-debian13
	$(Q)selftests/run

# make check and the tests marked "# slow:" (many minutes each under TCG;
# the VM phase gets 90 minutes instead of 40).
check-slow: deps vm-root
	$(Q)$(MAKE) --no-print-directory all kmod-debian13
	$(Q)SLOW_TESTS=1 VM_TIMEOUT=$${VM_TIMEOUT:-5400} selftests/run

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run

# Hundreds of agents on one SB, direct and through relays (bench/bench-scale;
# not part of make bench: minutes of CPU on both cores).
bench-scale: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)TOP=$(CURDIR) BUILD=$(BUILD) bench/bench-scale

# The demo's chassis run ovnmig from its packages: make deb-lab first
# (cached while the tree is unchanged; the module pre-built for the guest).
DEMO13	:= $(filter debian13,$(DEMO_OS))
demo: deps $(if $(DEMO13),vm-root)
	$(Q)$(MAKE) --no-print-directory all deb-lab $(if $(DEMO13),kmod-debian13)
	$(Q)scripts/demo

# Every scenario and method, whatever it takes (~25 minutes under TCG);
# make demo stops starting runs when its 15 minutes are used up.
demo-all: deps
	$(Q)$(MAKE) --no-print-directory all deb-lab
	$(Q)scripts/demo --timeout 2400

# s10, s1 and s6 on Debian 12 and Debian 13, side by side
# (build/demo-matrix.txt); make demo takes DEMO_OS=debian13 too.
demo-matrix: deps vm-root
	$(Q)$(MAKE) --no-print-directory all deb-lab kmod-debian13
	$(Q)scripts/demo-matrix

baseline: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/baseline

clean:
	$(Q)rm -rf $(BUILD)
