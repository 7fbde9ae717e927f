# SPDX-License-Identifier: GPL-2.0-only
# The demo's scenarios and the measured-run harness.  Sourced by
# scripts/demo.d/inside after lab-glue.sh; uses its demo_* functions.
# Every scenario_<id> SCN METHOD runs one method of one scenario and
# records it under $out/SCN/METHOD (or says why it was not run).

run_no=0

# _closefds: close every fd above 2 of this (sub)shell.  Background
# processes started from lab_migrate's --ready-hook must not inherit its
# helper fifos, or it waits forever for their EOF.
_closefds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
	done
	return 0
}
# _bg CMD...: CMD with no inherited fds above 2 (run it with &).
_bg() { _closefds; exec "$@"; }

# _wait_file F: until F exists, at most 10 s.
_wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# probe_pair DIR VM: UDP both ways between VM and the run's peer
# (RUN_PEER: the peer on ch3, or peer2 on ch4 in scenario 13; and TCP when
# DEMO_TCP=1), in the background.  UDP runs until probe_stop (bounded by
# PROBE_MAX_S, longer with a freeze, anyway); TCP runs TCP_S seconds so that its survival is
# judged on a clean end.  Sets udp_pids and tcp_pids.
probe_pair() {
	# The run's peer (measure_run sets RUN_PEER); the lab's own peer for
	# callers outside a measured run (vm/demo-pkg-upgrade).
	local d=$1 vm=$2 vip pip max=$PROBE_MAX_S peer=${RUN_PEER:-peer}
	# A stall lasts its seconds from the claim, which can come minutes
	# after the pause on a loaded host, and up to 300 s more while its
	# samples are taken (demo_freeze_peer_ctl); then the catch-up.
	[ "${RUN_FREEZE_S:-0}" != 0 ] && max=$((PROBE_MAX_S + RUN_FREEZE_S + 600))
	vip=$(demo_vm_ip "$vm")
	pip=$(demo_peer_ip "$peer")
	udp_pids=() tcp_pids=()
	_bg ip netns exec "lab-vm-$vm" "$PROBE" udp --listen "$PORT_FWD" --send "$pip:$PORT_REV" \
		--rate "$RATE" --duration "$max" --start-delay 300 --wait 3 \
		--linger 300 --trace "$d/fwd.trace" --json "$d/fwd.json" \
		--ready "$d/ready-vm" >"$d/probe-vm.log" 2>&1 &
	udp_pids+=($!)
	_bg ip netns exec "lab-vm-$peer" "$PROBE" udp --listen "$PORT_REV" --send "$vip:$PORT_FWD" \
		--rate "$RATE" --duration "$max" --start-delay 300 --wait 3 \
		--linger 300 --trace "$d/rev.trace" --json "$d/rev.json" \
		--ready "$d/ready-peer" >"$d/probe-peer.log" 2>&1 &
	udp_pids+=($!)
	if [ "${DEMO_TCP:-0}" = 1 ]; then
		_bg ip netns exec "lab-vm-$vm" "$PROBE" tcp --listen "$PORT_TCP" --rate 200 \
			--duration "$TCP_S" --wait 10 --json "$d/tcp-vm.json" \
			--ready "$d/ready-tcp" >"$d/tcp-vm.log" 2>&1 &
		tcp_pids+=($!)
		_wait_file "$d/ready-tcp"
		_bg ip netns exec "lab-vm-$peer" "$PROBE" tcp --send "$vip:$PORT_TCP" --rate 200 \
			--duration "$TCP_S" --start-delay 200 --wait 10 \
			--json "$d/tcp-peer.json" >"$d/tcp-peer.log" 2>&1 &
		tcp_pids+=($!)
	fi
	_wait_file "$d/ready-vm"
	_wait_file "$d/ready-peer"
}

# probe_stop: end the UDP probes (SIGTERM: they write their results),
# then let TCP finish on its own.
probe_stop() {
	local p
	for p in "${udp_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${udp_pids[@]}" "${tcp_pids[@]}"; do wait "$p" 2>/dev/null; done
	udp_pids=() tcp_pids=()
}

