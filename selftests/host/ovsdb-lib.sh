# SPDX-License-Identifier: GPL-2.0-only
# Shared by the selftests/host/ovsdb-* tests (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/ktap.sh"

# ovsdb_run_tap VARIANT CMD...: runs a TAP-printing program and folds
# each of its checks into ours, named "(VARIANT) name".  Sanitizer
# reports fail the run even when every check passed.
ovsdb_run_tap() {
	local variant=$1 err rc line name why n=0 nfail=0
	shift
	err=$(mktemp)
	defer rm -f "$err"
	# Lines are folded in as they come, so a timeout still shows how
	# far the program got.
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*)
			name=${line#ok * }; why=${name#*# SKIP }; name=${name%% # SKIP*}
			ktap_skip "($variant) $name" "$why"; n=$((n + 1)) ;;
		"ok "*)
			name=$(echo "$line" | sed 's/^ok [0-9]* //')
			ktap_ok "($variant) $name"; n=$((n + 1)) ;;
		"not ok "*)
			name=$(echo "$line" | sed 's/^not ok [0-9]* //')
			why=${name#*# }; name=${name%% # *}
			ktap_fail "($variant) $name" "$why"; n=$((n + 1))
			nfail=$((nfail + 1)) ;;
		"#"*) echo "$line" ;;
		"rc="*) rc=${line#rc=} ;;
		esac
	done < <(ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
		 UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		 "$@" 2>"$err"; echo "rc=$?")
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$err"; then
		grep -m10 -E 'ERROR|runtime error|#[0-9] ' "$err" | sed 's/^/# /'
		ktap_fail "($variant) no sanitizer report" "see above"
	elif [ "${rc:-1}" != 0 ] && [ "${rc:-1}" != 4 ]; then
		tail -5 "$err" | sed 's/^/# /'
		# Exit 1 after a "not ok" is that failure, already counted;
		# any other status (a signal, an abort, exit 1 after only
		# passes) is a failure of its own: the checks after the
		# crash never ran.
		why="exit ${rc:-?}"
		[ "${rc:-0}" -gt 128 ] && why="$why (signal $((rc - 128)))"
		[ "${rc:-1}" = 1 ] && [ $nfail -gt 0 ] ||
			ktap_fail "($variant) $(basename "$1") exits cleanly" "$why"
	fi
	sed 's/^/# stderr: /' "$err" | grep -v '|' | head -20
}

# The two builds of a program: -O2 and ASan+UBSan.
ovsdb_variants() {
	local prog=$1
	echo "O2 $BUILD/user/$prog"
	echo "asan $BUILD/user/asan/$prog"
}
