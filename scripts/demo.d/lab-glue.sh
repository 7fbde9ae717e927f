# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The demo's view of the OVN lab (scripts/lab/lab.sh): the demo_* functions
# scripts/demo.d/inside and scenarios.sh call, plus ovnmig on every chassis.
#
#   demo_lab_up ipv4|ipv6 / demo_lab_down
#   demo_underlay_dev / demo_chassis_ip K / demo_chassis_json /
#   demo_peer_ip [PEER] / demo_peer_chassis [PEER] / demo_vm_ip VM
#   demo_peer_add PEER K IP MAC / demo_peer_del PEER
#   demo_peer_exec CMD... / demo_vm_exec VM CMD...
#   demo_vms_add METHOD PORTS VM... / demo_vms_del VM...
#   demo_migrate METHOD MODE TIMELINE VM...   (MODE live|abort|cold)
#   demo_pkg_install / demo_ovnmig_on / demo_ovnmig_off / demo_agents_kill /
#   demo_agents_start
#
# ovnmig comes from its packages (scripts/lab/pkg.sh): build/deb's .debs
# installed in the VM, every chassis' agent the installed unit's
# /usr/sbin/ovnmigd (with the BPF objects it carries, the installed
# ones), the module DKMS built for the guest's kernel.  Nothing here
# reads build/user or build/bpf.
#
# Layout: ch1 = the old host, ch2 = the new host, ch3 = the peer's chassis
# (the "third chassis" whose traffic must be repointed).  The peer
# workload "peer" sits on ch3 at 192.0.2.3 on ls0 (192.0.2.0/25); scenario
# 13 adds a fourth chassis ch4 without ovnmigd and "peer2" on it at
# 192.0.2.4 (demo_peer_add, for its runs only); VMs
# get 192.0.2.10.. on ls0, extra NICs 192.0.2.201.. on ls1
# (192.0.2.128/25; only one multi-NIC VM exists at a time).
#
# Extension to the lab (say so in the report): demo_vms_del, because the
# lab has no lab_del_vm; it uses the lab's own leg naming (_lab_unleg).

export LAB_DIR=${DEMO_LAB_DIR:-/tmp/ovnmig-demo-lab}
. "$TOP/scripts/lab/lab.sh"
. "$TOP/scripts/lab/pkg.sh"

DEMO_FAMILY=ipv4
DEMO_PEER_IP=192.0.2.3
# Every peer workload: its address, chassis and MAC (demo_peer_add).
declare -gA DEMO_PEER_ADDR=([peer]=$DEMO_PEER_IP) DEMO_PEER_CH=([peer]=3) \
	DEMO_PEER_MAC=([peer]=0a:00:00:00:00:03)
declare -A DEMO_VMIP
demo_ip_next=10

demo_lab_up() {
	# A canary port proves the new lab passes the peer's traffic before
	# any run relies on it; the lab is rebuilt once if not.  (Until
	# lab_up waited for 15 s of uptime, the first lab after the VM's boot
	# failed this about one boot in three: see _lab_after_boot.)
	_demo_lab_up "$@" || return 1
	demo_vms_add stock 1 canary >"$LAB_DIR/canary.log" 2>&1 && { demo_vms_del canary; return 0; }
	echo "demo: the new lab does not pass traffic to a new port ($(tail -1 "$LAB_DIR/canary.log")): rebuilding it once" >&2
	# The evidence, for whoever hunts this down: the failed lab's logs,
	# flows and datapath flows with the canary still plugged.
	local ev=$out/lab-${DEMO_FAMILY}-canary-failed
	mkdir -p "$ev"
	# What the underlay carries while the peer pings the canary.
	local cap
	_bg timeout 8 tcpdump -i lab-ul -n -c 40 -w "$ev/underlay.pcap" 'udp port 6081' >"$ev/tcpdump.log" 2>&1 &
	cap=$!
	sleep 1
	lab_ping peer 192.0.2.10 3 >"$ev/ping.log" 2>&1
	wait "$cap"
	lab_collect "$ev" >/dev/null 2>&1
	ip -n lab-vm-peer neigh >"$ev/peer-neigh.txt" 2>&1
	ip -s -d link show >"$ev/root-links.txt" 2>&1
	bridge fdb show br lab-ul >"$ev/fdb.txt" 2>&1
	demo_vms_del canary
	demo_lab_down
	_demo_lab_up "$@" || return 1
	demo_vms_add stock 1 canary >"$LAB_DIR/canary.log" 2>&1 && { demo_vms_del canary; return 0; }
	echo "demo: the rebuilt lab does not pass traffic either: $(tail -1 "$LAB_DIR/canary.log")" >&2
	demo_vms_del canary
	return 1
}