# One TCP verdict from both ends: the longest stall either saw, and
# survived only when both did.
tcp_merge() {
	local d=$1
	[ -s "$d/tcp-vm.json" ] && [ -s "$d/tcp-peer.json" ] || return 0
	jq -cs '{rx: {longest_gap_ms: ([.[].rx.longest_gap_ms // 0] | max),
		      survived: (all(.[]; .rx.survived == true)),
		      connected: (all(.[]; .rx.connected == true))}}' \
		"$d/tcp-vm.json" "$d/tcp-peer.json" >"$d/tcp.json"
}

# capture_start DIR / capture_stop: the underlay bridge, nanosecond
# stamps, Geneve and the SB's OVSDB connections only.
capture_start() {
	local d=$1 dev i
	dev=$(demo_underlay_dev)
	_bg tcpdump -i "$dev" -n -s 192 -B 16384 --time-stamp-precision=nano \
		-w "$d/wire.pcap" 'udp port 6081 or tcp port 6642' \
		>"$d/tcpdump.log" 2>&1 &
	cap_pid=$!
	# tcpdump says "listening on" once the socket is open.
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$d/tcpdump.log" 2>/dev/null && return 0
		kill -0 $cap_pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
capture_stop() {
	[ -n "${cap_pid:-}" ] || return 0
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap_pid=
}

# start_traffic: the capture and the probes, then the quiet lead-in.
# Called as lab_migrate's --ready-hook (destination plugged, just before
# the pause) for one VM; before lab_migrate for several.  Reads the run
# from globals: lab_migrate's own locals (d, vm, ...) shadow the caller's.
start_traffic() {
	local d=$RUN_DIR
	# Static neighbours both ways (on both legs of the VM): the kernel's
	# ARP would otherwise give up on an address that is unreachable for
	# seconds (stock OVN) and drop the probe's packets before they reach
	# the wire, measuring ARP instead of OVN.  A real guest's peers keep
	# their neighbour entries through a live migration the same way when
	# the outage is short.
	demo_static_neigh "$RUN_VM" "$RUN_PEER" >"$d/neigh.log" 2>&1
	if ! capture_start "$d"; then
		echo "capture failed" >"$d/capture.failed"
	fi
	probe_pair "$d" "$RUN_VM"
	sleep "$(awk -v ms="$PRE_MS" 'BEGIN { printf "%.3f", ms / 1000 + 0.3 }')"
	if [ "$RUN_KILL_AGENT" = 1 ]; then
		demo_kill_on_move "$RUN_VM" "$d/agent-kill"
	fi
	# Last thing before the pause: the peer's ovn-controller freezes
	# (scenario 10, the lagging sender; 13, on the peer's chassis
	# without ovnmigd) or starts a full recompute
	# (scenario 2, the move lands during one).
	if [ "${RUN_FREEZE_S:-0}" != 0 ]; then
		DEMO_STALL_SAMPLE_S=$RUN_SAMPLE_S DEMO_STALL_KILL_S=$RUN_STALL_KILL_S \
		DEMO_STALL_AFTER_KILL_S=$RUN_STALL_AFTER_KILL_S \
			demo_freeze_peer_ctl "$(demo_peer_chassis "$RUN_PEER")" \
				"$RUN_VM" "$RUN_FREEZE_S" "$d/freeze"
	fi
	if [ "${RUN_RECOMPUTE:-0}" = 1 ]; then
		demo_peer_recompute "$d/recompute"
	fi
}

# stall_tail DIR: after a long freeze (measure_run's sample=): the thaw,
# then every chassis caught up with the NB (bounded: 120 s), then two
# samples 2 s apart from 1 s after ("post": steer has nothing left to do once OVN has
# repointed), then POST_S more of traffic.
stall_tail() {
	local d=$1 i
	demo_freeze_wait
	if lab_nbctl --timeout=120 --wait=hv sync >/dev/null 2>&1; then
		echo "caught_up ${EPOCHREALTIME/./}000" >>"$d/freeze"
	fi
	# 1 s for OVS's revalidators to move the datapath flows after the
	# controller's barrier.
	sleep 1
	for i in 1 2; do
		_demo_stall_sample "$d/freeze.post"
		[ $i = 1 ] && sleep 2
	done
	sed 's/^sample /post /' "$d/freeze.post" >>"$d/freeze" 2>/dev/null
	rm -f "$d/freeze.post"
	sleep "$POST_S"
}

# measure_run SCN METHOD [vms=N] [ports=N] [mode=live|abort|cold]
#             [kill_agent=0|1] [freeze=S] [sample=S] [stall_kill=K]
#             [after_kill=S] [peer=NAME]
#   peer=NAME: the traffic's other end (default peer, on ch3; peer2 on
#   ch4 in scenario 13), whose chassis' controller freeze= stops;
#   freeze=S: the peer's ovn-controller stopped from the pause to S s
#   after the claim; sample=S: the datapath counters every S s of it
#   (demo_freeze_peer_ctl); stall_kill=K: every ovnmigd killed -9 K s
#   after the claim, restarted after the thaw; the stall then lasts until
#   two samples were taken after_kill (11: the default lease + 1) s or
#   more after the kill (demo_freeze_peer_ctl).  With sample, the run also
#   waits for the thaw, for every chassis to catch up (nbctl --wait=hv
#   sync, "caught_up" in the freeze log) and samples twice more.
measure_run() {
	local scn=$1 method=$2 vms=1 ports=1 mode=live kill_agent=0 freeze=0 recompute=0 kv
	local sample=0 stall_kill='' after_kill=11 peer=peer pch
	local win=${FABRIC_WIN[$1]:-$FABRIC_WIN_S}
	local d vm i names=() rc=0 tl ev_pause ev_unplug pause_ms
	shift 2
	for kv in "$@"; do
		case $kv in
		vms=*) vms=${kv#vms=} ;;
		ports=*) ports=${kv#ports=} ;;
		mode=*) mode=${kv#mode=} ;;
		kill_agent=*) kill_agent=${kv#kill_agent=} ;;
		freeze=*) freeze=${kv#freeze=} ;;
		recompute=*) recompute=${kv#recompute=} ;;
		sample=*) sample=${kv#sample=} ;;
		stall_kill=*) stall_kill=${kv#stall_kill=} ;;
		after_kill=*) after_kill=${kv#after_kill=} ;;
		peer=*) peer=${kv#peer=} ;;
		esac
	done
	d=$(run_dir "$scn" "$method")
	run_no=$((run_no + 1))
	for ((i = 1; i <= vms; i++)); do
		names+=("r${run_no}v$i")
	done
	say "$scn $method: plugging ${#names[@]} VM(s) with $ports port(s) each on ch1"
	if ! demo_vms_add "$method" "$ports" "${names[@]}" >"$d/setup.log" 2>&1; then
		failed "$scn" "$method" "VM setup failed: $(tail -1 "$d/setup.log")"
		demo_vms_del "${names[@]}" >/dev/null 2>&1
		return 1
	fi
	vm=${names[0]}
	tl=$d/timeline
	[[ $method == *+ovnmig* ]] && demo_dp_stats before "$d"
	RUN_DIR=$d RUN_VM=$vm RUN_KILL_AGENT=$kill_agent RUN_FREEZE_S=$freeze RUN_RECOMPUTE=$recompute
	RUN_SAMPLE_S=$sample RUN_STALL_KILL_S=$stall_kill RUN_STALL_AFTER_KILL_S=$after_kill
	RUN_PEER=$peer
	pch=$(demo_peer_chassis "$peer")
	[[ $method == *+ovnmig* ]] || RUN_STALL_KILL_S=
	say "$scn $method: migrating ch1 -> ch2 ($mode, pause ${PAUSE_MS} ms) under traffic"
	if [ "$vms" = 1 ]; then
		DEMO_MIGRATE_HOOK=start_traffic demo_migrate "$method" "$mode" "$tl" \
			"${names[@]}" >"$d/migrate.log" 2>&1 || rc=1
	else
		# Several VMs migrate at once, each on its own schedule; the
		# traffic goes to and from the first one.
		start_traffic
		demo_migrate "$method" "$mode" "$tl" "${names[@]}" \
			>"$d/migrate.log" 2>&1 || rc=1
	fi
	# Traffic goes on until the stock method has surely recovered
	# (POST_S after the NB change settled) and for at least
	# the scenario's fabric window after the pause, the same length for
	# every method of a scenario.
	local now_us pause_us stop_us
	pause_us=$(awk '$1 == "pause" { print substr($2, 1, length($2) - 3); exit }' "$tl" 2>/dev/null)
	now_us=${EPOCHREALTIME/./}
	stop_us=$((now_us + POST_S * 1000000))
	[ -n "$pause_us" ] && [ $((pause_us + (win * 1000 + 500) * 1000)) -gt $stop_us ] &&
		stop_us=$((pause_us + (win * 1000 + 500) * 1000))
	say "$scn $method: traffic for $(( (stop_us - now_us) / 1000 )) ms more, then the analysis data"
	sleep "$(awk -v us=$((stop_us - now_us)) 'BEGIN { printf "%.3f", (us > 0 ? us : 0) / 1e6 }')"
	[ "$freeze" != 0 ] && [ "$sample" != 0 ] && stall_tail "$d"
	probe_stop
	# Never leave the peer's controller frozen, whatever happened.
	[ "$freeze" != 0 ] && demo_freeze_stop
	if [[ $method == *+ovnmig* ]]; then
		demo_dp_stats after "$d"
		demo_agent_events "$d"
	fi
	capture_stop
	[ "$kill_agent" = 1 ] && demo_kill_on_move_stop
	# Agents killed in the stall come back before the VM goes (they
	# reconcile its entries away).
	if [ -n "$RUN_STALL_KILL_S" ] && ! demo_agents_start >>"$d/freeze.err" 2>&1; then
		failed "$scn" "$method" "ovnmigd did not restart after the stall: $(tail -1 "$d/freeze.err")"
		demo_vms_del "${names[@]}" >>"$d/migrate.log" 2>&1
		return 1
	fi
	tcp_merge "$d"
	demo_vms_del "${names[@]}" >>"$d/migrate.log" 2>&1
	if [ $rc != 0 ] || [ ! -s "$tl" ]; then
		failed "$scn" "$method" "migration failed: $(grep -m1 'lab:' "$d/migrate.log" || tail -1 "$d/migrate.log")"
		return 1
	fi
	if [ -f "$d/capture.failed" ]; then
		failed "$scn" "$method" "tcpdump did not start: $(tail -1 "$d/tcpdump.log")"
		return 1
	fi
	# The timeline holds "event t_ns" lines (lab_migrate's, in ns).
	ev() { awk -v e="$1" '$1 == e { print $2; exit }' "$tl"; }
	ev_pause=$(ev pause)
	ev_unplug=$(ev unplug)
	[ -n "$ev_pause" ] || { failed "$scn" "$method" "no pause in the migration's timeline"; return 1; }
	pause_ms=$(ev pause_measured_ms)
	meta "$d" status='"ok"' mode="$(jstr "$mode")" vms="$vms" ports="$ports" \
		pause_ms="${pause_ms:-$PAUSE_MS}" pause_requested_ms="$PAUSE_MS" \
		rate="$RATE" probe_clock='"realtime"' \
		peer="$(jstr "$peer")" peer_chassis="$pch" \
		peer_ip="$(jstr "$(demo_chassis_ip "$pch")")" \
		old_ip="$(jstr "$(demo_chassis_ip 1)")" \
		new_ip="$(jstr "$(demo_chassis_ip 2)")" \
		peer_sb_ip="$(jstr "$(demo_chassis_sb_ip "$pch")")" \
		chassis="$(demo_chassis_json)" \
		new_sb_ip="$(jstr "$(demo_chassis_sb_ip 2)")" \
		pause_probe_ns="$(jstr "$ev_pause")" nb_ns="$(jstr "$ev_unplug")" \
		resume_ns="$(jstr "$(ev resume)")" \
		fabric_from_ns="$(jstr "$ev_pause")" \
		fabric_to_ns="$(jstr "$((ev_pause + win * 1000000000))")" \
		load="$(jstr "${DEMO_LOAD_DESC:-none}")"
	if [ "$recompute" = 1 ]; then
		meta "$d" recompute_requested_ns="$(jstr "$(awk '$1 == "recompute_requested" { print $2 }' "$d/recompute" 2>/dev/null)")"
	fi
	if [ "$freeze" != 0 ]; then
		# The freeze as it happened: stop, claim seen by the watcher,
		# continue (CLOCK_REALTIME ns, the probe's and pcap's clock).
		local fz=$d/freeze
		meta "$d" freeze_s="$freeze" \
			frozen_ns="$(jstr "$(awk '$1 == "frozen" { print $2 }' "$fz" 2>/dev/null)")" \
			claim_seen_ns="$(jstr "$(awk '$1 == "claim_seen" { print $2 }' "$fz" 2>/dev/null)")" \
			thawed_ns="$(jstr "$(awk '$1 == "thawed" { print $2 }' "$fz" 2>/dev/null)")"
		if [ "$sample" != 0 ]; then
			# The datapath while frozen (and after the catch-up:
			# "post"), for the report and the tests.
			meta "$d" stall_samples="$(awk 'BEGIN { printf "[" }
				$1 == "sample" || $1 == "post" { printf "%s{\"t_ns\":\"%s\",\"post\":%s,\"steered\":%s,\"steer_lease_expired\":%s,\"forwarded\":%s,\"bounce_lease_expired\":%s}", n++ ? "," : "", $2, ($1 == "post" ? "true" : "false"), $3, $4, $5, $6 }
				END { printf "]" }' "$fz")" \
				agents_kill_ns="$(jstr "$(awk '$1 == "agents_kill" { print $2 }' "$fz")")" \
				caught_up_ns="$(jstr "$(awk '$1 == "caught_up" { print $2 }' "$fz")")" \
				stall_kill_s="${RUN_STALL_KILL_S:-null}" sample_s="$sample"
		fi
	fi
	say "$scn $method: recorded"
	return 0
}

# Scenario 10: the lagging sender (docs/design.md, step 6: "a stalled or
# disconnected controller can take minutes").  The peer's chassis' ovn-controller
# is stopped just before the VM's pause and continued DEMO_FREEZE_S
# (3) seconds after the SB shows the claim by ch2: its installed flows
# go on encapsulating the port's traffic toward ch1, as a controller busy
# in a long recompute or cut off from the SB does.  ovs-vswitchd and
# ovnmigd on ch3 keep running.
scenario_s10() { measure_run "$1" "$2" freeze="${DEMO_FREEZE_S:-3}"; }

# Scenario 11: a stall longer than the old fixed 30 s expiry
# (ovn-org/ovn#261: a controller installed a moved port's flows ~88 s
# late).  As 10, frozen DEMO_STALL_S (90) seconds after the claim, the
# agents with their default settings; the datapath counters are sampled
# every DEMO_STALL_SAMPLE_S (5) seconds of the stall.  A multichassis
# port is not affected by the stall (the clone toward the new host is
# installed before the freeze: scenario 10 shows it), so only stock and
# stock+ovnmig run.
scenario_s11() {
	case $2 in
	multichassis*) not_run "$1" "$2" "the frozen controller's clone toward the new host was installed before the freeze: no loss to bridge (scenario 10 shows the multichassis case)" ;;
	*) measure_run "$1" "$2" freeze="${DEMO_STALL_S:-90}" sample="${DEMO_STALL_SAMPLE_S:-5}" ;;
	esac
}
# Scenario 12 (selftests/vm/lab-stall, not in the demo's list): as 11,
# frozen DEMO_KILL_STALL_S (28) s, and every ovnmigd killed with -9
# DEMO_STALL_KILL_S (4) s after the claim: steering must stop within the
# lease and nothing be steered after, until the thaw, which waits for two
# samples taken the default lease (10 s) + 1 s or more after the kill.
scenario_s12() {
	case $2 in
	*+ovnmig*) measure_run "$1" "$2" freeze="${DEMO_KILL_STALL_S:-28}" \
		sample="${DEMO_STALL_SAMPLE_S:-4}" stall_kill="${DEMO_STALL_KILL_S:-4}" after_kill=11 ;;
	*) not_run "$1" "$2" "no ovnmigd to kill without ovnmig" ;;
	esac
}
# Scenario 13: a sender without ovnmig (a node not yet upgraded, a
# gateway): a fourth chassis ch4, which runs no ovnmigd, hosts peer2
# (192.0.2.4) and the traffic runs between it and the VM; ch4's
# ovn-controller is frozen as the peer's in scenario 10 (from the pause
# to DEMO_FREEZE_S after the claim).  No steer can repoint ch4's flows:
# only the old host's bounce (attached on demand when its forwarding
# entry appears) forwards what still reaches ch1.  ch4 and peer2 join
# the lab before the scenario's first run and leave after its last
# (scenario_s13_done), so that no other scenario runs with them.
# multichassis+ovnmig does not run: a multichassis port's clone toward
# the new host is installed before the freeze (scenario 10 shows it),
# and with ovnmig only multichassis' twin would add nothing here.
demo_peer2=0
scenario_s13() {
	case $2 in
	multichassis+ovnmig*) not_run "$1" "$2" "the frozen controller's clone toward the new host was installed before the freeze: the same as multichassis (scenario 10 shows multichassis+ovnmig)"; return 0 ;;
	esac
	if [ $demo_peer2 = 0 ]; then
		say "s13: ch4 (no ovnmigd) joins the lab with peer2 at ${DEMO_PEER2_IP:-192.0.2.4}"
		if demo_peer_add peer2 4 "${DEMO_PEER2_IP:-192.0.2.4}" 0a:00:00:00:00:04 >"$out/peer2.log" 2>&1; then
			demo_peer2=1
		else
			demo_peer2=2
		fi
	fi
	if [ $demo_peer2 = 2 ]; then
		not_run "$1" "$2" "ch4 and peer2 did not come up: $(tail -1 "$out/peer2.log")"
		return 1
	fi
	measure_run "$1" "$2" freeze="${DEMO_FREEZE_S:-3}" peer=peer2
}
scenario_s13_done() {
	[ $demo_peer2 = 0 ] && return 0
	say "s13: peer2 and ch4 leave the lab"
	demo_peer_del peer2 >>"$out/peer2.log" 2>&1
	demo_peer2=0
}
scenario_s1() { DEMO_TCP=$((1 - DEMO_QUICK)) measure_run "$1" "$2"; }
scenario_s4() { measure_run "$1" "$2" ports=3; }
scenario_s5() { measure_run "$1" "$2" vms=20; }
scenario_s6() { measure_run "$1" "$2" mode=abort; }
scenario_s7() {
	case $2 in
	multichassis*) not_run "$1" "$2" "a cold migration has no multichassis phase (the port is never bound twice): the same as stock" ;;
	*) measure_run "$1" "$2" mode=cold ;;
	esac
}
scenario_s8() {
	case $2 in
	*+ovnmig*) measure_run "$1" "$2" kill_agent=1 ;;
	*) not_run "$1" "$2" "no ovnmigd to kill without ovnmig (same as scenario 1)" ;;
	esac
}
scenario_s3() { measure_run "$1" "$2"; }

