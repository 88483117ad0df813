#!/usr/bin/env bash
# `npm test`: every check of the project against the real stack, one summary line per suite, then the total.
#
#   build       npm run build per workspace
#   typecheck   npm run typecheck per workspace, and bench/ (strict TypeScript, checkJs for its .mjs)
#   lint        npm run lint per workspace that has one, php -l over every PHP file of plugin/ and dev/, and
#               WordPress.org's Plugin Check on the plugin (dev/plugin-check.sh; "not run" where the tool is missing),
#               and every string translated into Italian with current .mo and JSON files (dev/check-translations.sh),
#               and the contracts current: bridge-server/openapi.json and admin-app/src/store/bridge-api.ts
#   bridge      bridge-server's vitest suites, with a private PostgreSQL 15 (RONDINE_TEST_PG_URL)
#   widget      widget's vitest suites
#   admin-app   admin-app's jest suites
#   php         plugin/'s phpunit suites against the real WordPress of the test environment
#   e2e         Playwright in Debian's Chromium against the test environment (RONDINE_ENV_FILE)
#   shop        dev/tests: the demo shop as the stack made it (as `demo-shop`, first, before the suites that buy in it), then
#               the SQL generator against WooCommerce (last: it regenerates the shop)
#   security    only when named (`npm test -- security`): the security tests alone, for a reviewer: the bridge's
#               test/security on SQLite and PostgreSQL, plugin/tests/Security on the real WordPress, and the e2e tests
#               tagged @security in Chromium. They are also part of bridge, php and e2e, so a plain `npm test` runs them.
#
# The test environment, .rondine/test, is recreated on every run (MariaDB, WordPress, generated shop, bridge on free
# ports). A suite's failure does not stop the next one; the exit status is non-zero if anything failed. Skipped tests
# count as failures: the project has none on purpose. Each suite's full output is in .rondine/test/reports/<suite>.log.
#
# Usage: dev/test.sh [suite...]   (all suites when none is named)
set -uo pipefail
STACK_TAG=test
# shellcheck source=lib/stack.sh
source "$( dirname "${BASH_SOURCE[0]}" )/lib/stack.sh"
# shellcheck source=lib/build.sh
source "$RONDINE_ROOT/dev/lib/build.sh"