_demo_lab_up() {
	local opt=
	DEMO_FAMILY=$1
	[ "$1" = ipv6 ] && opt=--ipv6
	# A new lab has the first peer only.
	DEMO_PEER_ADDR=([peer]=$DEMO_PEER_IP) DEMO_PEER_CH=([peer]=3)
	DEMO_PEER_MAC=([peer]=0a:00:00:00:00:03)
	lab_up 3 $opt || { demo_collect; return 1; }
	lab_add_vm peer 3 ls0 "$DEMO_PEER_IP/25" 0a:00:00:00:00:03 || { demo_collect; return 1; }
	lab_nbctl --may-exist ls-add ls1 || return 1
	# No IP forwarding and no permanent neighbours for bounce: ovnmigd
	# caches its next hops (docs/datapath.md, "bounce's next hop"), as
	# selftests/vm/lab-bounce-noforward shows on this lab.
	lab_wait_ready 120 || { demo_collect; return 1; }
}

demo_collect() {
	lab_collect "$out/lab-${DEMO_FAMILY}" >/dev/null 2>&1
}

demo_lab_down() {
	demo_ovnmig_off
	# DEMO_COLLECT=0 (the make check subset): no copy of the lab's logs;
	# none either for a caller without the driver's $out (a test), where
	# an unbound $out under set -u would end the shell before lab_down.
	[ -d "$LAB_DIR" ] && [ "${DEMO_COLLECT:-1}" = 1 ] && [ -n "${out:-}" ] &&
		demo_collect
	lab_down >/dev/null 2>&1
}

demo_underlay_dev() { echo lab-ul; }
demo_chassis_ip() {
	if [ "$DEMO_FAMILY" = ipv6 ]; then
		echo "$LAB_UL6:$((10 + $1))"
	else
		echo "$LAB_UL4.$((10 + $1))"
	fi
}
# The chassis' address toward the SB: IPv4 in both labs.
demo_chassis_sb_ip() { echo "$LAB_UL4.$((10 + $1))"; }
demo_peer_ip() { echo "${DEMO_PEER_ADDR[${1:-peer}]}"; }
demo_peer_chassis() { echo "${DEMO_PEER_CH[${1:-peer}]}"; }
# demo_chassis_json: every chassis' tunnel and SB addresses, as JSON
# ({"ch1": {"ip": ..., "sb_ip": ...}, ...}): the report matches the
# capture's senders and SB updates with the agents' records by them.
demo_chassis_json() {
	local k sep=
	_lab_state
	printf '{'
	for ((k = 1; k <= LAB_NCH; k++)); do
		printf '%s"ch%s":{"ip":"%s","sb_ip":"%s"}' "$sep" "$k" \
			"$(demo_chassis_ip "$k")" "$(demo_chassis_sb_ip "$k")"
		sep=,
	done
	printf '}'
}

# demo_peer_add PEER K IP MAC: another peer workload PEER on ls0 at IP,
# on chassis K, which joins the lab for it when K is new (scenario 13:
# ch4, where no ovnmigd ever runs); ready when the first peer reaches it.
demo_peer_add() {
	local p=$1 k=$2 ip=$3 mac=$4
	_lab_state
	if [ "$k" -gt "$LAB_NCH" ]; then
		lab_add_chassis "$k" || return 1
	fi
	lab_add_vm "$p" "$k" ls0 "$ip/25" "$mac" || return 1
	DEMO_PEER_ADDR[$p]=$ip DEMO_PEER_CH[$p]=$k DEMO_PEER_MAC[$p]=$mac
	lab_nbctl --timeout=120 --wait=hv sync || return 1
	_lab_wait 60 _demo_port_up "$p" || { echo "lab: port $p not up within 60 s" >&2; return 1; }
	lab_ping peer "$ip" 30
}

