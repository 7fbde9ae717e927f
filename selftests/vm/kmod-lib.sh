# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the kmod-* VM tests (sourced, not run): load openvswitch and
# ovnmig.ko, start a private ovsdb-server + ovs-vswitchd.  Everything is
# undone at exit through defer (LIFO).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/ktap.sh"

# Debian 13's kernel gets the module built in its root (make kmod-debian13).
case ${VM_OS:-debian12} in
debian13) KO=$BUILD/kmod/debian13/ovnmig.ko ;;
*) KO=$BUILD/kmod/ovnmig.ko ;;
esac
VIFWATCH=$BUILD/user/ovnmig-vifwatch

kmod_require() {
	require_root
	require_cmd ovs-vsctl
	[ -f "$KO" ] || ktap_skip_all "$KO not built (make kmod)"
	[ -x "$VIFWATCH" ] || ktap_skip_all "$VIFWATCH not built (make)"
	require_vm_kernel
	# The module must be the one built for the running kernel.
	[ "$(modinfo -F vermagic "$KO" | cut -d' ' -f1)" = "$(uname -r)" ] ||
		ktap_skip_all "$KO is for $(modinfo -F vermagic "$KO" | cut -d' ' -f1), not $(uname -r) (make kmod-debian13)"
	modprobe openvswitch || ktap_skip_all "modprobe openvswitch failed"
}

# kmod_enter_netns ARGS: re-run this test inside a fresh netns, so that
# its datapath, ports and events are its own whatever else runs in the
# VM (OVS's kernel datapath is per netns).  Call before any defer.
kmod_enter_netns() {
	local ns rc

	if [ -n "${KMOD_NETNS:-}" ]; then
		ip link set lo up
		return 0
	fi
	ns=kmod-$$-$RANDOM
	ip netns add "$ns" || ktap_skip_all "cannot create a netns"
	KMOD_NETNS=$ns ip netns exec "$ns" "$0" "$@"
	rc=$?
	ip netns del "$ns"
	trap - EXIT
	exit $rc
}

# kmod_unload_stale: VM tests run one at a time, so a loaded ovnmig here
# was left by an earlier test (e.g. a failed demo); start from scratch.
kmod_unload_stale() {
	[ -d /sys/module/ovnmig ] || return 0
	echo "# ovnmig.ko was left loaded by an earlier test: unloading it"
	rmmod ovnmig
}

# kmod_load: insmod ovnmig.ko, rmmod at exit.
kmod_load() {
	kmod_unload_stale
	insmod "$KO" || return 1
	defer rmmod ovnmig
}

# ovs_start: private OVS (kernel datapath) under a temporary directory.
ovs_start() {
	OVSDIR=$(mktemp -d /tmp/ovnmig-kmod-ovs.XXXXXX)
	defer rm -rf "$OVSDIR"
	export OVS_RUNDIR=$OVSDIR OVS_DBDIR=$OVSDIR OVS_LOGDIR=$OVSDIR
	ovsdb-tool create "$OVSDIR/conf.db" \
		/usr/share/openvswitch/vswitch.ovsschema || return 1
	ovsdb-server "$OVSDIR/conf.db" --remote="punix:$OVSDIR/db.sock" \
		--pidfile="$OVSDIR/ovsdb-server.pid" --detach \
		--log-file="$OVSDIR/ovsdb-server.log" || return 1
	defer _ovs_kill "$OVSDIR/ovsdb-server.pid"
	ovs-vsctl --no-wait init || return 1
	ovs-vswitchd "unix:$OVSDIR/db.sock" --pidfile="$OVSDIR/ovs-vswitchd.pid" \
		--detach --log-file="$OVSDIR/ovs-vswitchd.log" || return 1
	defer _ovs_kill "$OVSDIR/ovs-vswitchd.pid"
	defer _ovs_del_bridges
}

_ovs_del_bridges() {
	local b

	for b in $(ovs-vsctl --timeout=5 list-br); do
		ovs-vsctl --timeout=5 del-br "$b"
	done
	ovs-dpctl del-dp ovs-system 2>/dev/null
}

_ovs_kill() {
	local pid

	pid=$(cat "$1" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
}

# watch_start FILE [ARGS]: vifwatch in the background until it is
# subscribed; sets WATCH_PID.  Stopped at exit.
watch_start() {
	local out=$1 ready

	shift
	ready=$out.ready
	rm -f "$ready"
	"$VIFWATCH" --ready "$ready" "$@" >"$out" 2>"$out.err" &
	WATCH_PID=$!
	defer kill "$WATCH_PID"
	for _ in $(seq 100); do
		[ -s "$ready" ] && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# watch_stop: let pending events drain, then stop the watcher.
watch_stop() {
	sleep "${1:-0.5}"
	kill "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" 2>/dev/null
	return 0
}

# events FILE: "name kind" per event line.
events() {
	sed -n 's/.* kind=\([^ ]*\) .* name=\([^ ]*\) .*/\2 \1/p' "$1"
}

# tap_add NAME: a persistent tap device (the VM may lack /dev/net/tun).
tap_add() {
	modprobe tun 2>/dev/null
	if [ ! -c /dev/net/tun ]; then
		mkdir -p /dev/net && mknod /dev/net/tun c 10 200 || return 1
	fi
	ip tuntap add "$1" mode tap
}

# step OUT NAME "dev kind" ... -- CMD ARGS: run CMD, wait until the
# watcher writing OUT has printed as many new events as expected (5 s at
# most), give stragglers 0.3 s, then check the new events are exactly
# the expected ones, in order.  With STEP_RTNL_OUT set, a second watcher
# (rtnetlink source) is checked too, against the same list without
# "going-down" (rtnetlink cannot see it), or against RTNL_EXP ("a,b").
step() {
	local out=$1 name=$2 exp=() before rbefore want rwant

	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do exp+=("$1"); shift; done
	shift
	want=$(printf '%s\n' "${exp[@]}" | sed '/^$/d' | paste -sd, -)
	rwant=${RTNL_EXP-$(printf '%s\n' "${exp[@]}" | sed '/^$/d; / going-down$/d' | paste -sd, -)}
	before=$(events "$out" | wc -l)
	[ -n "${STEP_RTNL_OUT:-}" ] && rbefore=$(events "$STEP_RTNL_OUT" | wc -l)
	"$@" >/dev/null 2>&1 || { ktap_fail "$name" "command failed: $*"; return; }
	_step_wait "$out" $((before + ${#exp[@]}))
	[ -n "${STEP_RTNL_OUT:-}" ] &&
		_step_wait "$STEP_RTNL_OUT" $((rbefore + $(_count "$rwant")))
	sleep 0.3
	_step_check "$name" "$out" "$before" "$want"
	[ -n "${STEP_RTNL_OUT:-}" ] &&
		_step_check "$name (rtnetlink source)" "$STEP_RTNL_OUT" "$rbefore" "$rwant"
	return 0
}

_count() { [ -z "$1" ] && echo 0 || echo "$1" | tr , '\n' | wc -l; }

_step_wait() {
	for _ in $(seq 50); do
		[ "$(events "$1" | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
}

_step_check() {
	local got

	got=$(events "$2" | tail -n +$(($3 + 1)) | paste -sd, -)
	if [ "$got" = "$4" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "expected [$4] got [$got]"
	fi
}
