# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# ovnmig in the OVN lab, from its Debian packages.  Sourced by
# scripts/demo.d/lab-glue.sh, scripts/lab/systemctl and the VM tests,
# after scripts/lab/lab.sh.
#
#   lab_pkg_install [--dkms] [DIR]
#                           dpkg -i DIR's ovnmig (default $BUILD/deb,
#                           "make deb-lab"), with --dkms ovnmig-dkms too;
#                           checks the result: ovnmigd --version, that
#                           the installed ovnmigd carries the installed BPF
#                           objects, with --dkms that DKMS installed
#                           ovnmig.ko at the package's version for the
#                           running kernel under /lib/modules/KVER/
#                           updates/dkms.  Only inside scripts/vm-run (the
#                           VM's root is the host's / under a throwaway
#                           tmpfs overlay: the packages are gone at
#                           shutdown); once per boot for the same .debs.
#                           DKMS compiling in the TCG guest takes more
#                           than 15 minutes, so the host builds the module
#                           first, from the same package
#                           (scripts/lab/dkms-prebuild: DIR's
#                           ovnmig-VER-kernelKVER-ARCH.dkms.tar.gz) and
#                           this puts it where dh_dkms' postinst loads a
#                           binaries-only tarball from: the postinst then
#                           only installs it (checked: the installed
#                           ovnmig.ko is the tarball's, byte for byte).
#                           Without the tarball, DKMS compiles (slowly).
#                           Even so, the install took 664-692 s at host
#                           load 16-18 (ovnmig alone: 29-145 s; dkms
#                           install's depmod over 9p ~207 s of it), so
#                           only what loads the module asks for --dkms.
#   lab_unit_start K        what "systemctl start ovnmigd" does on a chassis:
#                           the installed unit's ExecStart, with chassis K's
#                           $LAB_DIR/chK/default/ovnmigd as its
#                           EnvironmentFile, in chassis K's netns
#   lab_unit_stop K         systemctl stop: SIGTERM, SIGKILL after the unit's
#                           TimeoutStopSec (10 s)
#   lab_unit_active K       the chassis' agent runs (0) or not (1)
#   lab_unit_pid K          its pid
#
# Every chassis is a host of its own for ovnmig: its own bpffs, control
# socket and default file; the three share the VM's one installation.

LAB_PKG_UNIT=${LAB_PKG_UNIT:-/lib/systemd/system/ovnmigd.service}
LAB_OVNMIGD=/usr/sbin/ovnmigd
# shellcheck disable=SC2034 # for the callers
LAB_OVNMIGCTL=/usr/sbin/ovnmigctl
LAB_PKG_STATE=/run/ovnmig-lab-pkg

# _lab_deb DIR NAME: the one NAME_*.deb in DIR.
_lab_deb() {
	local f n=0 found=
	for f in "$1"/"$2"_*.deb; do
		[ -f "$f" ] || continue
		found=$f n=$((n + 1))
	done
	[ $n = 1 ] || { _lab_err "$1: $n packages $2_*.deb (make deb makes one)"; return 1; }
	echo "$found"
}