# demo_peer_del PEER: PEER goes, and its chassis with it when it is the
# last one and not the first peer's.
demo_peer_del() {
	local p=$1 k
	k=${DEMO_PEER_CH[$p]:-}
	[ -n "$k" ] && [ "$p" != peer ] || return 0
	lab_nbctl --if-exists lsp-del "$p"
	lab_ch "$k" ovs-vsctl --if-exists del-port br-int "$(_lab_ifname "$p" 0 "$k")"
	ip netns pids "lab-vm-$p" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "lab-vm-$p" 2>/dev/null
	rm -rf "$LAB_DIR/vms/$p"
	unset "DEMO_PEER_ADDR[$p]" "DEMO_PEER_CH[$p]" "DEMO_PEER_MAC[$p]"
	_lab_state
	[ "$k" = "$LAB_NCH" ] && [ "$k" != "${DEMO_PEER_CH[peer]}" ] && lab_del_chassis "$k"
	lab_nbctl --timeout=120 --wait=hv sync
}
demo_vm_ip() { echo "${DEMO_VMIP[$1]}"; }
demo_peer_exec() { lab_vm peer "$@"; }
demo_vm_exec() { local vm=$1; shift; lab_vm "$vm" "$@"; }

# demo_vms_add METHOD PORTS VM...: VMs on ch1, ready, reachable from the peer.
demo_vms_add() {
	local method=$1 ports=$2 vm i n mac nic
	shift 2
	for vm in "$@"; do
		# Addresses cycle through the /25 (VMs are deleted after each
		# run); the MAC follows the address, so the peer's ARP entry
		# from an earlier run is still right.
		n=$demo_ip_next
		demo_ip_next=$(( n >= 120 ? 10 : n + 1 ))
		DEMO_VMIP[$vm]=192.0.2.$n
		mac=$(printf '0a:00:00:00:00:%02x' "$n")
		lab_add_vm "$vm" 1 ls0 "192.0.2.$n/25" "$mac" || return 1
		for ((i = 1; i < ports; i++)); do
			lab_add_nic "$vm" "$vm-p$i" ls1 "192.0.2.$((200 + i))/25" \
				"$(printf '0a:00:00:00:%02x:%02x' "$i" "$n")" || return 1
		done
	done
	# Only these VMs' ports: lab_wait_ready waits for every port to be
	# up, and the load knob's ports (s2) are never bound.
	lab_nbctl --timeout=120 --wait=hv sync || return 1
	for vm in "$@"; do
		for nic in $(_lab_nics "$vm"); do
			_lab_wait 60 _demo_port_up "$(_lab_port "$vm" "$nic")" ||
				{ echo "lab: port of $vm NIC $nic not up within 60 s" >&2; return 1; }
		done
	done
	for vm in "$@"; do
		lab_ping peer "${DEMO_VMIP[$vm]}" 30 || return 1
	done
}

# demo_static_neigh VM [PEER]: permanent neighbour entries between VM
# (every leg it has now) and PEER (default: the peer on ch3).
demo_static_neigh() {
	local vm=$1 p=${2:-peer} vip vmac dev pmac pip
	vip=${DEMO_VMIP[$vm]}
	pmac=${DEMO_PEER_MAC[$p]} pip=${DEMO_PEER_ADDR[$p]}
	read -r _ _ _ vmac _ <"$LAB_DIR/vms/$vm/nic0"
	ip -n "lab-vm-$p" neigh replace "$vip" lladdr "$vmac" dev "e0c${DEMO_PEER_CH[$p]}" nud permanent
	for dev in e0c1 e0c2; do
		ip -n "lab-vm-$vm" link show "$dev" >/dev/null 2>&1 || continue
		ip -n "lab-vm-$vm" neigh replace "$pip" lladdr "$pmac" \
			dev "$dev" nud permanent
	done
}

_demo_port_up() {
	[ "$(lab_nbctl --bare --columns=up list logical_switch_port "$1")" = true ]
}

