# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# ovnmig OVN lab: a real kernel-datapath OVN deployment inside one VM
# (scripts/vm-run), made of network namespaces.  Source this file:
#   . "$TOP/scripts/lab/lab.sh"
#
# Layout
#   central (VM root netns): NB + SB ovsdb-server and ovn-northd, on the
#     underlay bridge "lab-ul" with 198.18.0.1/24 (and 2001:db8:ff00::1/64
#     with --ipv6).  NB: tcp:198.18.0.1:6641, SB: tcp:198.18.0.1:6642.
#   chassis K (netns "lab-chK", K = 1..N): eth0 on the underlay with
#     198.18.0.(10+K)/24 (2001:db8:ff00::(10+K)/64), its own ovsdb-server,
#     ovs-vswitchd and ovn-controller, system-id "chK", Geneve encap.
#     The bridge side of its underlay link is "lab-ulK" in the root netns:
#     its counters are the chassis' fabric traffic (rx = sent by chK).
#   workloads ("VMs", netns "lab-vm-NAME"): one veth per NIC and chassis,
#     "e<nic>c<K>" inside the VM, plugged into chK's br-int with
#     external_ids:iface-id=<logical port>.
#   Addresses: underlay 198.18.0.0/24 and 2001:db8:ff00::/64 (a part of
#     2001:db8::/32 the overlay never uses); overlay 192.0.2.0/24 and
#     2001:db8:1::/64 ... (workload addresses are the caller's choice,
#     inside those).
#
# Functions (all return non-zero and print "lab: what: why" on failure)
#   lab_up N [--ipv6]          central + N chassis, waits until every chassis
#                              is registered in the SB and has br-int
#   lab_add_chassis K          one more chassis K (= N+1) in a running lab, as
#                              lab_up sets each up (tunnels, recompute)
#   lab_del_chassis K          the last chassis K taken out again (its
#                              daemons, SB row, netns and link)
#   lab_add_vm NAME K LS IP/PLEN MAC [IP6/PLEN]
#                              logical switch LS (created if missing), port
#                              NAME (requested-chassis=chK), VM netns, leg on
#                              chK; NIC 0 of VM NAME
#   lab_add_nic VM PORT LS IP/PLEN MAC [IP6/PLEN]
#                              another NIC (port PORT) of VM, on its chassis
#   lab_wait_ready [TIMEOUT]   nbctl --wait=hv sync, every lab port up
#                              (lab_load's ports excepted)
#   lab_ping VM IP [TIMEOUT]   bounded: ping from VM until the first reply
#   lab_migrate VM K [--pause MS] [--mode stock|multichassis|none]
#                [--delay MS] [--abort] [--cold] [--settle MS] [--json FILE]
#                [--ready-hook CMD]
#                              live-migration model, see the function
#   lab_load SWITCHES PORTS ACLS [BOUND]
#                              control-plane load: SWITCHES logical switches
#                              of PORTS ports, ACLS ACLs on one port group,
#                              BOUND ports per chassis bound to OVS ports
#   lab_down                   kill every daemon and probe, delete every netns
#                              and link; leaves nothing behind
#   lab_collect DIR            copy daemon logs and NB/SB/flow dumps to DIR
#   lab_nbctl ARGS / lab_sbctl ARGS       central NB/SB
#   lab_ch K CMD ARGS          run CMD in chassis K's netns with its OVS_*
#                              and OVN_RUNDIR set (ovs-vsctl, ovs-appctl,
#                              ovs-ofctl, ovn-appctl -t ovn-controller work)
#   lab_vm VM CMD ARGS         run CMD in the VM's netns
#   lab_vm_chassis VM          the chassis number VM currently runs on
#   lab_fabric                 "K rx tx" underlay packet counters per chassis
#
# State and logs live under $LAB_DIR (default /tmp/ovnmig-lab): central/,
# chK/{run,db,log}/, vms/, migrations/.  Every daemon logs to its log/ dir.
# Set LAB_DIR before lab_up to place it elsewhere.  Needs root, openvswitch
# and geneve modules (the VM), ovn-central/ovn-host packages, jq, and
# build/tools/announce for the migration's RARP.

LAB_DIR=${LAB_DIR:-/tmp/ovnmig-lab}
LAB_TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAB_BUILD=${BUILD:-$LAB_TOP/build}
LAB_ANNOUNCE=${LAB_ANNOUNCE:-$LAB_BUILD/tools/announce}
LAB_NCH=0
LAB_V6=0
LAB_UL4=198.18.0
LAB_UL6=2001:db8:ff00:

_lab_err() { echo "lab: $*" >&2; return 1; }
# _lab_now VAR: microseconds since the epoch into VAR, without a fork.
_lab_now() { printf -v "$1" '%s' "${EPOCHREALTIME/./}"; }

