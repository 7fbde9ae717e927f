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

# ksleep SEC: sleep without a fork.  Under TCG on a loaded host every
# fork+exec costs 0.2-0.3 s (a "sleep 0.1" takes 0.35 s), and the
# polling loops below ran three per tick (sed, wc, sleep): one step took
# 10-20 s and kmod-events ran past its timeout on a one-vCPU guest.  A
# read that times out on a pipe nobody writes waits without any.
exec {_KSLEEP_FD}<> <(:)
ksleep() { read -r -t "$1" -u "$_KSLEEP_FD" _ 2>/dev/null; return 0; }

# watch_start FILE [ARGS]: vifwatch in the background until it is
# subscribed; sets WATCH_PID.  Stopped at exit.
watch_start() {
	local out=$1 ready i

	shift
	ready=$out.ready
	rm -f "$ready"
	"$VIFWATCH" --ready "$ready" "$@" >"$out" 2>"$out.err" &
	WATCH_PID=$!
	defer kill "$WATCH_PID"
	for ((i = 0; i < 200; i++)); do
		[ -s "$ready" ] && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || return 1
		ksleep 0.05
	done
	return 1
}

# watch_stop: let pending events drain, then stop the watcher.
watch_stop() {
	ksleep "${1:-0.5}"
	kill "$WATCH_PID" 2>/dev/null
	wait "$WATCH_PID" 2>/dev/null
	return 0
}

# ev_read FILE: EV_LIST, the "name kind" of each complete event line of
# FILE, in order.  Pure bash (no fork), as it runs in polling loops.
ev_read() {
	local l re=' kind=([^ ]*) .* name=([^ ]*) '

	EV_LIST=()
	while IFS= read -r l; do
		[[ $l =~ $re ]] && EV_LIST+=("${BASH_REMATCH[2]} ${BASH_REMATCH[1]}")
	done <"$1"
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
# watcher writing OUT has printed as many new events as expected (20 s at
# most: it returns as soon as they are there), give stragglers 0.3 s,
# then check the new events are exactly the expected ones, in order.
# With STEP_RTNL_OUT set, a second watcher (rtnetlink source) is checked
# too, against the same list without "going-down" (rtnetlink cannot see
# it), or against RTNL_EXP ("a,b").
step() {
	local out=$1 name=$2 exp=() rexp=() e before rbefore

	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		[ -n "$1" ] && exp+=("$1")
		shift
	done
	shift
	if [ -n "${RTNL_EXP+set}" ]; then
		IFS=, read -r -a rexp <<<"$RTNL_EXP"
	else
		for e in "${exp[@]}"; do
			[[ $e == *" going-down" ]] || rexp+=("$e")
		done
	fi
	ev_read "$out"
	before=${#EV_LIST[@]}
	if [ -n "${STEP_RTNL_OUT:-}" ]; then
		ev_read "$STEP_RTNL_OUT"
		rbefore=${#EV_LIST[@]}
	fi
	"$@" >/dev/null 2>&1 || { ktap_fail "$name" "command failed: $*"; return; }
	_step_wait "$out" $((before + ${#exp[@]}))
	[ -n "${STEP_RTNL_OUT:-}" ] &&
		_step_wait "$STEP_RTNL_OUT" $((rbefore + ${#rexp[@]}))
	ksleep 0.3
	_step_check "$name" "$out" "$before" "${exp[@]}"
	[ -n "${STEP_RTNL_OUT:-}" ] &&
		_step_check "$name (rtnetlink source)" "$STEP_RTNL_OUT" "$rbefore" "${rexp[@]}"
	return 0
}

_step_wait() {
	local i

	for ((i = 0; i < 200; i++)); do
		ev_read "$1"
		[ ${#EV_LIST[@]} -ge "$2" ] && return 0
		ksleep 0.1
	done
}

# _join ITEMS...: JOINED, the items joined with ",".
_join() { local IFS=,; JOINED="$*"; }

# _step_check NAME FILE BEFORE EXPECTED...: FILE's events after the
# first BEFORE are exactly EXPECTED.
_step_check() {
	local name=$1 file=$2 from=$3 got want

	shift 3
	_join "$@"
	want=$JOINED
	ev_read "$file"
	_join "${EV_LIST[@]:from}"
	got=$JOINED
	if [ "$got" = "$want" ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "expected [$want] got [$got]"
	fi
}