demo_vms_del() {
	local vm nic k p port nb=() ovs=([1]= [2]= [3]=)
	# Batched (one NB transaction, one ovs-vsctl per chassis): scenario 5
	# removes 20 VMs, and every process costs ~0.1 s under emulation.
	for vm in "$@"; do
		[ -d "$LAB_DIR/vms/$vm" ] || continue
		for nic in $(_lab_nics "$vm"); do
			port=$(_lab_port "$vm" "$nic")
			nb+=(-- --if-exists lsp-del "$port")
			for k in 1 2 3; do
				ovs[$k]+=" -- --if-exists del-port br-int $(_lab_ifname "$vm" "$nic" "$k")"
			done
		done
	done
	[ ${#nb[@]} -gt 0 ] && lab_nbctl "${nb[@]}"
	for vm in "$@"; do
		[ -d "$LAB_DIR/vms/$vm" ] || continue
		for p in "${!DEMO_PEER_CH[@]}"; do
			ip -n "lab-vm-$p" neigh del "${DEMO_VMIP[$vm]}" dev "e0c${DEMO_PEER_CH[$p]}" 2>/dev/null
		done
		ip netns pids "lab-vm-$vm" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		# The VM's ends of its legs go with its netns, their peers with them.
		ip netns del "lab-vm-$vm" 2>/dev/null
		rm -rf "$LAB_DIR/vms/$vm"
	done
	for k in 1 2 3; do
		# shellcheck disable=SC2086
		[ -n "${ovs[$k]}" ] && lab_ch "$k" ovs-vsctl --no-wait ${ovs[$k]}
	done
	return 0
}

# demo_migrate METHOD MODE TIMELINE VM...: ch1 -> ch2 with the lab's
# migration model; TIMELINE gets "event t_ns" lines (pause, resume,
# unplug, nb, settled) of the first VM.  Several VMs migrate at once.
demo_migrate() {
	local method=$1 mode=$2 tl=$3 vm pids=() rc=0 opts=() first
	shift 3
	case $method in
	stock|stock+ovnmig*) opts+=(--mode stock) ;;
	multichassis|multichassis+ovnmig*) opts+=(--mode multichassis) ;;
	esac
	case $mode in
	abort) opts+=(--abort) ;;
	cold) opts+=(--cold) ;;
	esac
	first=$1
	if [ $# = 1 ]; then
		lab_migrate "$1" 2 --pause "$PAUSE_MS" --settle 300 "${opts[@]}" \
			--json "$tl.json" ${DEMO_MIGRATE_HOOK:+--ready-hook "$DEMO_MIGRATE_HOOK"} ||
			rc=1
	else
		for vm in "$@"; do
			lab_migrate "$vm" 2 --pause "$PAUSE_MS" --settle 300 "${opts[@]}" \
				--json "$tl-$vm.json" >/dev/null &
			pids+=($!)
		done
		for vm in "${pids[@]}"; do wait "$vm" || rc=1; done
		cp "$tl-$first.json" "$tl.json" 2>/dev/null
	fi
	[ -s "$tl.json" ] || return 1
	jq -r '.t_us | to_entries[] | select(.value != null) |
		"\(.key) \(.value)000"' "$tl.json" >"$tl"
	jq -r '"pause_measured_ms \(.pause_ms)"' "$tl.json" >>"$tl"
	return $rc
}

# ------------------------------------------------------------- ovnmig

# Each chassis gets its own bpffs (pins are per host, as on real
# chassis), mounted in the VM's mount namespace so that ip netns exec
# sees it and the maps outlive any one command.
_demo_bpffs() { echo "$LAB_DIR/ch$1/bpffs"; }
_demo_ctl() { echo "$LAB_DIR/ch$1/run/ovnmigd.ctl"; }

# demo_pkg_install: the packages of "make deb" into the VM (once a boot).
demo_pkg_install() { lab_pkg_install "${DEMO_DEB_DIR:-$BUILD/deb}"; }

# What ovnmig runs on every chassis (demo_ovnmig_on CONFIG; a method
# "BASE+ovnmig:CONFIG", docs/demo.md "Ablation"):
#   deployed        the documented deployment: ovnmigd --attach (steer on
#                   genev_sys_6081, bounce on eth0 in generic mode,
#                   --bounce-attach auto: on demand on the lab's veth)
#   agents          ovnmigd only, no program attached
#   steer           ovnmigd --attach without an underlay: steer only
#   bounce-skb      bounce attached all the time in generic mode
#   bounce-native   the same in native mode (veth's XDP: its NAPI path);
#                   both: ovnmigctl attach without steer, ovnmigd without
#                   --attach
#   always-skb      deployed with --bounce-attach always (the deployment
#                   until bounce was attached on demand)
DEMO_OVNMIG_CONFIGS="deployed agents steer bounce-skb bounce-native always-skb"
demo_ovnmig_cfg=deployed

# _demo_agent_opts: ovnmigd's options for demo_ovnmig_cfg.
_demo_agent_opts() {
	case $demo_ovnmig_cfg in
	deployed) echo "--attach --genev genev_sys_6081 --underlay eth0 --xdp-skb" ;;
	agents) echo "--genev genev_sys_6081" ;;
	steer) echo "--attach --genev genev_sys_6081" ;;
	bounce-skb|bounce-native) echo "--genev genev_sys_6081 --underlay eth0" ;;
	always-skb) echo "--attach --genev genev_sys_6081 --underlay eth0 --xdp-skb --bounce-attach always" ;;
	*) return 1 ;;
	esac
}