ENV_DIR="$RONDINE_ROOT/.rondine/test"
REPORTS="$ENV_DIR/reports"
ALL_SUITES=( build typecheck lint bridge widget admin-app php e2e shop )
if [ $# -gt 0 ]; then
	SUITES=( "$@" )
else
	SUITES=( "${ALL_SUITES[@]}" )
fi

suite_seconds=""
total_passed=0
total_failed=0
any_failed=0

wants() {
	local suite
	for suite in "${SUITES[@]}"; do
		[ "$suite" = "$1" ] && return 0
	done
	return 1
}

# report <suite> <passed> <failed> [skipped]: prints the suite's line; on failure, the end of its log on stderr.
report() {
	local suite="$1" passed="$2" failed="$3" skipped="${4:-0}"
	failed=$(( failed + skipped ))
	total_passed=$(( total_passed + passed ))
	total_failed=$(( total_failed + failed ))
	if [ "$failed" -gt 0 ] || [ $(( passed + failed )) -eq 0 ]; then
		any_failed=1
		local log="$REPORTS/$suite.log"
		if [ -s "$REPORTS/$suite.failed.log" ]; then
			log="$REPORTS/$suite.failed.log"
		fi
		if [ -s "$log" ]; then
			{
				printf -- '--- %s: last lines of %s\n' "$suite" "${log#"$RONDINE_ROOT"/}"
				tail -n 40 "$log"
				printf -- '---\n'
			} >&2
		fi
	fi
	# How long the suite's runner took (run_counted sets it), so the next engineer sees where the time goes.
	local took=""
	if [ -n "${suite_seconds:-}" ]; then
		took=" in ${suite_seconds} s"
		suite_seconds=""
	fi
	if [ "$skipped" -gt 0 ]; then
		printf '%s: %d passed, %d failed (%d of them skipped)%s\n' "$suite" "$passed" "$failed" "$skipped" "$took"
	else
		printf '%s: %d passed, %d failed%s\n' "$suite" "$passed" "$failed" "$took"
	fi
}

# run_counted <suite> <format> <report file> <command...>: runs a test runner and reports its counts.
run_counted() {
	local suite="$1" format="$2" file="$3"
	shift 3
	rm -f "$file"
	local began
	began=$( date +%s )
	( cd "$RONDINE_ROOT" && timeout 1200 "$@" ) >> "$REPORTS/$suite.log" 2>&1
	local status=$?
	suite_seconds=$(( $( date +%s ) - began ))
	local passed failed skipped
	read -r passed failed skipped < <( node "$RONDINE_ROOT/dev/lib/count-results.mjs" "$format" "$file" )
	# A runner that exits non-zero with nothing failed in its report (a crash after the report, a coverage or
	# type error) still fails the suite.
	if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	report "$suite" "$passed" "$failed" "$skipped"
}

# step <suite> <label> <command...>: one checked step of a suite, its output in the suite's log; a failing step's output
# also goes to <suite>.failed.log, which is what gets shown.
step() {
	local suite="$1" label="$2"
	shift 2
	local output status
	output="$( cd "$RONDINE_ROOT" && "$@" 2>&1 )"
	status=$?
	printf '### %s\n%s\n' "$label" "$output" >> "$REPORTS/$suite.log"
	if [ "$status" -ne 0 ]; then
		printf '### %s\n%s\n' "$label" "$output" >> "$REPORTS/$suite.failed.log"
	fi
	return "$status"
}

workspace_has_script() {
	node -e 'process.exit(require(process.argv[1]).scripts?.[process.argv[2]] ? 0 : 1)' \
		"$RONDINE_ROOT/$1/package.json" "$2" 2> /dev/null
}

cleanup() {
	shop_down "$ENV_DIR/fresh" 2> /dev/null || true
	shop_down "$ENV_DIR" 2> /dev/null || true
	bash "$RONDINE_ROOT/dev/postgres.sh" remove "$ENV_DIR/pg" > /dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preparation -------------------------------------------------------------------------------------------------------

# One `npm test` at a time per checkout: a second one would remove the first one's environment.
mkdir -p "$RONDINE_ROOT/.rondine"
exec 9> "$RONDINE_ROOT/.rondine/test.lock"
if ! flock -n 9; then
	stack_log "another npm test is running in this checkout; waiting for it to finish"
	flock 9
fi

started=$( date +%s )
bash "$RONDINE_ROOT/dev/setup-system.sh" || exit 1
npm_dependencies

# A fresh test environment: stop what an interrupted run left, then start from nothing.
if [ -d "$ENV_DIR" ]; then
	shop_down "$ENV_DIR" 2> /dev/null || true
	bash "$RONDINE_ROOT/dev/postgres.sh" remove "$ENV_DIR/pg" > /dev/null 2>&1 || true
	rm -rf "$ENV_DIR"
fi
mkdir -p "$REPORTS"

# --- build -------------------------------------------------------------------------------------------------------------

if wants build || wants e2e || wants security; then
	passed=0 failed=0
	for workspace in "${BUILD_WORKSPACES[@]}"; do
		if build_workspace "$workspace" 2>> "$REPORTS/build.log"; then
			passed=$(( passed + 1 ))
		else
			failed=$(( failed + 1 ))
			cat "$BUILD_STATE/$workspace.log" >> "$REPORTS/build.failed.log"
		fi
		cat "$BUILD_STATE/$workspace.log" >> "$REPORTS/build.log"
	done
	report build "$passed" "$failed"
fi

# --- static checks -----------------------------------------------------------------------------------------------------

if wants typecheck; then
	passed=0 failed=0
	for workspace in bridge-server admin-app widget e2e; do
		if workspace_has_script "$workspace" typecheck; then
			if step typecheck "$workspace" npm run typecheck -w "$workspace"; then
				passed=$(( passed + 1 ))
			else
				failed=$(( failed + 1 ))
			fi
		else
			echo "$workspace has no typecheck script" >> "$REPORTS/typecheck.failed.log"
			failed=$(( failed + 1 ))
		fi
	done
	# The benchmarks: their TypeScript strictly, their JavaScript with checkJs (bench/tsconfig*.json).
	if step typecheck bench npx tsc -p bench/tsconfig.json && step typecheck bench-js npx tsc -p bench/tsconfig.mjs.json; then
		passed=$(( passed + 1 ))
	else
		failed=$(( failed + 1 ))
	fi
	report typecheck "$passed" "$failed"
fi

if wants lint; then
	passed=0 failed=0
	for workspace in bridge-server admin-app widget e2e; do
		if workspace_has_script "$workspace" lint; then
			if step lint "$workspace" npm run lint -w "$workspace"; then
				passed=$(( passed + 1 ))
			else
				failed=$(( failed + 1 ))
			fi
		fi
	done
	while IFS= read -r -d '' file; do
		if step lint "php -l ${file#"$RONDINE_ROOT"/}" php -l "$file"; then
			passed=$(( passed + 1 ))
		else
			failed=$(( failed + 1 ))
		fi
	done < <( find "$RONDINE_ROOT/plugin" "$RONDINE_ROOT/dev" \( -name node_modules -o -name vendor -o -name build \) -prune \
		-o -name '*.php' -type f -print0 )
	# WordPress.org's Plugin Check on the plugin as it ships: errors fail the step; where the tool is not installed
	# (exit 3) the suite says so and counts the step neither passed nor failed.
	output="$( cd "$RONDINE_ROOT" && bash "$RONDINE_ROOT/dev/plugin-check.sh" 2>&1 )"
	status=$?
	printf '### plugin-check\n%s\n' "$output" >> "$REPORTS/lint.log"
	case "$status" in
		0) passed=$(( passed + 1 )) ;;
		3) echo "lint: Plugin Check not run (the tool is not installed here)" ;;
		*)
			printf '### plugin-check\n%s\n' "$output" >> "$REPORTS/lint.failed.log"
			failed=$(( failed + 1 ))
			;;
	esac
	if step lint "translations" bash "$RONDINE_ROOT/dev/check-translations.sh"; then
		passed=$(( passed + 1 ))
	else
		failed=$(( failed + 1 ))
	fi
	# The contracts (docs/ARCHITECTURE.md "Contracts"): bridge-server/openapi.json is what the bridge's route schemas
	# generate, and admin-app/src/store/bridge-api.ts is what openapi-typescript makes of that document.
	if step lint "openapi.json current" bash -c 'cd bridge-server && npx vitest run test/api/contract.test.ts'; then
		passed=$(( passed + 1 ))
	else
		failed=$(( failed + 1 ))
	fi
	if step lint "admin-app API types current" node admin-app/bin/api-types.mjs --check; then
		passed=$(( passed + 1 ))
	else
		failed=$(( failed + 1 ))
	fi
	report lint "$passed" "$failed"
