# shellcheck shell=bash
# npm dependencies and workspace builds, done only when needed. Sourced after dev/lib/stack.sh.

BUILD_STATE="$RONDINE_ROOT/.rondine/cache/build"
# Workspaces with a build, in the order they are built.
BUILD_WORKSPACES=( bridge-server widget admin-app )

lock_digest() {
	sha256sum "$RONDINE_ROOT/package-lock.json" | cut -d' ' -f1
}

# `npm ci` when node_modules is missing (a fresh clone). When node_modules exists but package-lock.json changed since
# the last install, `npm install` brings it in line without first deleting node_modules as `npm ci` would.
npm_dependencies() {
	mkdir -p "$BUILD_STATE"
	local stamp="$BUILD_STATE/package-lock.sha256"
	if [ ! -d "$RONDINE_ROOT/node_modules" ]; then
		stack_log "installing npm dependencies (npm ci; compiling better-sqlite3 takes about a minute)"
		( cd "$RONDINE_ROOT" && npm ci --prefer-offline --no-audit --no-fund ) > "$BUILD_STATE/npm.log" 2>&1 \
			|| stack_die_log "npm ci failed" "$BUILD_STATE/npm.log"
		lock_digest > "$stamp"
	elif [ ! -f "$stamp" ]; then
		lock_digest > "$stamp"
	elif [ "$( cat "$stamp" )" != "$( lock_digest )" ]; then
		stack_log "package-lock.json changed: npm install"
		( cd "$RONDINE_ROOT" && npm install --no-audit --no-fund ) > "$BUILD_STATE/npm.log" 2>&1 \
			|| stack_die_log "npm install failed" "$BUILD_STATE/npm.log"
		lock_digest > "$stamp"
	fi
}

# True when a file of the workspace (sources, configs; not node_modules or build output) is newer than its last build.
workspace_changed() {
	local workspace="$1"
	local stamp="$BUILD_STATE/$workspace.stamp"
	[ -f "$stamp" ] || return 0
	[ -n "$( find "$RONDINE_ROOT/$workspace" \( -name node_modules -o -name dist -o -name build \) -prune \
		-o -type f -newer "$stamp" -print -quit )" ] && return 0
	[ "$RONDINE_ROOT/package-lock.json" -nt "$stamp" ] && return 0
	return 1
}

build_workspace() {
	local workspace="$1"
	mkdir -p "$BUILD_STATE"
	local started
	started="$( date +%s )"
	# The stamp takes the time the build started, so an edit made during the build triggers the next one.
	touch "$BUILD_STATE/$workspace.building"
	if ! ( cd "$RONDINE_ROOT" && npm run build -w "$workspace" ) > "$BUILD_STATE/$workspace.log" 2>&1; then
		rm -f "$BUILD_STATE/$workspace.building"
		return 1
	fi
	mv "$BUILD_STATE/$workspace.building" "$BUILD_STATE/$workspace.stamp"
	stack_log "built $workspace in $(( $( date +%s ) - started )) s"
}

# Builds the workspaces whose files changed since their last build; a failed build stops everything.
build_changed_workspaces() {
	local workspace
	for workspace in "${BUILD_WORKSPACES[@]}"; do
		if [ -f "$RONDINE_ROOT/$workspace/package.json" ] && workspace_changed "$workspace"; then
			build_workspace "$workspace" || stack_die_log "building $workspace failed" "$BUILD_STATE/$workspace.log"
		fi
	done
}