# _lab_wait TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds.
_lab_wait() {
	local to=$1 end
	shift
	end=$((SECONDS + to))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

lab_nbctl() { ovn-nbctl --db="unix:$LAB_DIR/central/nb.sock" "$@"; }
lab_sbctl() { ovn-sbctl --db="unix:$LAB_DIR/central/sb.sock" "$@"; }

lab_ch() {
	local k=$1 d=$LAB_DIR/ch$1
	shift
	ip netns exec "lab-ch$k" env OVS_RUNDIR="$d/run" OVS_DBDIR="$d/db" \
		OVS_LOGDIR="$d/log" OVN_RUNDIR="$d/run" OVN_LOGDIR="$d/log" \
		OVS_SYSCONFDIR="$d/db" "$@"
}

lab_vm() {
	local vm=$1
	shift
	ip netns exec "lab-vm-$vm" "$@"
}

_lab_central_up() {
	local c=$LAB_DIR/central s
	mkdir -p "$c"
	for s in nb sb; do
		ovsdb-tool create "$c/$s.db" "/usr/share/ovn/ovn-$s.ovsschema" ||
			_lab_err "ovsdb-tool create $s: failed" || return 1
	done
	ovsdb-server --detach --no-chdir --pidfile="$c/nb.pid" -vconsole:off --log-file="$c/nb.log" \
		--unixctl="$c/nb.ctl" --remote="punix:$c/nb.sock" \
		--remote=ptcp:6641:$LAB_UL4.1 "$c/nb.db" ||
		_lab_err "NB ovsdb-server: failed to start (see $c/nb.log)" || return 1
	ovsdb-server --detach --no-chdir --pidfile="$c/sb.pid" -vconsole:off --log-file="$c/sb.log" \
		--unixctl="$c/sb.ctl" --remote="punix:$c/sb.sock" \
		--remote=ptcp:6642:$LAB_UL4.1 "$c/sb.db" ||
		_lab_err "SB ovsdb-server: failed to start (see $c/sb.log)" || return 1
	ovn-northd --detach --no-chdir --pidfile="$c/northd.pid" -vconsole:off --log-file="$c/northd.log" \
		--unixctl="$c/northd.ctl" \
		--ovnnb-db="unix:$c/nb.sock" --ovnsb-db="unix:$c/sb.sock" ||
		_lab_err "ovn-northd: failed to start (see $c/northd.log)" || return 1
	lab_nbctl --timeout=30 --wait=sb sync || _lab_err "northd: NB->SB sync did not happen"
}

_lab_chassis_up() {
	local k=$1 d=$LAB_DIR/ch$1 ns=lab-ch$1 ip4=$LAB_UL4.$((10 + $1)) encap
	mkdir -p "$d/run" "$d/db" "$d/log"
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip link add "lab-ul$k" mtu 9000 type veth peer eth0 mtu 9000 netns "$ns"
	ip link set "lab-ul$k" master lab-ul up
	ip -n "$ns" addr add "$ip4/24" dev eth0
	encap=$ip4
	if [ "$LAB_V6" = 1 ]; then
		ip -n "$ns" addr add "$LAB_UL6:$((10 + k))/64" dev eth0 nodad
		encap=$LAB_UL6:$((10 + k))
	fi
	ip -n "$ns" link set eth0 up
	ovsdb-tool create "$d/db/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	lab_ch "$k" ovsdb-server --detach --no-chdir --pidfile="$d/run/ovsdb-server.pid" \
		-vconsole:off --log-file="$d/log/ovsdb-server.log" --remote="punix:$d/run/db.sock" \
		--unixctl="$d/run/ovsdb-server.ctl" "$d/db/conf.db" ||
		_lab_err "ch$k ovsdb-server: failed to start" || return 1
	lab_ch "$k" ovs-vsctl --no-wait -- init -- set open_vswitch . \
		external_ids:system-id="ch$k" external_ids:hostname="ch$k" \
		external_ids:ovn-remote="tcp:$LAB_UL4.1:6642" \
		external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip="$encap" \
		external_ids:ovn-bridge=br-int || return 1
	lab_ch "$k" ovs-vswitchd --detach --no-chdir --pidfile="$d/run/ovs-vswitchd.pid" \
		-vconsole:off --log-file="$d/log/ovs-vswitchd.log" --unixctl="$d/run/ovs-vswitchd.ctl" \
		"unix:$d/run/db.sock" ||
		_lab_err "ch$k ovs-vswitchd: failed to start (see $d/log/ovs-vswitchd.log)" || return 1
	lab_ch "$k" ovn-controller --detach --no-chdir --pidfile="$d/run/ovn-controller.pid" \
		-vconsole:off --log-file="$d/log/ovn-controller.log" \
		"unix:$d/run/db.sock" ||
		_lab_err "ch$k ovn-controller: failed to start" || return 1
}

# _lab_after_boot S: wait until the system has been up S seconds.  An
# ovs-vswitchd (3.1, per-CPU upcall dispatch, Debian's 6.1 kernel)
# started in the first seconds after the VM's boot begins with 0 upcall
# handlers ("Overriding n-handler-threads to 0" in its log, 2 a moment
# later) and its datapath then never hands packets from the Geneve
# device to userspace: the first chassis of the first lab after a boot
# received the peer's tunnel traffic (seen on its eth0 and in
# genev_sys_6081's counters) and dropped it, in about one boot of three.
_lab_after_boot() {
	local up
	read -r up _ </proc/uptime
	[ "${up%.*}" -ge "$1" ] && return 0
	sleep $(($1 - ${up%.*}))
}

_lab_chassis_registered() {
	[ -n "$(lab_sbctl --bare --columns=name find chassis name="ch$1")" ] &&
		lab_ch "$1" ovs-vsctl br-exists br-int &&
		ip -n "lab-ch$1" link show genev_sys_6081 >/dev/null 2>&1
}

lab_up() {
	local n=$1 k
	shift
	LAB_V6=0
	[ "${1:-}" = --ipv6 ] && LAB_V6=1
	[ -e "$LAB_DIR/central" ] && _lab_err "lab_up: $LAB_DIR exists (lab_down first)" && return 1
	modprobe -a openvswitch geneve 2>/dev/null ||
		{ _lab_err "lab_up: modprobe openvswitch geneve: failed (run inside scripts/vm-run)"; return 1; }
	mkdir -p "$LAB_DIR/vms" "$LAB_DIR/migrations"
	echo "$n $LAB_V6" >"$LAB_DIR/lab"
	ip link add lab-ul type bridge || return 1
	ip addr add "$LAB_UL4.1/24" dev lab-ul
	[ "$LAB_V6" = 1 ] && ip addr add "$LAB_UL6:1/64" dev lab-ul nodad
	ip link set lab-ul up
	_lab_central_up || return 1
	_lab_after_boot 15
	for ((k = 1; k <= n; k++)); do
		_lab_chassis_up "$k" || { _lab_err "chassis $k: setup failed"; return 1; }
	done
	LAB_NCH=$n
	for ((k = 1; k <= n; k++)); do
		_lab_wait 60 _lab_chassis_registered "$k" ||
			{ _lab_err "chassis $k: not registered in the SB with br-int and a Geneve device within 60 s"; return 1; }
	done
	_lab_mesh_ready "$n"
}

# _lab_mesh_ready N: every chassis 1..N has its tunnels to all others
# with an OpenFlow port, then computes its flows once more from that
# state.  Without this a fresh lab sometimes (the first lab after the
# VM's boot, about one in three) never got remote-port flows on the
# peer's chassis: its controller had computed before a tunnel's ofport
# was known.
_lab_mesh_ready() {
	local n=$1 k
	for ((k = 1; k <= n; k++)); do
		_lab_wait 60 _lab_tunnels_ready "$k" "$n" ||
			{ _lab_err "chassis $k: tunnels to the other $((n - 1)) chassis not ready within 60 s"; return 1; }
	done
	for ((k = 1; k <= n; k++)); do
		lab_ch "$k" ovn-appctl -t ovn-controller recompute >/dev/null ||
			{ _lab_err "chassis $k: ovn-controller recompute failed"; return 1; }
	done
}

# lab_add_chassis K: chassis K joins the running lab (K = LAB_NCH + 1),
# waited for as lab_up waits for its chassis: registered, every chassis'
# tunnels to all others ready, every controller recomputed once more.
lab_add_chassis() {
	local n=$1
	_lab_state
	[ "$n" = $((LAB_NCH + 1)) ] || { _lab_err "lab_add_chassis: $n: the next chassis is $((LAB_NCH + 1))"; return 1; }
	_lab_chassis_up "$n" || { _lab_err "chassis $n: setup failed"; return 1; }
	LAB_NCH=$n
	echo "$n $LAB_V6" >"$LAB_DIR/lab"
	_lab_wait 60 _lab_chassis_registered "$n" ||
		{ _lab_err "chassis $n: not registered in the SB with br-int and a Geneve device within 60 s"; return 1; }
	_lab_mesh_ready "$n"
}

# lab_del_chassis K: the last chassis leaves the lab (its workloads must
# be gone): its daemons stop, its Chassis row goes (the others drop their
# tunnels to it), its netns and underlay link go.
lab_del_chassis() {
	local n=$1 d=$LAB_DIR/ch$1 f
	_lab_state
	[ "$n" = "$LAB_NCH" ] && [ "$n" -gt 1 ] || { _lab_err "lab_del_chassis: $n: only the last chassis ($LAB_NCH) leaves"; return 1; }
	for f in "$d/run/ovn-controller.pid" "$d/run/ovs-vswitchd.pid" "$d/run/ovsdb-server.pid"; do
		_lab_kill_pidfile "$f"
	done
	lab_sbctl --if-exists chassis-del "ch$n" >/dev/null 2>&1
	ip netns del "lab-ch$n" 2>/dev/null
	ip link del "lab-ul$n" 2>/dev/null
	rm -rf "$d"
	LAB_NCH=$((n - 1))
	echo "$LAB_NCH $LAB_V6" >"$LAB_DIR/lab"
}

# _lab_tunnels_ready K N: chK has N-1 Geneve interfaces, each with an ofport.
_lab_tunnels_ready() {
	local ofports p c=0
	ofports=$(lab_ch "$1" ovs-vsctl --bare --columns=ofport find interface type=geneve) || return 1
	for p in $ofports; do
		[ "$p" -gt 0 ] 2>/dev/null || return 1
		c=$((c + 1))
	done
	[ "$c" = $(($2 - 1)) ]
}

_lab_state() { # _lab_state N: restore LAB_NCH/LAB_V6 in a new shell
	[ -f "$LAB_DIR/lab" ] && read -r LAB_NCH LAB_V6 <"$LAB_DIR/lab"
}

# _lab_ifname VM NIC K: the chassis-side name of VM's NIC leg on chK (<= 15 chars).
_lab_ifname() { local h; h=$(echo "$1.$2" | md5sum); echo "vif${h:0:8}c$3"; }

# _lab_leg VM NIC K PORT MAC: create the leg of NIC on chK, VM side down.
_lab_leg() {
	local vm=$1 nic=$2 k=$3 port=$4 mac=$5 cif
	cif=$(_lab_ifname "$vm" "$nic" "$k")
	ip link add "e${nic}c$k" netns "lab-vm-$vm" address "$mac" type veth \
		peer "$cif" netns "lab-ch$k" || return 1
	ip -n "lab-ch$k" link set "$cif" up
	lab_ch "$k" ovs-vsctl -- add-port br-int "$cif" -- \
		set interface "$cif" external_ids:iface-id="$port" || return 1
}

# _lab_unleg VM NIC K: the tap goes away (QEMU exited), then libvirt
# removes the OVS port without waiting for ovs-vswitchd.
_lab_unleg() {
	local vm=$1 nic=$2 k=$3
	ip -n "lab-vm-$vm" link del "e${nic}c$k" 2>/dev/null
	lab_ch "$k" ovs-vsctl --no-wait --if-exists del-port br-int "$(_lab_ifname "$vm" "$nic" "$k")"
	return 0
}

# _lab_nic_on VM NIC K: give NIC's leg on chK the guest's addresses, up.
_lab_nic_on() {
	local vm=$1 nic=$2 k=$3 f=$LAB_DIR/vms/$1/nic$2 port ls ip mac ip6
	read -r port ls ip mac ip6 <"$f"
	{
		echo "link set e${nic}c$k up"
		echo "addr add $ip dev e${nic}c$k"
		[ -n "$ip6" ] && echo "addr add $ip6 dev e${nic}c$k nodad"
	} | ip -n "lab-vm-$vm" -batch -
}

lab_add_vm() {
	local vm=$1 k=$2 ls=$3 ip=$4 mac=$5 ip6=${6:-}
	_lab_state
	[ -d "$LAB_DIR/vms/$vm" ] && { _lab_err "lab_add_vm: $vm exists"; return 1; }
	mkdir -p "$LAB_DIR/vms/$vm"
	echo "$k" >"$LAB_DIR/vms/$vm/chassis"
	ip netns add "lab-vm-$vm" || return 1
	ip -n "lab-vm-$vm" link set lo up
	_lab_add_port "$vm" 0 "$vm" "$ls" "$ip" "$mac" "$ip6"
}

lab_add_nic() {
	local vm=$1 port=$2 ls=$3 ip=$4 mac=$5 ip6=${6:-} nic
	nic=$(ls "$LAB_DIR/vms/$vm" | grep -c '^nic')
	_lab_add_port "$vm" "$nic" "$port" "$ls" "$ip" "$mac" "$ip6"
}

_lab_add_port() {
	local vm=$1 nic=$2 port=$3 ls=$4 ip=$5 mac=$6 ip6=$7 k
	k=$(cat "$LAB_DIR/vms/$vm/chassis")
	echo "$port $ls $ip $mac $ip6" >"$LAB_DIR/vms/$vm/nic$nic"
	lab_nbctl --may-exist ls-add "$ls" -- lsp-add "$ls" "$port" -- \
		lsp-set-addresses "$port" "$mac ${ip%/*}${ip6:+ ${ip6%/*}}" -- \
		lsp-set-options "$port" requested-chassis="ch$k" || return 1
	_lab_leg "$vm" "$nic" "$k" "$port" "$mac" || return 1
	# Only the leg the guest runs on speaks IPv6; others stay silent.
	ip netns exec "lab-vm-$vm" sysctl -qw "net.ipv6.conf.e${nic}c$k.disable_ipv6=$([ -n "$ip6" ] && echo 0 || echo 1)"
	_lab_nic_on "$vm" "$nic" "$k"
}

_lab_nics() { ls "$LAB_DIR/vms/$1" | sed -n 's/^nic//p' | sort -n; }
_lab_port() { local p; read -r p _ <"$LAB_DIR/vms/$1/nic$2"; echo "$p"; }
lab_vm_chassis() { cat "$LAB_DIR/vms/$1/chassis"; }

# The lab's own ports (not lab_load's, most of which are bound nowhere).
_lab_ports_down() { lab_nbctl --bare --columns=name find logical_switch_port 'up!=true' | grep -v '^load-' | grep .; }
_lab_ports_up() { ! _lab_ports_down >/dev/null; }

lab_wait_ready() {
	local to=${1:-60}
	lab_nbctl --timeout="$to" --wait=hv sync ||
		{ _lab_err "wait_ready: chassis did not catch up with the NB within ${to}s"; return 1; }
	_lab_wait "$to" _lab_ports_up ||
		{ _lab_err "wait_ready: ports not up: $(_lab_ports_down | tr '\n' ' ')"; return 1; }
}

lab_ping() {
	local vm=$1 ip=$2 to=${3:-30} ping=ping
	[[ $ip == *:* ]] && ping="ping -6"
	_lab_wait "$to" lab_vm "$vm" $ping -c1 -W1 "$ip" ||
		{ _lab_err "ping from $vm to $ip: no reply within ${to}s"; return 1; }
}

# lab_fabric: one line per chassis "K rx tx": packets it sent (rx on the
# bridge side) and received (tx on the bridge side) on the underlay.
lab_fabric() {
	local k rx tx
	_lab_state
	for ((k = 1; k <= LAB_NCH; k++)); do
		read -r rx <"/sys/class/net/lab-ul$k/statistics/rx_packets"
		read -r tx <"/sys/class/net/lab-ul$k/statistics/tx_packets"
		echo "$k $rx $tx"
	done
}

_lab_fabric_json() {
	local k rx tx sep=
	printf '['
	while read -r k rx tx; do
		printf '%s{"chassis": %s, "sent": %s, "received": %s}' "$sep" "$k" "$rx" "$tx"
		sep=', '
	done < <(lab_fabric)
	printf ']'
}

# A paused guest's tap stays up but nothing it receives is ever read:
# a matchall drop on the leg's ingress (clsact installed beforehand).

# _lab_helpers_start VM: long-running "ip -batch" and "tc -batch" in the
# VM's netns fed through fifos, so the switch-over starts no process (a
# process start costs tens of ms under emulation).  Sets _LAB_IPW/_LAB_IPR
# and _LAB_TCW/_LAB_TCR.
_lab_helpers_start() {
	local d=$LAB_DIR/vms/$1/ctl
	rm -rf "$d"; mkdir -p "$d"
	mkfifo "$d/ip.in" "$d/ip.out" "$d/tc.in" "$d/tc.out"
	stdbuf -oL ip -n "lab-vm-$1" -force -batch - <"$d/ip.in" >"$d/ip.out" 2>&1 &
	_LAB_IPP=$!
	exec {_LAB_IPW}>"$d/ip.in" {_LAB_IPR}<"$d/ip.out"
	stdbuf -oL tc -n "lab-vm-$1" -force -batch - <"$d/tc.in" >"$d/tc.out" 2>&1 &
	_LAB_TCP=$!
	exec {_LAB_TCW}>"$d/tc.in" {_LAB_TCR}<"$d/tc.out"
}

_lab_helpers_stop() {
	exec {_LAB_IPW}>&- {_LAB_TCW}>&-
	cat <&"$_LAB_IPR" >/dev/null
	cat <&"$_LAB_TCR" >/dev/null
	exec {_LAB_IPR}<&- {_LAB_TCR}<&-
	wait "$_LAB_IPP" "$_LAB_TCP" 2>/dev/null
}

# _lab_ip / _lab_tc LINES: run batch lines, wait until they are done (the
# trailing "show dev lo" answers only after everything before it ran).
_lab_ip() {
	local l
	printf '%s\nlink show dev lo\n' "$1" >&"$_LAB_IPW"
	while IFS= read -r -t 30 l <&"$_LAB_IPR"; do
		[[ $l == *link/loopback* ]] && return 0
	done
	return 1
}
_lab_tc() {
	printf '%s\nqdisc show dev lo\n' "$1" >&"$_LAB_TCW"
	_lab_tc_ack
}
_lab_tc_ack() {
	local l
	while IFS= read -r -t 30 l <&"$_LAB_TCR"; do
		[[ $l == "qdisc noqueue 0: root"* ]] && return 0
	done
	return 1
}

# _lab_sleep_ms MS without starting a process (read times out on a pipe
# nobody writes to).
_lab_sleep_ms() {
	[ "$1" -gt 0 ] || return 0
	local t
	printf -v t '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
	read -r -t "$t" <&"$_LAB_SLEEP"
	return 0
}

# lab_migrate VM K [options]: move VM to chassis K the way libvirt + QEMU
# and a cloud manager do, and write the timeline as JSON (--json FILE, or
# $LAB_DIR/migrations/<n>.json; the path is printed).
#   1. multichassis: requested-chassis=old,new activation-strategy=rarp
#      (waited for with --wait=hv, before anything else, as Neutron does)
#   2. destination VIFs plugged on chK (guest side up, silent, ignoring
#      input); waited for with --wait=hv
#      --ready-hook CMD: eval CMD now (e.g. wait for traffic), then go on
#   3. pause: the guest's processes stop (SIGSTOP), its old legs drop all
#      input but stay up
#   4. after --pause MS (default 50): resume on the new legs with the same
#      MAC/IPs, RARP announce (build/tools/announce, QEMU's timing)
#      --abort: resume on the old legs instead, unplug the new VIFs, undo 1
#   5. source VIFs unplugged (QEMU on the source exits)
#   6. after --delay MS (default 0): requested-chassis=new (stock and
#      multichassis), activation-strategy cleared
#   7. --settle MS (default 500) later: final fabric sample
#   --cold: the guest is stopped, its old VIFs unplugged, the port moved
#      (6), and after --pause MS it starts on chK (no RARP: a booting guest
#      does not announce)
#   --mode none: no NB changes at all (the caller does them)
# Steps 3-5 start no process (ip/tc batch helpers, a pre-started announce
# waiting for its trigger, builtins only), so the modelled pause is close
# to the requested one even under emulation; the JSON has the real one.
# Timestamps are CLOCK_REALTIME microseconds (same clock as probe traces).
lab_migrate() {
	local vm=$1 new=$2 pause=50 mode=stock delay=0 abort=0 cold=0 settle=500 json= hook=
	local old nic port nics t_mc=null t_plug t_pause t_resume t_unplug t_nb=null t_settled
	local f_start f_pause f_resume f_nb=null f_end ports=() n pids p ip ip6 mac lines nbargs
	local ann_w=() ann_p=() from to gone d nl=$'\n' t_block t_slept=null t_switched=null t_unblocked=null
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--pause) pause=$2; shift ;;
		--mode) mode=$2; shift ;;
		--delay) delay=$2; shift ;;
		--abort) abort=1 ;;
		--cold) cold=1 ;;
		--settle) settle=$2; shift ;;
		--json) json=$2; shift ;;
		--ready-hook) hook=$2; shift ;;
		*) _lab_err "lab_migrate: unknown option $1"; return 1 ;;
		esac
		shift
	done
	_lab_state
	old=$(lab_vm_chassis "$vm")
	[ "$old" = "$new" ] && { _lab_err "lab_migrate: $vm already on ch$new"; return 1; }
	nics=$(_lab_nics "$vm")
	for nic in $nics; do ports+=("$(_lab_port "$vm" "$nic")"); done
	if [ -z "$json" ]; then
		n=$(ls "$LAB_DIR/migrations" | wc -l)
		json=$LAB_DIR/migrations/$n.json
	fi
	d=$LAB_DIR/vms/$vm/ctl
	f_start=$(_lab_fabric_json)

	if [ $cold = 0 ] && [ "$mode" = multichassis ]; then
		_lab_now t_mc
		# One transaction for every port of the VM, as a cloud manager
		# updating a multi-NIC instance does.
		nbargs=()
		for port in "${ports[@]}"; do
			nbargs+=(-- lsp-set-options "$port" requested-chassis="ch$old,ch$new" activation-strategy=rarp)
		done
		lab_nbctl --wait=hv "${nbargs[@]}" ||
			{ _lab_err "lab_migrate: multichassis options on ${ports[*]}: failed"; return 1; }
	fi
	from=$old to=$new gone=$old
	[ $abort = 1 ] && to=$old gone=$new
	_lab_now t_plug
	if [ $cold = 0 ]; then
		for nic in $nics; do
			read -r port _ _ mac _ <"$LAB_DIR/vms/$vm/nic$nic"
			_lab_leg "$vm" "$nic" "$new" "$port" "$mac" || return 1
			# IPv6 on, but no link-local (no DAD, no MLD) until the guest
			# speaks there: the resume only adds its address.
			ip -n "lab-vm-$vm" link set "e${nic}c$new" addrgenmode none
			ip netns exec "lab-vm-$vm" sysctl -qw "net.ipv6.conf.e${nic}c$new.disable_ipv6=$([ -n "$(awk '{print $5}' "$LAB_DIR/vms/$vm/nic$nic")" ] && echo 0 || echo 1)"
		done
	fi
	_lab_helpers_start "$vm"
	mkfifo "$d/sleep"
	exec {_LAB_SLEEP}<>"$d/sleep"
	lines=
	for nic in $nics; do
		lines+="qdisc replace dev e${nic}c$old clsact$nl"
		[ $cold = 0 ] && lines+="qdisc replace dev e${nic}c$new clsact${nl}filter replace dev e${nic}c$new ingress pref 1 matchall action drop$nl"
	done
	_lab_tc "$lines" || { _lab_err "lab_migrate: tc setup failed"; _lab_helpers_stop; return 1; }
	if [ $cold = 0 ]; then
		lines=
		for nic in $nics; do lines+="link set e${nic}c$new up$nl"; done
		_lab_ip "$lines"
		for nic in $nics; do
			rm -f "$d/ann$nic"
			mkfifo "$d/ann$nic"
			lab_vm "$vm" "$LAB_ANNOUNCE" --trigger "e${nic}c$to" <"$d/ann$nic" &
			ann_p+=($!)
			exec {p}>"$d/ann$nic"
			ann_w+=("$p")
		done
		lab_nbctl --timeout=60 --wait=hv sync ||
			{ _lab_err "lab_migrate: chassis did not see the destination VIFs"; _lab_helpers_stop; return 1; }
	fi
	[ -n "$hook" ] && eval "$hook"
	# The guest's processes: everything in its netns but our helpers.
	pids=
	for p in $(ip netns pids "lab-vm-$vm"); do
		[[ " $_LAB_IPP $_LAB_TCP ${ann_p[*]} " == *" $p "* ]] || pids+=" $p"
	done

	# --- pause: from here to the resume, builtins and helper fifos only.
	# The old legs stop taking input first, then the guest stops: the
	# pause is counted from the moment both are true.
	f_pause=$(_lab_fabric_json)
	lines=
	for nic in $nics; do lines+="filter replace dev e${nic}c$old ingress pref 1 matchall action drop$nl"; done
	_lab_now t_block
	_lab_tc "$lines"
	for p in $pids; do kill -STOP "$p" 2>/dev/null; done
	_lab_now t_pause
	if [ $cold = 1 ]; then
		# Stopped guest: its VIFs go, the port moves, it boots on chK later.
		for nic in $nics; do _lab_unleg "$vm" "$nic" "$old"; done
		_lab_now t_unplug
		if [ "$mode" != none ]; then
			nbargs=()
			for port in "${ports[@]}"; do nbargs+=(-- lsp-set-options "$port" requested-chassis="ch$new"); done
			lab_nbctl "${nbargs[@]}"
		fi
		_lab_now t_nb
		f_nb=$(_lab_fabric_json)
		_lab_sleep_ms "$pause"
		for nic in $nics; do
			read -r port _ _ mac _ <"$LAB_DIR/vms/$vm/nic$nic"
			_lab_leg "$vm" "$nic" "$new" "$port" "$mac"
			_lab_nic_on "$vm" "$nic" "$new"
		done
		for p in $pids; do kill -CONT "$p" 2>/dev/null; done
		_lab_now t_resume
		f_resume=$(_lab_fabric_json)
	else
		_lab_sleep_ms "$pause"
		_lab_now t_slept
		# Addresses move and the new legs open at once (both helpers
		# work in parallel; then both acknowledgements are awaited).
		lines=
		for nic in $nics; do
			read -r _ _ ip _ ip6 <"$LAB_DIR/vms/$vm/nic$nic"
			[ $abort = 1 ] && continue
			lines+="addr del $ip dev e${nic}c$from${nl}addr add $ip dev e${nic}c$to$nl"
			[ -n "$ip6" ] && lines+="addr del $ip6 dev e${nic}c$from$nl"
		done
		for nic in $nics; do
			read -r _ _ _ _ ip6 <"$LAB_DIR/vms/$vm/nic$nic"
			[ $abort = 0 ] && [ -n "$ip6" ] && lines+="addr add $ip6 dev e${nic}c$to nodad$nl"
		done
		local tcl=
		for nic in $nics; do tcl+="filter del dev e${nic}c$to ingress pref 1$nl"; done
		printf '%s\nqdisc show dev lo\n' "$tcl" >&"$_LAB_TCW"
		[ -n "$lines" ] && _lab_ip "$lines"
		_lab_now t_switched
		_lab_tc_ack
		_lab_now t_unblocked
		for p in "${ann_w[@]}"; do echo go >&"$p"; done
		for p in $pids; do kill -CONT "$p" 2>/dev/null; done
		_lab_now t_resume
		f_resume=$(_lab_fabric_json)

		# --- QEMU on the source exits: its VIFs go away.
		for nic in $nics; do _lab_unleg "$vm" "$nic" "$gone"; done
		_lab_now t_unplug

		# --- the cloud manager finishes.
		_lab_sleep_ms "$delay"
		if [ "$mode" != none ]; then
			# All ports of the VM in one NB transaction.
			nbargs=()
			for port in "${ports[@]}"; do
				nbargs+=(-- lsp-set-options "$port" requested-chassis="ch$to")
			done
			lab_nbctl "${nbargs[@]}"
		fi
		_lab_now t_nb
		f_nb=$(_lab_fabric_json)
	fi
	echo "$to" >"$LAB_DIR/vms/$vm/chassis"
	_lab_sleep_ms "$settle"
	_lab_now t_settled
	f_end=$(_lab_fabric_json)
	for p in "${ann_w[@]}"; do exec {p}>&-; done
	[ ${#ann_p[@]} -gt 0 ] && wait "${ann_p[@]}" 2>/dev/null
	lines=
	for nic in $nics; do lines+="qdisc del dev e${nic}c$to clsact$nl"; done
	_lab_tc "$lines"
	_lab_helpers_stop
	exec {_LAB_SLEEP}<&-
	rm -rf "$d"
	cat >"$json" <<EOF
{"vm": "$vm", "ports": [$(printf '"%s",' "${ports[@]}" | sed 's/,$//')], "from": $old, "to": $to,
 "mode": "$mode", "abort": $([ $abort = 1 ] && echo true || echo false), "cold": $([ $cold = 1 ] && echo true || echo false),
 "pause_ms_requested": $pause, "delay_ms": $delay,
 "t_us": {"multichassis": $t_mc, "plug": $t_plug, "block": $t_block, "pause": $t_pause,
          "slept": $t_slept, "switched": $t_switched, "unblocked": $t_unblocked, "resume": $t_resume,
          "unplug": $t_unplug, "nb": $t_nb, "settled": $t_settled},
 "pause_ms": $(( (t_resume - t_pause) / 1000 )).$(printf '%03d' $(( (t_resume - t_pause) % 1000 ))),
 "fabric": {"start": $f_start, "pause": $f_pause, "resume": $f_resume, "nb": $f_nb, "settled": $f_end}}
EOF
	echo "$json"
}

# lab_load SWITCHES PORTS ACLS [BOUND]: call once per lab.  Control-plane load in a handful of
# ovn-nbctl transactions (not thousands of processes): SWITCHES switches
# "load-sN" with PORTS ports each, one port group with every load port and
# ACLS ACLs on it, and BOUND ports per chassis bound to OVS internal ports
# (so every chassis' ovn-controller has real local work).
lab_load() {
	local S=$1 P=$2 A=$3 B=${4:-0} s p k i args f
	_lab_state
	f=$(mktemp)
	for ((s = 0; s < S; s++)); do
		{
			echo "-- --may-exist ls-add load-s$s"
			for ((p = 0; p < P; p++)); do
				printf -- '-- lsp-add load-s%d load-s%d-p%d -- lsp-set-addresses load-s%d-p%d "02:%02x:%02x:%02x:%02x:01 10.%d.%d.%d"\n' \
					$s $s $p $s $p $(((s >> 8) & 255)) $((s & 255)) $((p >> 8)) $((p & 255)) \
					$((s >> 8 & 255)) $((s & 255)) $((p % 250 + 2))
			done
		} >>"$f"
		# One transaction per 50 switches keeps each ovn-nbctl under ARG_MAX.
		if [ $(((s + 1) % 50)) = 0 ] || [ $((s + 1)) = "$S" ]; then
			eval "lab_nbctl $(tr '\n' ' ' <"$f")" >/dev/null ||
				{ rm -f "$f"; _lab_err "lab_load: ovn-nbctl failed"; return 1; }
			: >"$f"
		fi
	done
	rm -f "$f"
	args=()
	for ((s = 0; s < S; s++)); do
		for ((p = 0; p < P; p++)); do args+=("load-s$s-p$p"); done
	done
	lab_nbctl pg-add load-pg "${args[@]}" >/dev/null ||
		{ _lab_err "lab_load: pg-add failed (lab_load is meant to be called once)"; return 1; }
	args=()
	for ((i = 0; i < A; i++)); do
		args+=(-- acl-add load-pg to-lport $((1000 + i % 1000)) \
			"outport == @load-pg && ip4.src == 10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255)) && tcp.dst == $((1 + i % 65000))" allow-related)
		if [ ${#args[@]} -ge 3000 ]; then lab_nbctl "${args[@]}" >/dev/null || return 1; args=(); fi
	done
	[ ${#args[@]} -gt 0 ] && { lab_nbctl "${args[@]}" >/dev/null || return 1; }
	for ((k = 1; k <= LAB_NCH; k++)); do
		args=()
		for ((i = 0; i < B && i < P * S; i++)); do
			s=$(((k - 1) * B + i))
			p=$((s % P)) s=$((s / P % S))
			args+=(-- add-port br-int "ld$k-$i" -- set interface "ld$k-$i" type=internal \
				external_ids:iface-id="load-s$s-p$p")
		done
		[ ${#args[@]} -gt 0 ] && { lab_ch "$k" ovs-vsctl "${args[@]}" || return 1; }
	done
	lab_nbctl --timeout=600 --wait=hv sync
}

lab_collect() {
	local dir=$1 k
	_lab_state
	mkdir -p "$dir"
	[ -d "$LAB_DIR" ] || return 0
	# Regular files only: sockets cannot be copied (and 9p refuses them).
	(cd "$LAB_DIR" && find . -type f ! -name '*.db' -print0 | tar --null -T - -cf -) |
		tar -C "$dir" -xf - 2>/dev/null
	{
		lab_nbctl show; lab_sbctl show
		lab_sbctl list port_binding
	} >"$dir/ovn.txt" 2>&1
	for ((k = 1; k <= LAB_NCH; k++)); do
		{
			lab_ch "$k" ovs-vsctl show
			lab_ch "$k" ovs-ofctl dump-flows br-int
			# vswitchd runs with --unixctl at a fixed path.
			lab_ch "$k" ovs-appctl -t "$LAB_DIR/ch$k/run/ovs-vswitchd.ctl" dpctl/dump-flows
			ip -n "lab-ch$k" -s -d link show
			ip netns exec "lab-ch$k" nstat -az 2>/dev/null | grep -E 'Udp|Ip(In|Out)'
			ip -n "lab-ch$k" neigh show
		} >"$dir/ch$k.txt" 2>&1
	done
}

_lab_kill_pidfile() {
	local f=$1 p i
	[ -f "$f" ] || return 0
	p=$(cat "$f" 2>/dev/null)
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null
	return 0
}

lab_down() {
	local ns p f
	_lab_state
	# Workloads first (their probes), then chassis daemons, then central.
	for ns in $(ip netns list | awk '{print $1}' | grep '^lab-'); do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	done
	for f in "$LAB_DIR"/ch*/run/ovn-controller.pid "$LAB_DIR"/ch*/run/ovs-vswitchd.pid \
		"$LAB_DIR"/ch*/run/ovsdb-server.pid "$LAB_DIR"/central/northd.pid \
		"$LAB_DIR"/central/sb.pid "$LAB_DIR"/central/nb.pid; do
		_lab_kill_pidfile "$f"
	done
	for ns in $(ip netns list | awk '{print $1}' | grep '^lab-'); do
		ip netns del "$ns"
	done
	ip link del lab-ul 2>/dev/null
	for f in /sys/class/net/lab-ul*; do [ -e "$f" ] && ip link del "${f##*/}" 2>/dev/null; done
	rm -rf "$LAB_DIR"
	LAB_NCH=0
	return 0
}

# lab_leftovers: print anything of a lab still present (for tests).
lab_leftovers() {
	ip netns list | awk '{print $1}' | grep '^lab-'
	ls /sys/class/net | grep '^lab-'
	pgrep -a -f "$LAB_DIR" 2>/dev/null
	[ -e "$LAB_DIR" ] && echo "$LAB_DIR"
	return 0
}
