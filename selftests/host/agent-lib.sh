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
. "$TOP/selftests/lib/stack.sh"

# OVNMIG_STACK=debian13: OVS 3.5 / OVN 25.03 from the test bed's Debian
# 13 root instead of the host's (selftests/lib/stack.sh).
stack_use "${OVNMIG_STACK:-debian12}"
SB_SCHEMA=${SB_SCHEMA:-/usr/share/ovn/ovn-sb.ovsschema}
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
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
	[ -x "$AGENT_BIN" ] || ktap_skip_all "$AGENT_BIN not built (run make)"
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

# ovs_setup SYSTEM-ID ENCAP-IP: a local Open vSwitch DB server with
# br-int; agent_start then follows it instead of --system-id.
ovs_setup() {
	ovsdb-tool create "$T/ovs.db" "$OVS_SCHEMA" \
		>/dev/null || ktap_skip_all "no vswitch schema (openvswitch-common)"
	ovsdb-server --detach --no-chdir --pidfile="$T/ovs.pid" \
		--log-file="$T/ovs.log" --unixctl="$T/ovs.ctl" \
		--remote=punix:"$T/ovs.sock" "$T/ovs.db" 2>/dev/null ||
		ktap_skip_all "ovsdb-server (local) did not start"
	defer agent_kill_pidfile "$T/ovs.pid"
	OVS=unix:$T/ovs.sock
	vs init
	vs set Open_vSwitch . external_ids:system-id="$1" \
		external_ids:ovn-encap-ip="$2" external_ids:ovn-encap-type=geneve
	vs add-br br-int
}
vs() { ovs-vsctl --no-wait --db="$OVS" "$@"; }
# vif_add NAME IFACE-ID: a VIF on br-int, link up (as vswitchd reports).
vif_add() {
	vs add-port br-int "$1" -- set Interface "$1" external_ids:iface-id="$2"
	vif_link "$1" up
}
vif_link() {
	ovsdb-client transact "$OVS" "[\"Open_vSwitch\",{\"op\":\"update\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"$1\"]],\"row\":{\"link_state\":\"$2\",\"ofport\":7}}]" >/dev/null
}

AGENT_PID=
agent_start() {
	local who=(--ovs none --system-id "$AGENT_CHASSIS")

	[ -n "${OVS:-}" ] && who=(--ovs "$OVS")
	"$AGENT_BIN" --sb "$SB" "${who[@]}" \
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

# agent_run_variants FUNC: FUNC plain, then FUNC asan, each in a subshell
# with its own cleanup; TAP numbering continues across them.
agent_run_variants() {
	local fn=$1 variant res=/tmp/.agent-variants-$$

	for variant in plain asan; do
		rm -f "$res"
		( trap _ktap_run_defer EXIT; "$fn" $variant
		  echo "$_ktap_n $_ktap_pass $_ktap_fail $_ktap_skip" >"$res" )
		if [ -s "$res" ]; then
			read -r _ktap_n _ktap_pass _ktap_fail _ktap_skip <"$res"
		else	# skipped as a whole (it printed why)
			_ktap_n=$((_ktap_n + 1)) _ktap_skip=$((_ktap_skip + 1))
			break
		fi
	done
	rm -f "$res"
}

# agent_variant_end VARIANT: the checks every variant ends with.
agent_variant_end() {
	agent_kill TERM
	ktap_check "$1: agent exits 0 on SIGTERM" test "$AGENT_RC" = 0
	if [ "$1" = asan ]; then
		ktap_check "$1: no sanitizer report" agent_check_san
	fi
	[ $_ktap_fail -gt 0 ] && agent_dump_log 60
	_ktap_run_defer
}