lab_pkg_install() {
	local dkms=0 dir ov dk='' v dv='' sums kver pre='' ko o how t0=$SECONDS
	[ "${1:-}" = --dkms ] && { dkms=1; shift; }
	dir=${1:-${BUILD:-$LAB_TOP/build}/deb}
	[ -n "${VM_ACCEL:-}" ] ||
		{ _lab_err "lab_pkg_install: only inside scripts/vm-run (it installs into the VM's throwaway root)"; return 1; }
	kver=$(uname -r)
	ov=$(_lab_deb "$dir" ovnmig) || return 1
	if [ $dkms = 1 ]; then
		dk=$(_lab_deb "$dir" ovnmig-dkms) || return 1
		dv=$(dpkg-deb -f "$dk" Version)
		dv=${dv%-*}
		pre=$dir/ovnmig-$dv-kernel$kver-$(uname -m).dkms.tar.gz
		[ -f "$pre" ] || pre=
	fi
	v=$(dpkg-deb -f "$ov" Version)
	# The state: one checksum per file installed (so that ovnmig alone
	# after both is no reinstall).
	sums=$(md5sum "$ov" $dk $pre | cut -d' ' -f1)
	mkdir -p "$LAB_PKG_STATE"
	[ -f "$LAB_PKG_STATE/installed" ] &&
		! grep -qvxF -f "$LAB_PKG_STATE/installed" <<<"$sums" && return 0
	# common.postinst (dh_dkms) runs "dkms ldtarball" on
	# /usr/share/PACKAGE/NAME-VERSION.dkms.tar.gz when there is one,
	# instead of "dkms add", and builds only what is not built yet.  (A
	# "dkms ldtarball" before dpkg would not do: the postinst first
	# removes any ovnmig/VERSION already in the DKMS tree.)
	if [ -n "$pre" ]; then
		mkdir -p /usr/share/ovnmig-dkms
		cp "$pre" "/usr/share/ovnmig-dkms/ovnmig-$dv.dkms.tar.gz"
	fi
	if ! DEBIAN_FRONTEND=noninteractive dpkg -i "$ov" $dk >"$LAB_PKG_STATE/dpkg.log" 2>&1; then
		rm -f "/usr/share/ovnmig-dkms/ovnmig-$dv.dkms.tar.gz"
		tail -15 "$LAB_PKG_STATE/dpkg.log" >&2
		_lab_err "dpkg -i ${ov##*/} ${dk##*/}: failed"
		return 1
	fi
	# Loaded into the DKMS tree: not needed any more, and not the package's.
	[ -z "$pre" ] || rm -f "/usr/share/ovnmig-dkms/ovnmig-$dv.dkms.tar.gz"
	how=
	[ $dkms = 1 ] && how=" (ovnmig.ko compiled by DKMS in the guest)"
	[ -n "$pre" ] && how=" (ovnmig.ko pre-built on the host, installed by DKMS)"
	echo "dpkg -i ${ov##*/} ${dk##*/}: $((SECONDS - t0)) s$how" >>"$LAB_PKG_STATE/took"
	[ "$("$LAB_OVNMIGD" --version)" = "ovnmigd $v" ] ||
		{ _lab_err "$LAB_OVNMIGD --version: not $v"; return 1; }
	if [ $dkms = 1 ]; then
		# DKMS installed the module for the running kernel, where
		# modprobe finds it.
		ko=$(modinfo -k "$kver" -n ovnmig 2>/dev/null)
		[ "$ko" = "/lib/modules/$kver/updates/dkms/ovnmig.ko" ] &&
			[ "$(modinfo -F version "$ko" 2>/dev/null)" = "$dv" ] || {
			tail -15 "$LAB_PKG_STATE/dpkg.log" >&2
			_lab_err "ovnmig-dkms: no ovnmig.ko $dv for $kver under updates/dkms (modinfo -n: ${ko:-none}; $(dkms status -m ovnmig 2>&1 | tr '\n' ' '))"
			return 1
		}
		# The host's build, installed as it is: no compile ran here.
		# A "dkms build" in the guest would have written its own
		# make.log and module (signed with the guest's own new MOK
		# key, so never the same bytes).
		if [ -n "$pre" ]; then
			o=./dkms_main_tree/$kver/$(uname -m)
			tar -xzOf "$pre" "$o/module/ovnmig.ko" 2>/dev/null | cmp -s - "$ko" &&
				tar -xzOf "$pre" "$o/log/make.log" 2>/dev/null |
				cmp -s - "/var/lib/dkms/ovnmig/$dv/$kver/$(uname -m)/log/make.log" || {
				_lab_err "ovnmig-dkms: $ko is not the pre-built module of ${pre##*/} (did DKMS compile?)"
				return 1
			}
		fi
	fi
	# ovnmigd --attach loads its skeletons: the very bytes of the
	# installed objects, or the package is inconsistent.
	for o in steer bounce; do
		python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if d.find(open(sys.argv[2], "rb").read()) >= 0 else 1)' \
			"$LAB_OVNMIGD" "/usr/lib/ovnmig/$o.bpf.o" ||
			{ _lab_err "$LAB_OVNMIGD does not carry /usr/lib/ovnmig/$o.bpf.o"; return 1; }
	done
	{ [ $dkms = 1 ] || cat "$LAB_PKG_STATE/installed" 2>/dev/null; echo "$sums"; } |
		sort -u >"$LAB_PKG_STATE/installed.new"
	mv "$LAB_PKG_STATE/installed.new" "$LAB_PKG_STATE/installed"
}

_lab_unit_dir() { echo "$LAB_DIR/ch$1"; }

lab_unit_pid() { cat "$LAB_DIR/ch$1/run/ovnmigd.pid" 2>/dev/null; }

# _lab_alive PID: running, and not a zombie waiting for its parent.
_lab_alive() {
	local st
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	read -r st <"/proc/$1/stat" 2>/dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

lab_unit_active() { _lab_alive "$(lab_unit_pid "$1")"; }

lab_unit_start() {
	local k=$1 d exec bin OVNMIGD_OPTS='' i
	d=$(_lab_unit_dir "$k")
	lab_unit_active "$k" && return 0
	[ -r "$LAB_PKG_UNIT" ] || { _lab_err "$LAB_PKG_UNIT: not installed"; return 1; }
	exec=$(sed -n 's/^ExecStart=//p' "$LAB_PKG_UNIT")
	# The unit's own line, "BINARY $OVNMIGD_OPTS": systemd splits an
	# unbraced $VAR into words, as the shell does below.
	bin=${exec%% *}
	[ "$exec" = "$bin \$OVNMIGD_OPTS" ] && [ -x "$bin" ] ||
		{ _lab_err "$LAB_PKG_UNIT: ExecStart=$exec: not \"BINARY \$OVNMIGD_OPTS\""; return 1; }
	# shellcheck disable=SC1091
	[ -r "$d/default/ovnmigd" ] && . "$d/default/ovnmigd"
	mkdir -p "$d/run" "$d/log"
	rm -f "$d/run/ovnmigd.pid"
	# The pid file holds the agent's own pid (sh execs it), whoever
	# started it (this shell or the systemctl stand-in).
	# shellcheck disable=SC2016,SC2086
	lab_ch "$k" sh -c 'echo $$ >"$0"; exec "$@"' "$d/run/ovnmigd.pid" \
		"$bin" $OVNMIGD_OPTS </dev/null >>"$d/log/ovnmigd.log" 2>&1 &
	for ((i = 0; i < 50; i++)); do
		[ -s "$d/run/ovnmigd.pid" ] && return 0
		sleep 0.1
	done
	_lab_err "ch$k: ovnmigd did not start"
}

lab_unit_stop() {
	local k=$1 p i
	p=$(lab_unit_pid "$k")
	if _lab_alive "$p"; then
		kill -TERM "$p" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			_lab_alive "$p" || break
			sleep 0.1
		done
		_lab_alive "$p" && kill -KILL "$p" 2>/dev/null
	fi
	rm -f "$LAB_DIR/ch$k/run/ovnmigd.pid"
	return 0
}