# Scenario 2: the control-plane load knob, applied before its first run
# and removed after its last (scenario_s2_done), so that the scenarios
# after it run without it.  What it costs ovn-controller is
# measured, not assumed: the time for every chassis to catch up with a
# trivial NB change (nbctl --wait=hv sync) before and after.
demo_load_applied=0
scenario_s2() {
	local t0 t1 base loaded
	if [ $demo_load_applied = 0 ]; then
		t0=${EPOCHREALTIME/./}
		lab_nbctl --timeout=120 --wait=hv sync >/dev/null 2>&1
		t1=${EPOCHREALTIME/./}
		base=$(( (t1 - t0) / 1000 ))
		say "s2: control-plane load: ${DEMO_LOAD:-100 10 1000 10} (switches ports ACLs bound/chassis)"
		# shellcheck disable=SC2086
		if ! lab_load ${DEMO_LOAD:-100 10 1000 10} >"$out/load.log" 2>&1; then
			demo_load_applied=2
		else
			demo_load_applied=1
			t0=${EPOCHREALTIME/./}
			lab_nbctl --timeout=300 --wait=hv sync >/dev/null 2>&1
			t1=${EPOCHREALTIME/./}
			loaded=$(( (t1 - t0) / 1000 ))
			read -r S P A B <<<"${DEMO_LOAD:-100 10 1000 10}"
			DEMO_LOAD_DESC="$S switches x $P ports, $A ACLs, $B bound ports per chassis: hv sync ${loaded} ms (${base} ms without load)"
			say "s2: load applied: $DEMO_LOAD_DESC"
		fi
	fi
	if [ $demo_load_applied = 2 ]; then
		not_run "$1" "$2" "lab_load failed: $(tail -1 "$out/load.log")"
		return 1
	fi
	# With the load, the move lands during a full recompute of the
	# peer's controller (requested at the pause; it takes the hv-sync
	# time above): the mission's "0.7-3.8 s at 10k-30k ports".
	measure_run "$1" "$2" recompute=1
}