# demo_agent_start K: chassis K's /etc/default/ovnmigd, then what
# "systemctl enable --now ovnmigd" does there (lab_unit_start).
demo_agent_start() {
	local k=$1 b o
	b=$(_demo_bpffs "$k")
	o=$(_demo_agent_opts) || { echo "demo: ovnmig configuration $demo_ovnmig_cfg: unknown (one of $DEMO_OVNMIG_CONFIGS)" >&2; return 1; }
	mkdir -p "$LAB_DIR/ch$k/default"
	printf 'OVNMIGD_OPTS="%s"\n' "--sb tcp:$LAB_UL4.1:6642 --ovs unix:$LAB_DIR/ch$k/run/db.sock --bpffs $b --ctl $(_demo_ctl "$k") $o ${DEMO_AGENT_OPTS:-}" \
		>"$LAB_DIR/ch$k/default/ovnmigd"
	lab_unit_start "$k"
}

# _demo_agent_stop SIG K...: send SIG to each chassis' agent and wait
# (at most 10 s each) until it is gone.  Works from any (sub)shell.
_demo_agent_stop() {
	local sig=$1 k p i
	shift
	for k in "$@"; do
		p=$(cat "$LAB_DIR/ch$k/run/ovnmigd.pid" 2>/dev/null) || continue
		rm -f "$LAB_DIR/ch$k/run/ovnmigd.pid"
		kill "-$sig" "$p" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			_lab_alive "$p" || break
			sleep 0.1
		done
	done
	return 0
}

_demo_agent_ready() {
	local k=$1
	lab_ch "$k" "$LAB_OVNMIGCTL" -s "$(_demo_ctl "$k")" -j status 2>/dev/null |
		jq -e '.sb.connected == true and .local.connected == true' >/dev/null
}

demo_agents_start() {
	local k
	for k in 1 2 3; do demo_agent_start "$k"; done
	# Attaching (the verifier) and the first syncs take seconds under
	# emulation, minutes when the host's cores are shared several times
	# over (the lab then needs ~190 s instead of ~25 s to come up).
	for k in 1 2 3; do
		_lab_wait 120 _demo_agent_ready "$k" || {
			echo "demo: ovnmigd on ch$k: not ready within 120 s: $(tail -2 "$LAB_DIR/ch$k/log/ovnmigd.log")" >&2
			return 1
		}
	done
}

demo_agents_kill() { _demo_agent_stop KILL "$@"; }

# demo_ovnmig_on [CONFIG]: ovnmig on every chassis, as CONFIG says
# (default deployed; see DEMO_OVNMIG_CONFIGS).
demo_ovnmig_on() {
	local k b
	demo_ovnmig_cfg=${1:-deployed}
	_demo_agent_opts >/dev/null ||
		{ echo "demo: ovnmig configuration $demo_ovnmig_cfg: unknown (one of $DEMO_OVNMIG_CONFIGS)" >&2; return 1; }
	demo_pkg_install || return 1
	for k in 1 2 3; do
		b=$(_demo_bpffs "$k")
		mkdir -p "$b"
		mountpoint -q "$b" || mount -t bpf bpf "$b" || return 1
		# bounce alone, attached for good: without steer (no --genev)
		# and before the agent, which then finds the pinned maps.
		case $demo_ovnmig_cfg in
		bounce-skb|bounce-native)
			lab_ch "$k" "$LAB_OVNMIGCTL" -b "$b" attach --genev '' --underlay eth0 \
				$([ "$demo_ovnmig_cfg" = bounce-skb ] && echo --xdp-skb) >&2 || return 1 ;;
		esac
	done
	# Once more if the first start is not ready in time: on a host
	# loaded several times over, the first start (cold caches over 9p,
	# the verifier) was not ready within 120 s in two runs of two, the
	# second was in under 60 s.
	demo_agents_start && return 0
	echo "demo: starting the agents once more" >&2
	_demo_agent_stop TERM 1 2 3
	demo_agents_start
}

