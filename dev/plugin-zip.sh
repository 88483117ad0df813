#!/usr/bin/env bash
# `npm run plugin-zip`: the plugin as WordPress.org would ship it, dist/rondine-<version>.zip (one folder `rondine/`).
#
# Builds the admin app and the chat button when their sources changed, then stages plugin/ without what
# plugin/.distignore lists (tests, bin, dev files: gitignore-like patterns, as `wp dist-archive` reads them) and zips the
# staging copy. Refuses to build a release whose readme.txt "Stable tag" differs from the plugin header's Version, or
# whose built apps or translations are missing.
#
# Usage: dev/plugin-zip.sh [--out <dir>] [--stage-only <dir>]   (--stage-only writes the staging copy and stops)
set -euo pipefail
# shellcheck source=lib/stack.sh
source "$( dirname "${BASH_SOURCE[0]}" )/lib/stack.sh"
# shellcheck source=lib/build.sh
source "$RONDINE_ROOT/dev/lib/build.sh"

out="$RONDINE_ROOT/dist"
stage_only=""
while [ $# -gt 0 ]; do
	case "$1" in
		--out) out="$2"; shift 2 ;;
		--stage-only) stage_only="$2"; shift 2 ;;
		*) echo "usage: dev/plugin-zip.sh [--out <dir>] [--stage-only <dir>]" >&2; exit 2 ;;
	esac
done

plugin="$RONDINE_ROOT/plugin"
[ -f "$plugin/.distignore" ] || stack_die "plugin/.distignore is missing: it says what does not ship"
version="$( sed -n 's/^ \* Version: *\([^ ]*\)$/\1/p' "$plugin/rondine.php" | head -n 1 )"
stable="$( sed -n 's/^Stable tag: *\([^ ]*\)$/\1/p' "$plugin/readme.txt" | head -n 1 )"
[ -n "$version" ] || stack_die "no Version in plugin/rondine.php's header"
[ "$version" = "$stable" ] || stack_die "readme.txt's Stable tag ($stable) is not the plugin's Version ($version)"

if [ -z "$stage_only" ]; then
	npm_dependencies
	for workspace in widget admin-app; do
		if workspace_changed "$workspace"; then
			build_workspace "$workspace" || stack_die_log "building $workspace failed" "$BUILD_STATE/$workspace.log"
		fi
	done
fi
for required in build/admin/index.js build/widget languages/rondine-it_IT.mo; do
	[ -e "$plugin/$required" ] || stack_die "plugin/$required is missing: build the workspaces first (npm run build)"
done

tmp="$( mktemp -d "${TMPDIR:-/tmp}/rondine-zip.XXXXXX" )"
trap 'rm -rf "$tmp"' EXIT
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$plugin/.distignore" > "$tmp/exclude" || true
stage="${stage_only:-$tmp/rondine}"
mkdir -p "$stage"
rsync -a --delete --exclude-from="$tmp/exclude" "$plugin/" "$stage/"
if [ -n "$stage_only" ]; then
	echo "$stage"
	exit 0
fi

mkdir -p "$out"
zip_file="$out/rondine-$version.zip"
rm -f "$zip_file"
# Sorted names and a fixed time, so the same sources give the same archive.
( cd "$tmp" && find rondine -print0 | sort -z | xargs -0 touch -h -d '2026-01-01 00:00:00 UTC' \
	&& find rondine -print | sort | zip -q -X -@ "$zip_file" )
echo "$zip_file ($( du -h "$zip_file" | cut -f1 ), $( find "$tmp/rondine" -type f | wc -l ) files)"
