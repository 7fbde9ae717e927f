# SPDX-License-Identifier: GPL-2.0-only
# Another OVS/OVN stack for the host tests (sourced, not run): the
# programs of the test bed's Debian 13 root (OVS 3.5's ovsdb-server,
# ovsdb-tool, ovsdb-client, ovs-vsctl; OVN 25.03's ovn-sbctl, ovn-nbctl)
# run on this host by path, through the root's own dynamic loader and
# libraries (they are trixie binaries; no chroot, so sockets and files
# in the test's directories work as with the host's), and its schemas.
#
#   stack_use debian13     PATH gets wrappers (build/stack/debian13/bin),
#                          SB_SCHEMA/OVS_SCHEMA (and OVNMIG_SB_SCHEMA /
#                          OVNMIG_OVS_SCHEMA for ovsdb-test) point at the
#                          root's schemas; skips the test when there is
#                          no root (make vm-root)
#   stack_use debian12     nothing: the host's packages
#   stack_versions         "ovsdb-server X, ovn-sbctl Y" of the stack in use
stack_use() {
	local root bin ld libs p src
	case $1 in
	debian12) return 0 ;;
	debian13) ;;
	*) ktap_skip_all "stack $1: unknown" ;;
	esac
	root=$("$TOP/scripts/vm/mkroot-debian13" --print-root)
	ld=$root/lib64/ld-linux-x86-64.so.2
	[ -x "$root/usr/sbin/ovsdb-server" ] && [ -x "$ld" ] ||
		ktap_skip_all "no Debian 13 root with OVS/OVN (make vm-root)"
	libs=$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu
	bin=$BUILD/stack/debian13/bin
	mkdir -p "$bin"
	for p in ovsdb-server ovsdb-tool ovsdb-client ovs-vsctl ovs-appctl ovn-sbctl ovn-nbctl; do
		src=
		[ -x "$root/usr/sbin/$p" ] && src=$root/usr/sbin/$p
		[ -x "$root/usr/bin/$p" ] && src=$root/usr/bin/$p
		[ -n "$src" ] || ktap_skip_all "$root: no $p"
		printf '#!/bin/sh\nexec %s --library-path %s --argv0 %s %s "$@"\n' \
			"$ld" "$libs" "$p" "$src" >"$bin/$p.new"
		chmod 755 "$bin/$p.new"
		mv "$bin/$p.new" "$bin/$p"
	done
	export PATH=$bin:$PATH
	export SB_SCHEMA=$root/usr/share/ovn/ovn-sb.ovsschema
	export OVS_SCHEMA=$root/usr/share/openvswitch/vswitch.ovsschema
	export OVNMIG_SB_SCHEMA=$SB_SCHEMA OVNMIG_OVS_SCHEMA=$OVS_SCHEMA
	[ -r "$SB_SCHEMA" ] || ktap_skip_all "$root: no ovn-sb.ovsschema"
}
stack_versions() {
	echo "$(ovsdb-server --version | head -1), $(ovn-sbctl --version | head -1)," \
		"SB schema $(jq -r .version "${SB_SCHEMA:-/usr/share/ovn/ovn-sb.ovsschema}")"
}