# demo_dp_stats TAG DIR: the datapath counters of every chassis (from its
# pinned maps, so even with the agent down) as DIR/stats-chK-TAG.json,
# and the agent's status (bounce's on-demand attaches: "bounce") as
# DIR/status-chK-TAG.json where it runs.
demo_dp_stats() {
	local tag=$1 dir=$2 k b
	for k in 1 2 3; do
		b=$(_demo_bpffs "$k")
		mountpoint -q "$b" 2>/dev/null || continue
		lab_ch "$k" "$LAB_OVNMIGCTL" -j -m -b "$b" stats \
			>"$dir/stats-ch$k-$tag.json" 2>/dev/null
		[ -S "$(_demo_ctl "$k")" ] &&
			lab_ch "$k" "$LAB_OVNMIGCTL" -s "$(_demo_ctl "$k")" -j status \
				>"$dir/status-ch$k-$tag.json" 2>/dev/null
	done
	return 0
}

# demo_agent_events DIR: each agent's recent events (ovnmigctl events:
# what it decided for which port, stamped with CLOCK_MONOTONIC), its
# migration records (ovnmigctl migrations -j: per move its repoint lag
# as steer or bounce saw it) and the offset to CLOCK_REALTIME (the
# probe's and the capture's clock), so that the report can time the
# agent against the SB update and the packets on the wire.
demo_agent_events() {
	local dir=$1 k
	for k in 1 2 3; do
		[ -S "$(_demo_ctl "$k")" ] || continue
		# --wait 0: the history only (one JSON object per line).
		lab_ch "$k" "$LAB_OVNMIGCTL" -s "$(_demo_ctl "$k")" -j events --wait 0 \
			>"$dir/events-ch$k.jsonl" 2>/dev/null
		lab_ch "$k" "$LAB_OVNMIGCTL" -s "$(_demo_ctl "$k")" -j migrations \
			>"$dir/migrations-ch$k.json" 2>/dev/null ||
			rm -f "$dir/migrations-ch$k.json"
	done
	python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC))' \
		>"$dir/mono-to-realtime-ns" 2>/dev/null
	return 0
}

demo_ovnmig_off() {
	local k b
	for k in 1 2 3; do
		b=$(_demo_bpffs "$k")
		lab_unit_stop "$k"
		if mountpoint -q "$b" 2>/dev/null; then
			lab_ch "$k" "$LAB_OVNMIGCTL" -b "$b" detach \
				--genev genev_sys_6081 --underlay eth0 >/dev/null 2>&1
			umount "$b" 2>/dev/null
		fi
		# steer's clsact goes too (detach leaves it, as tc's would
		# stay): a method without ovnmig runs without any of it.
		lab_ch "$k" tc qdisc del dev genev_sys_6081 clsact 2>/dev/null
	done
	return 0
}

# _demo_claim_watch NAME: start a bounded (60 s) SB monitor of the port
# bindings writing into the fifo $LAB_DIR/NAME.fifo (in the lab's
# directory: a fifo does not work on the 9p results share).  Sets
# claim_fifo, claim_mon_pid and claim_ch2 (ch2's Chassis uuid).
_demo_claim_watch() {
	claim_ch2=$(lab_sbctl --bare --columns=_uuid find chassis name=ch2)
	claim_fifo=$LAB_DIR/$1.fifo
	rm -f "$claim_fifo"
	mkfifo "$claim_fifo"
	_bg timeout 60 ovsdb-client monitor "unix:$LAB_DIR/central/sb.sock" \
		OVN_Southbound Port_Binding logical_port,chassis \
		>"$claim_fifo" 2>/dev/null &
	claim_mon_pid=$!
}

# _demo_await_claim PORT CH2: read the monitor on stdin until it shows
# PORT bound to CH2 (0), or its end (1).
_demo_await_claim() {
	local line
	while IFS= read -r line; do
		[[ $line == *"$1"* && $line == *"$2"* ]] && return 0
	done
	return 1
}

# demo_kill_on_move PORT LOG: in the background, as soon as the SB binds
# PORT to ch2, kill -9 every ovnmigd, then restart them; LOG gets
# "killed t_ns" and "restarted t_ns" (ready again).  Bounded: 60 s.
# demo_kill_on_move_stop ends what is left of it (by pid).
demo_kill_on_move() {
	local port=$1 log=$2
	_demo_claim_watch kill
	demo_monitor_pid=$claim_mon_pid
	(
		_closefds
		_demo_await_claim "$port" "$claim_ch2" <"$claim_fifo" || exit 0
		demo_agents_kill 1 2 3
		echo "killed ${EPOCHREALTIME/./}000" >>"$log"
		sleep 0.1
		if demo_agents_start >>"$log.err" 2>&1; then
			echo "restarted ${EPOCHREALTIME/./}000" >>"$log"
		fi
	) &
	demo_killer_pid=$!
}

