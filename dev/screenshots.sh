#!/usr/bin/env bash
# `npm run screenshots`: docs/screenshots/<screen>.<en|it>.png, every screen of the admin app in English and in
# Italian (1280x800, PNG), taken in Debian's Chromium by e2e/screenshots/screens.spec.ts.
#
# It builds the plugin and starts a private test stack in .rondine/screenshots (the generated demo shop, the bridge
# and its emulator, on free ports), takes the pictures, then stops and removes the stack. With RONDINE_ENV_FILE set
# (for example to .rondine/dev/env.json while `npm start` runs) it uses that running stack instead.
#
# Usage: dev/screenshots.sh [playwright arguments...]
set -uo pipefail
STACK_TAG=screenshots
# shellcheck source=lib/stack.sh
source "$( dirname "${BASH_SOURCE[0]}" )/lib/stack.sh"
# shellcheck source=lib/build.sh
source "$RONDINE_ROOT/dev/lib/build.sh"

ENV_DIR="$RONDINE_ROOT/.rondine/screenshots"

if [ -z "${RONDINE_ENV_FILE:-}" ]; then
	bash "$RONDINE_ROOT/dev/setup-system.sh" || exit 1
	npm_dependencies
	for workspace in "${BUILD_WORKSPACES[@]}"; do
		build_workspace "$workspace" || stack_die "building $workspace failed: see $BUILD_STATE/$workspace.log"
	done
	cleanup() {
		shop_down "$ENV_DIR" 2> /dev/null || true
		bash "$RONDINE_ROOT/dev/postgres.sh" remove "$ENV_DIR/pg" > /dev/null 2>&1 || true
		rm -rf "$ENV_DIR"
	}
	cleanup
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir -p "$ENV_DIR"
	stack_log "starting a test stack in $ENV_DIR"
	if ! ( shop_up "$ENV_DIR" "$( free_port )" "$( free_port )" ) > "$ENV_DIR.log" 2>&1; then
		cat "$ENV_DIR.log" >&2
		stack_die "the test stack did not start"
	fi
	export RONDINE_ENV_FILE="$ENV_DIR/env.json"
fi

mkdir -p "$RONDINE_ROOT/docs/screenshots"
( cd "$RONDINE_ROOT/e2e" && npx playwright test --config playwright.screenshots.config.ts "$@" )
