# SPDX-License-Identifier: GPL-2.0-only
# Shared setup of the agent tests (sourced, not run): a real ovsdb-server
# with OVN's Southbound schema, a private bpffs in a private mount
# namespace, ovnmigd started and stopped by the test.  Everything lives
# in one temporary directory removed at exit.
#
#   agent_setup                 tmpdir, private bpffs, SB server
#   sb ARGS...                  ovn-sbctl against the test SB
#   sb_transact JSON            ovsdb-client transact against the test SB
#   agent_start [ARGS...]       ovnmigd as chassis $AGENT_CHASSIS
#   agent_kill [SIG]            stop it (default TERM), wait for it
#   ctl ARGS...                 ovnmigctl for this agent
#   wait_for SECONDS CMD...     poll CMD until it succeeds
#   steer_json                  the steer map as JSON (ovnmigctl -m -j)
#   steer_entry DP PORT         one entry as "old new action gen", or ""
#
# AGENT_VARIANT=asan runs build/user/asan/* and fails on any sanitizer
# report (agent_check_san).

. "$TOP/selftests/lib/ktap.sh"

SB_SCHEMA=/usr/share/ovn/ovn-sb.ovsschema
AGENT_CHASSIS=${AGENT_CHASSIS:-C}

agent_require() {
	require_root
	require_cmd ovsdb-server
	require_cmd ovsdb-tool
	require_cmd ovsdb-client
	require_cmd ovn-sbctl
	require_cmd jq
	require_cmd unshare
	[ -r "$SB_SCHEMA" ] || ktap_skip_all "no $SB_SCHEMA (package ovn-common)"
	if [ "${AGENT_VARIANT:-}" = asan ]; then
		AGENT_BIN=${OVNMIGD_ASAN:-$BUILD/user/asan/ovnmigd}
		CTL_BIN=$BUILD/user/asan/ovnmigctl
	else
		AGENT_BIN=${OVNMIGD:-$BUILD/user/ovnmigd}
		CTL_BIN=$BUILD/user/ovnmigctl
	fi
	[ -x "$CTL_BIN" ] || ktap_skip_all "$CTL_BIN not built (run make)"
	[ -x "$AGENT_BIN" ] || ktap_skip_all "$AGENT_BIN not built: it links the OVSDB follower, build/user/libovnmig-ovsdb.a (user/ovsdb.mk), which is not in the tree yet"
}

# Re-run the calling script in a private mount namespace, so its bpffs
# mount is invisible to (and cannot collide with) anything else.
agent_unshare() {
	if [ -z "${AGENT_UNSHARED:-}" ]; then
		AGENT_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
	fi
}

agent_setup() {
	T=$(mktemp -d /tmp/agenttest.XXXXXX) || exit 1
	defer rm -rf "$T"
	mkdir -p "$T/bpf" "$T/run"
	mount -t bpf bpf "$T/bpf" || ktap_skip_all "cannot mount bpffs"
	defer umount "$T/bpf"
	ovsdb-tool create "$T/sb.db" "$SB_SCHEMA" >/dev/null ||
		ktap_skip_all "ovsdb-tool create failed"
	ovsdb-server --detach --no-chdir --pidfile="$T/sb.pid" \
		--log-file="$T/sb.log" --unixctl="$T/sb.ctl" \
		--remote=punix:"$T/sb.sock" "$T/sb.db" 2>/dev/null ||
		ktap_skip_all "ovsdb-server did not start"
	defer agent_kill_pidfile "$T/sb.pid"
	SB=unix:$T/sb.sock
	export ASAN_OPTIONS="log_path=$T/san:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$T/san:print_stacktrace=1"
	defer agent_kill KILL
}

agent_kill_pidfile() {
	[ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null
	return 0
}

sb() { ovn-sbctl --no-leader-only --db="$SB" "$@"; }
sb_transact() { ovsdb-client transact "$SB" "$1"; }

AGENT_PID=
agent_start() {
	"$AGENT_BIN" --sb "$SB" --ovs none --system-id "$AGENT_CHASSIS" \
		--bpffs "$T/bpf" --ctl "$T/run/ovnmigd.ctl" \
		--vif-events none -v "$@" >>"$T/agent.log" 2>&1 &
	AGENT_PID=$!
	# Ready: the control socket answers and the maps are reconciled.
	wait_for 10 agent_ready
}

agent_ready() {
	[ "$(ctl -j status 2>/dev/null | jq -r '.reconciled')" = true ]
}

agent_kill() {
	local sig=${1:-TERM}

	[ -n "$AGENT_PID" ] || return 0
	kill -"$sig" "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	AGENT_RC=$?
	AGENT_PID=
	return 0
}

ctl() { "$CTL_BIN" -b "$T/bpf" -s "$T/run/ovnmigd.ctl" "$@"; }

wait_for() {
	local to=$1 i
	shift
	for ((i = 0; i < to * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

steer_json() { ctl -m -j steer list; }
fwd_json() { ctl -m -j bounce list; }

steer_entry() {
	steer_json | jq -r --argjson d "$1" --argjson p "$2" \
		'.[] | select(.dp_key == $d and .port_key == $p) |
		 "\(.old_remote) \(.new_remote) \(.action) \(.generation)"'
}

steer_count() { steer_json | jq length; }

# entry_is DP PORT "OLD NEW ACTION" : the entry, generation aside.
entry_is() {
	local e
	e=$(steer_entry "$1" "$2")
	[ "${e% *}" = "$3" ]
}

# Check (and show) sanitizer reports of everything run so far.
agent_check_san() {
	local f found=0
	for f in "$T"/san*; do
		[ -e "$f" ] || continue
		found=1
		sed 's/^/# /' "$f" | head -30
	done
	[ $found -eq 0 ]
}

agent_dump_log() { [ -f "$T/agent.log" ] && sed 's/^/# agent: /' "$T/agent.log" | tail -${1:-40}; }
