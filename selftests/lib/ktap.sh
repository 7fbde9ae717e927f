# SPDX-License-Identifier: GPL-2.0-only
# Small TAP/kselftest helpers for shell tests.  Source it:
#   . "$TOP/selftests/lib/ktap.sh"
#   ktap_ok "name" / ktap_fail "name" "why" / ktap_skip "name" "why"
#   ktap_check "name" cmd args...      (ok if cmd succeeds)
#   ns=$(setup_ns)                     (netns removed on exit, LIFO)
#   defer cmd args...                  (runs at exit, LIFO)
#   ktap_finish                        (exit status from the results)
KSFT_SKIP=4
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
_ktap_n=0 _ktap_fail=0 _ktap_pass=0 _ktap_skip=0

ktap_ok() { _ktap_n=$((_ktap_n + 1)); _ktap_pass=$((_ktap_pass + 1)); echo "ok $_ktap_n $1"; }
ktap_fail() { _ktap_n=$((_ktap_n + 1)); _ktap_fail=$((_ktap_fail + 1)); echo "not ok $_ktap_n $1${2:+ # $2}"; }
ktap_skip() { _ktap_n=$((_ktap_n + 1)); _ktap_skip=$((_ktap_skip + 1)); echo "ok $_ktap_n $1 # SKIP $2"; }
ktap_check() {
	local name=$1; shift
	if "$@"; then ktap_ok "$name"; else ktap_fail "$name" "failed: $*"; fi
}
ktap_finish() {
	echo "1..$_ktap_n"
	[ $_ktap_fail -gt 0 ] && exit 1
	[ $_ktap_pass -eq 0 ] && [ $_ktap_skip -gt 0 ] && exit $KSFT_SKIP
	exit 0
}
# Skip the whole test file.
ktap_skip_all() { echo "ok 1 ${KTAP_NAME:-$(basename "$0")} # SKIP $1"; exit $KSFT_SKIP; }

# Deferred cleanups live in a file, not a shell array, so that a defer
# made in a subshell (ns=$(setup_ns)) still runs when the test exits.
_KTAP_DEFER_FILE=$(mktemp /tmp/ktap-defer.XXXXXX)
defer() { printf '%s\n' "$(printf '%q ' "$@")" >>"$_KTAP_DEFER_FILE"; }
_ktap_run_defer() {
	[ -f "$_KTAP_DEFER_FILE" ] || return 0
	[ "$BASHPID" = "$$" ] || return 0	# only the test itself cleans up
	local cmd
	while IFS= read -r cmd; do
		eval "$cmd" >/dev/null 2>&1
	done < <(tac "$_KTAP_DEFER_FILE")
	rm -f "$_KTAP_DEFER_FILE"
}
trap _ktap_run_defer EXIT
trap 'exit 143' TERM INT	# so a timeout still runs the cleanups

# setup_ns [prefix]: create a uniquely named netns, removed at exit.
setup_ns() {
	local ns="${1:-ovnmig}-$$-$RANDOM"
	ip netns add "$ns" || return 1
	defer ip netns del "$ns"
	ip -n "$ns" link set lo up
	echo "$ns"
}

require_root() { [ "$(id -u)" = 0 ] || ktap_skip_all "needs root"; }
require_cmd() { command -v "$1" >/dev/null 2>&1 || ktap_skip_all "needs $1"; }
# The kernel of the VM's guest OS (VM_OS, set by scripts/vm-run): Debian
# 12's 6.1 or Debian 13's 6.12.  vm_kernel prints the series.
vm_kernel() { case ${VM_OS:-debian12} in debian13) echo 6.12 ;; *) echo 6.1 ;; esac; }
require_vm_kernel() {
	case $(uname -r) in
	"$(vm_kernel)".*) ;;
	*) ktap_skip_all "not inside the ${VM_OS:-debian12} VM (wants $(vm_kernel), kernel $(uname -r))" ;;
	esac
}