fi

# --- unit and integration suites ---------------------------------------------------------------------------------------

# run_bridge <suite> [vitest args...]: vitest in bridge-server with a private PostgreSQL.
run_bridge() {
	local suite="$1"
	shift
	local pg_url
	pg_url="$( bash "$RONDINE_ROOT/dev/postgres.sh" start "$ENV_DIR/pg" "$( free_port )" 2>> "$REPORTS/$suite.log" )"
	if [ -z "$pg_url" ]; then
		echo "PostgreSQL did not start" >> "$REPORTS/$suite.log"
		report "$suite" 0 1
	else
		RONDINE_TEST_PG_URL="$pg_url" run_counted "$suite" vitest "$REPORTS/$suite.json" \
			npm test -w bridge-server -- "$@" --reporter=default --reporter=json --outputFile.json="$REPORTS/$suite.json"
	fi
	bash "$RONDINE_ROOT/dev/postgres.sh" remove "$ENV_DIR/pg" > /dev/null 2>&1
}

if wants bridge; then
	run_bridge bridge
fi

if wants security; then
	run_bridge security-bridge test/security
fi

if wants widget; then
	run_counted widget vitest "$REPORTS/widget.json" \
		npm test -w widget -- --reporter=default --reporter=json --outputFile.json="$REPORTS/widget.json"
fi

if wants admin-app; then
	run_counted admin-app jest "$REPORTS/admin-app.json" \
		npm test -w admin-app -- --ci --json --outputFile="$REPORTS/admin-app.json"
fi

# --- the real stack: PHP and end-to-end --------------------------------------------------------------------------------

stack_ready=0
if wants php || wants e2e || wants shop || wants security; then
	if ( shop_up "$ENV_DIR" "$( free_port )" "$( free_port )" ) >> "$REPORTS/stack.log" 2>&1; then
		stack_ready=1
	else
		report stack 0 1
		cat "$REPORTS/stack.log" >&2
	fi
fi