scenario_s2_done() {
	local k args
	[ $demo_load_applied = 1 ] || return 0
	say "s2: removing the control-plane load"
	for ((k = 1; k <= 3; k++)); do
		args=()
		for p in $(lab_ch "$k" ovs-vsctl list-ports br-int | grep "^ld$k-"); do
			args+=(-- del-port br-int "$p")
		done
		[ ${#args[@]} -gt 0 ] && lab_ch "$k" ovs-vsctl "${args[@]}"
	done
	# OVN 23.03's pg-del has no --if-exists: ask first.
	args=()
	[ -n "$(lab_nbctl --bare --columns=_uuid find port_group name=load-pg)" ] &&
		args+=(-- pg-del load-pg)
	for p in $(lab_nbctl --bare --columns=name list logical_switch | grep '^load-s'); do
		args+=(-- ls-del "$p")
	done
	if [ ${#args[@]} -gt 0 ] && ! lab_nbctl "${args[@]}" >/dev/null; then
		say "s2: the load could not be removed: later scenarios run with it"
	fi
	lab_nbctl --timeout=300 --wait=hv sync >/dev/null
	local left
	left=$(lab_nbctl --bare --columns=name list logical_switch | grep -c '^load-s')
	[ "$left" = 0 ] || say "s2: $left load switches are left: later scenarios run with them"
	demo_load_applied=0
	DEMO_LOAD_DESC=
}

# Scenario 9: ovnmig.ko loaded, so ovnmigd takes VIF events from the
# module instead of rtnetlink (every other scenario runs without it).
# The module is the one ovnmig-dkms built for the guest's kernel.
scenario_s9() {
	local rc=0
	case $2 in
	*+ovnmig*) ;;
	*) not_run "$1" "$2" "ovnmig.ko only matters with ovnmig (same as scenario 1)"; return 0 ;;
	esac
	# ovnmig-dkms, installed here only: its module is pre-built on the
	# host (make deb-lab), but DKMS's install still takes minutes under
	# emulation.
	if ! lab_pkg_install --dkms "${DEMO_DEB_DIR:-$BUILD/deb}" >/dev/null 2>"$out/.insmod" ||
		! modinfo -F filename ovnmig 2>/dev/null | grep -q /updates/dkms/; then
		not_run "$1" "$2" "no ovnmig.ko from ovnmig-dkms for $(uname -r): $(tail -1 "$out/.insmod")"
		return 0
	fi
	demo_ovnmig_off
	if ! lsmod | grep -q '^ovnmig ' && ! modprobe ovnmig 2>"$out/.insmod"; then
		not_run "$1" "$2" "modprobe ovnmig (ovnmig-dkms) failed: $(tail -1 "$out/.insmod")"
		demo_ovnmig_on >/dev/null 2>&1
		return 0
	fi
	if ! DEMO_AGENT_OPTS="--vif-events kmod" demo_ovnmig_on 2>"$out/.why"; then
		failed "$1" "$2" "ovnmigd with --vif-events kmod did not start: $(tail -1 "$out/.why")"
		rc=1
	else
		measure_run "$1" "$2" || rc=1
	fi
	demo_ovnmig_off
	modprobe -r ovnmig 2>/dev/null
	demo_ovnmig_on >/dev/null 2>&1
	return $rc
}
