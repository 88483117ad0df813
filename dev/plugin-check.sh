#!/usr/bin/env bash
# WordPress.org's Plugin Check (the PHP_CodeSniffer checks of the plugin review team's tool: plugin-review ruleset,
# late escaping, direct database queries, i18n, enqueued resources…) on the plugin as it would ship.
#
#   dev/plugin-check.sh [--report full|summary|json]
#
# The tool: $RONDINE_PLUGIN_CHECK when set (an executable called as `<tool> <plugin folder> [--report R]
# [--ignore 'pattern,…']` that ends its output with `plugin-check: N errors, N warnings`), otherwise
# ../shared/tools/plugin-check/run beside the repository. It is not part of the repository: where it is missing, this
# script says so and exits 3, so that a caller can report "not run" rather than a pass.
#
# What ships: when plugin/.distignore exists, a staging copy of plugin/ without what it lists (gitignore-like patterns,
# as `wp dist-archive` reads them), checked whole; otherwise plugin/ itself without tests/, bin/, build/ and
# node_modules/.
#
# Prints the tool's report, then one line `plugin-check: N errors, N warnings`.
# Exit status: 0 no error (warnings are printed, not failed), 1 errors (or the tool could not run), 3 tool missing.
set -uo pipefail
root="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
plugin="$root/plugin"
ignore='*/tests/*,*/bin/*,*/build/*,*/node_modules/*'

report=full
while [ $# -gt 0 ]; do
	case "$1" in
		--report)
			[ $# -ge 2 ] || { echo "dev/plugin-check.sh: --report needs a value (full, summary or json)" >&2; exit 2; }
			report="$2"
			shift 2
			;;
		*) echo "usage: dev/plugin-check.sh [--report full|summary|json]" >&2; exit 2 ;;
	esac
done

tool="${RONDINE_PLUGIN_CHECK:-$root/../shared/tools/plugin-check/run}"
if [ ! -f "$tool" ] || [ ! -x "$tool" ]; then
	echo "Plugin Check is not installed here (set RONDINE_PLUGIN_CHECK or put the tool at ../shared/tools/plugin-check/run); not run"
	exit 3
fi

tmp="$( mktemp -d "${TMPDIR:-/tmp}/rondine-plugin-check-run.XXXXXX" )" || exit 1
trap 'rm -rf "$tmp"' EXIT

args=( --report "$report" )
target="$plugin"
if [ -f "$plugin/.distignore" ]; then
	# rsync reads the same patterns as .distignore (one per line, # comments, a leading / anchors to the plugin's root).
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$plugin/.distignore" > "$tmp/exclude" || true
	target="$tmp/rondine"
	if ! rsync -a --exclude-from="$tmp/exclude" "$plugin/" "$target/"; then
		echo "plugin-check: could not stage the plugin as it ships"
		exit 1
	fi
	echo "(checking a staging copy of plugin/ without what plugin/.distignore lists)"
else
	args+=( --ignore "$ignore" )
fi

"$tool" "$target" "${args[@]}" > "$tmp/output" 2>&1
status=$?
# The tool's own total line is replaced by ours, computed from it.
grep -v '^plugin-check: ' "$tmp/output" | sed "s#$tmp/rondine/#plugin/#g"
total="$( grep -E '^plugin-check: [0-9]+ errors, [0-9]+ warnings$' "$tmp/output" | tail -n 1 )"
if [ -z "$total" ]; then
	echo "plugin-check: could not run (exit status $status; see above)"
	exit 1
fi
errors="$( printf '%s' "$total" | sed -E 's/^plugin-check: ([0-9]+) errors.*/\1/' )"
warnings="$( printf '%s' "$total" | sed -E 's/.*, ([0-9]+) warnings$/\1/' )"
echo "plugin-check: $errors errors, $warnings warnings"
if grep -q ': could not run$' "$tmp/output"; then
	# A check that could not run counts as a failure, whatever the others found.
	exit 1
fi
[ "$errors" -eq 0 ] || exit 1
exit 0