demo_kill_on_move_stop() {
	[ -n "${demo_monitor_pid:-}" ] && kill "$demo_monitor_pid" 2>/dev/null
	[ -n "${demo_killer_pid:-}" ] && wait "$demo_killer_pid" 2>/dev/null
	demo_monitor_pid= demo_killer_pid=
}

# demo_freeze_peer_ctl K VM SECS LOG: stop (SIGSTOP) the ovn-controller
# of chassis K (a peer's: ch3, or ch4 in scenario 13) now, and continue it
# SECS after the SB binds the VM's port to ch2; LOG gets "frozen",
# "claim_seen" and "thawed" t_ns.
# Bounded: continued after 60 s + SECS (+ 300 s, below) whatever happens.
# While it is frozen (scenarios 11 and 12, the long stalls):
#   DEMO_STALL_SAMPLE_S=S: every S seconds from the claim, and once more
#     just before the thaw, a "sample" line (_demo_stall_sample);
#   DEMO_STALL_KILL_S=K: K seconds after the claim, every ovnmigd is
#     killed with -9 ("agents_kill t_ns": just before the kill);
#     they stay dead until the caller restarts them (demo_agents_start).
# The stall lasts at least SECS, and with samples until
# DEMO_STALL_MIN_SAMPLES (3) are taken and, with the kill, until two
# were taken DEMO_STALL_AFTER_KILL_S (11) or more after it; at most
# 300 s longer.
# demo_freeze_wait waits for the thaw; demo_freeze_stop also continues
# the controller in any case.
demo_freeze_peer_ctl() {
	local ch=$1 vm=$2 secs=$3 log=$4 pid port
	port=$(_lab_port "$vm" 0)
	pid=$(cat "$LAB_DIR/ch$ch/run/ovn-controller.pid")
	demo_frozen_pid=$pid
	_demo_claim_watch freeze
	demo_freeze_mon_pid=$claim_mon_pid
	(
		_closefds
		local claim_us now_us end_us next_us cap_us t every_us=0 i kill_pid=
		if _demo_await_claim "$port" "$claim_ch2" <"$claim_fifo"; then
			claim_us=${EPOCHREALTIME/./}
			echo "claim_seen ${claim_us}000" >>"$log"
		else
			claim_us=${EPOCHREALTIME/./}
		fi
		kill "$demo_freeze_mon_pid" 2>/dev/null
		end_us=$((claim_us + secs * 1000000))
		cap_us=$((end_us + 300000000))
		# The kill on its own timer: a sample can take many seconds
		# on a loaded machine and must not delay it.  The pids are read
		# first and the stamp and the kill are builtins: in the VM on a
		# host loaded 15 times over every process start took 5-13 s,
		# and a kill behind cat and rm came 30 s after its stamp.
		if [ -n "${DEMO_STALL_KILL_S:-}" ]; then
			(
				local k kp pids=()
				for k in 1 2 3; do
					read -r kp <"$LAB_DIR/ch$k/run/ovnmigd.pid" 2>/dev/null &&
						pids+=("$kp")
				done
				sleep "$DEMO_STALL_KILL_S"
				kp=${EPOCHREALTIME/./}000
				kill -KILL "${pids[@]}" 2>/dev/null
				echo "agents_kill $kp" >>"$log"
				demo_agents_kill 1 2 3 2>/dev/null
			) &
			kill_pid=$!
		fi
		[ "${DEMO_STALL_SAMPLE_S:-0}" != 0 ] && every_us=$((DEMO_STALL_SAMPLE_S * 1000000))
		[ $every_us != 0 ] && _demo_stall_sample "$log"
		next_us=$((claim_us + every_us))
		# Bounded (cap_us): until SECS after the claim and until the
		# samples the run needs are taken (_demo_stall_enough), one
		# sample every DEMO_STALL_SAMPLE_S or as soon as the last is done.
		for ((i = 0; i < 10000; i++)); do
			now_us=${EPOCHREALTIME/./}
			[ "$now_us" -ge "$end_us" ] && _demo_stall_enough "$log" && break
			[ "$now_us" -ge "$cap_us" ] && break
			t=$next_us
			{ [ $every_us = 0 ] || { [ "$t" -gt "$end_us" ] && [ "$now_us" -lt "$end_us" ]; }; } && t=$end_us
			[ "$t" -gt "$now_us" ] &&
				sleep "$(awk -v us=$((t - now_us)) 'BEGIN { printf "%.3f", us / 1e6 }')"
			now_us=${EPOCHREALTIME/./}
			if [ $every_us != 0 ] && [ "$now_us" -ge "$next_us" ]; then
				_demo_stall_sample "$log"
				next_us=$((next_us + every_us))
			fi
		done
		[ -n "$kill_pid" ] && wait "$kill_pid"
		# The last look at the datapath while the controller is still
		# stopped.
		[ $every_us != 0 ] && _demo_stall_sample "$log"
		kill -CONT "$pid"
		echo "thawed ${EPOCHREALTIME/./}000" >>"$log"
	) &
	demo_thaw_pid=$!
	# The monitor has its first dump out before the controller stops:
	# the fifo reader is open by then, so nothing is missed.
	kill -STOP "$pid"
	echo "frozen ${EPOCHREALTIME/./}000" >>"$log"
}