# The demo shop exactly as the stack made it (through WooCommerce's API), before the other suites buy and refund in it.
if wants shop; then
	if [ "$stack_ready" -eq 1 ]; then
		RONDINE_WP_DIR="$ENV_DIR/wordpress" run_counted demo-shop junit "$REPORTS/demo-shop.xml" \
			phpunit -c dev/tests/phpunit.xml.dist --testsuite demo --log-junit "$REPORTS/demo-shop.xml"
	else
		report demo-shop 0 1
	fi
fi

if wants php; then
	if [ "$stack_ready" -eq 1 ]; then
		RONDINE_WP_DIR="$ENV_DIR/wordpress" RONDINE_ENV_FILE="$ENV_DIR/env.json" \
			run_counted php junit "$REPORTS/php.xml" \
			phpunit -c plugin/phpunit.xml.dist --log-junit "$REPORTS/php.xml"
	else
		report php 0 1
	fi
fi

# release_stack: what e2e/tests/release.spec.ts installs and connects, written to $ENV_DIR/release.json: the release
# zip (dev/plugin-zip.sh, as `npm run plugin-zip` builds it), a fresh WordPress with WooCommerce and without the plugin
# ($ENV_DIR/fresh, dev/lib/stack.sh's fresh_up) and a connection code from the test bridge's CLI (a new tenant).
release_stack() {
	bash "$RONDINE_ROOT/dev/plugin-zip.sh" --out "$ENV_DIR/dist" || return 1
	fresh_up "$ENV_DIR/fresh" "$( free_port )" || return 1
	local bridge_url output code zip
	bridge_url="$( node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).bridgeUrl||"")' "$ENV_DIR/env.json" )"
	[ -n "$bridge_url" ] || { echo "the test stack has no bridge" >&2; return 1; }
	output="$( bridge_cli "$ENV_DIR" "${bridge_url##*:}" tenant add "Negozio nuovo" --json )" || return 1
	code="$( printf '%s' "$output" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).connection_code??"")}catch{console.log("")}})' )"
	[ -n "$code" ] || { echo "the bridge CLI printed no connection code: $output" >&2; return 1; }
	zip="$( ls "$ENV_DIR"/dist/rondine-*.zip | head -n 1 )"
	ZIP="$zip" FRESH="$ENV_DIR/fresh/env.json" CODE="$code" BRIDGE="$bridge_url" node -e '
		const e = process.env;
		require( "fs" ).writeFileSync( process.argv[1], JSON.stringify( { zip: e.ZIP, env: e.FRESH, connectionCode: e.CODE, bridgeUrl: e.BRIDGE }, null, "\t" ) + "\n", { mode: 0o600 } );
	' "$ENV_DIR/release.json"
}

if wants e2e; then
	if [ "$stack_ready" -eq 1 ]; then
		# Without it release.spec.ts fails saying so (it never skips).
		( release_stack ) >> "$REPORTS/release-stack.log" 2>&1 || echo "release stack: failed, see $REPORTS/release-stack.log" >&2
		RONDINE_ENV_FILE="$ENV_DIR/env.json" RONDINE_RELEASE_FILE="$ENV_DIR/release.json" PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json" \
			run_counted e2e playwright "$REPORTS/e2e.json" npm test -w e2e
	else
		report e2e 0 1
	fi
fi

if wants security; then
	if [ "$stack_ready" -eq 1 ]; then
		RONDINE_WP_DIR="$ENV_DIR/wordpress" RONDINE_ENV_FILE="$ENV_DIR/env.json" \
			run_counted security-php junit "$REPORTS/security-php.xml" \
			phpunit -c plugin/phpunit.xml.dist --log-junit "$REPORTS/security-php.xml" plugin/tests/Security
		RONDINE_ENV_FILE="$ENV_DIR/env.json" PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/security-e2e.json" \
			run_counted security-e2e playwright "$REPORTS/security-e2e.json" npm test -w e2e -- --grep @security
	else
		report security-php 0 1
		report security-e2e 0 1
	fi
fi

if wants shop; then
	if [ "$stack_ready" -eq 1 ]; then
		RONDINE_WP_DIR="$ENV_DIR/wordpress" run_counted shop junit "$REPORTS/shop.xml" \
			phpunit -c dev/tests/phpunit.xml.dist --testsuite generator --log-junit "$REPORTS/shop.xml"
	else
		report shop 0 1
	fi
fi

cleanup
trap - EXIT
printf 'in %d s\n' $(( $( date +%s ) - started )) >> "$REPORTS/summary.log"
printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
exit "$any_failed"