# _demo_stall_sample LOG: one "sample t_ns steered steer_lease_expired
# forwarded bounce_lease_expired" line: steer's counters on the peer's
# chassis (ch3), bounce's on the old host (ch1), read from the pinned
# maps (so even with the agents dead); t_ns is taken before the reads.
# Nothing when ovnmig is off (no bpffs).
_demo_stall_sample() {
	local t k b line
	t=${EPOCHREALTIME/./}000
	mountpoint -q "$(_demo_bpffs 3)" 2>/dev/null || return 0
	line=$(for k in 3 1; do
		b=$(_demo_bpffs "$k")
		lab_ch "$k" "$LAB_OVNMIGCTL" -j -m -b "$b" stats 2>/dev/null || echo '{}'
	done | jq -rs 'def p(c): .[c].packets // 0;
		"\(.[0] | p("steer_steered")) \(.[0] | p("steer_lease_expired")) \(.[1] | p("bounce_forwarded") + p("bounce_forwarded_fib")) \(.[1] | p("bounce_lease_expired"))"' 2>/dev/null) ||
		return 0
	echo "sample $t $line" >>"$1"
}

# _demo_stall_enough LOG: the samples the stall must last for are in LOG.
_demo_stall_enough() {
	[ "${DEMO_STALL_SAMPLE_S:-0}" = 0 ] && return 0
	# No samples without ovnmig (stock methods): SECS only.
	mountpoint -q "$(_demo_bpffs 3)" 2>/dev/null || return 0
	awk -v min="${DEMO_STALL_MIN_SAMPLES:-3}" -v kill_s="${DEMO_STALL_KILL_S:-}" \
	    -v after="${DEMO_STALL_AFTER_KILL_S:-11}" '
		$1 == "sample" { n++; t[n] = $2 }
		$1 == "agents_kill" { k = $2 }
		END {
			if (n < min) exit 1
			if (kill_s == "") exit 0
			if (k == "") exit 1
			for (i = 1; i <= n; i++)
				if (t[i] - k >= after * 1e9) m++
			exit !(m >= 2)
		}' "$1"
}

demo_freeze_wait() {
	[ -n "${demo_thaw_pid:-}" ] && wait "$demo_thaw_pid" 2>/dev/null
	demo_thaw_pid=
	return 0
}

# demo_peer_recompute LOG: the peer's chassis' ovn-controller starts a
# full recompute now (what a reconnection to the SB, an OVS restart or a
# bulk logical-flow change cause in a real cloud): until it is done, its
# installed flows stay as they are and the SB's updates wait.  Returns at
# once; the controller says when it finished in its own log.
demo_peer_recompute() {
	local log=$1
	echo "recompute_requested ${EPOCHREALTIME/./}000" >>"$log"
	_bg lab_ch 3 ovn-appctl -t ovn-controller recompute >/dev/null 2>&1 &
}

demo_freeze_stop() {
	[ -n "${demo_thaw_pid:-}" ] && wait "$demo_thaw_pid" 2>/dev/null
	[ -n "${demo_freeze_mon_pid:-}" ] && kill "$demo_freeze_mon_pid" 2>/dev/null
	[ -n "${demo_frozen_pid:-}" ] && kill -CONT "$demo_frozen_pid" 2>/dev/null
	demo_thaw_pid= demo_freeze_mon_pid= demo_frozen_pid=
	return 0
}
