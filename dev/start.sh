#!/usr/bin/env bash
# `npm start`: the whole Rondine stack on this machine, in the foreground, until Ctrl-C.
#
# Installs what is missing (Debian packages, WordPress 6.8, npm dependencies), builds what changed, brings up the
# `.rondine/dev` environment (MariaDB, WordPress on http://127.0.0.1:8080 with the real WooCommerce, the plugin and the demo shop, the
# bridge with its WhatsApp emulator on http://127.0.0.1:8090, the plugin connected to it) and prints how to log in.
# The first run sets everything up; later runs reuse it.
#
# Environment: RONDINE_WP_PORT (8080), RONDINE_BRIDGE_PORT (8090), RONDINE_SHOP_CUSTOMERS (200, with 3 orders each; first run only),
# RONDINE_SHOP_SEED (1, first run only).
set -euo pipefail
STACK_TAG=start
# shellcheck source=lib/stack.sh
source "$( dirname "${BASH_SOURCE[0]}" )/lib/stack.sh"
# shellcheck source=lib/build.sh
source "$RONDINE_ROOT/dev/lib/build.sh"

ENV_DIR="$RONDINE_ROOT/.rondine/dev"
WP_PORT="${RONDINE_WP_PORT:-8080}"
BRIDGE_PORT="${RONDINE_BRIDGE_PORT:-8090}"
started_at=$( date +%s.%N )

# Fail before the long steps if a port is taken (leftovers of an earlier start of this environment are stopped first).
stop_group "$ENV_DIR" php
stop_group "$ENV_DIR" bridge
for port in "$WP_PORT" "$BRIDGE_PORT"; do
	if port_in_use "$port"; then
		stack_die "port $port is already in use by another program; stop it, or choose other ports with RONDINE_WP_PORT and RONDINE_BRIDGE_PORT"
	fi
done

bash "$RONDINE_ROOT/dev/setup-system.sh"
npm_dependencies
build_changed_workspaces
built_at=$( date +%s.%N )

stopping=0
stop_everything() {
	if [ "$stopping" -eq 1 ]; then
		return
	fi
	stopping=1
	stack_log "stopping"
	shop_down "$ENV_DIR"
}
trap 'stop_everything; exit 130' INT
trap 'stop_everything; exit 143' TERM
trap 'stop_everything' EXIT

export SHOP_CUSTOMERS="${RONDINE_SHOP_CUSTOMERS:-200}"
export SHOP_SEED="${RONDINE_SHOP_SEED:-1}"
shop_up "$ENV_DIR" "$WP_PORT" "$BRIDGE_PORT"

seconds_between() {
	node -e 'console.log((Number(process.argv[2])-Number(process.argv[1])).toFixed(1))' "$1" "$2"
}
ready_at=$( date +%s.%N )
elapsed="$( seconds_between "$started_at" "$ready_at" ) s: setup and builds $( seconds_between "$started_at" "$built_at" ) s, stack $( seconds_between "$built_at" "$ready_at" ) s"
env_value() {
	node -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))[process.argv[2]];console.log(v===null?"":v)' \
		"$ENV_DIR/env.json" "$1"
}

cat <<- EOF

	  Rondine is running (ready in ${elapsed}).

	  Shop          $( env_value wpUrl )/
	  wp-admin      $( env_value rondineUrl )
	  Login         $( env_value adminUser ) / $( env_value adminPassword )
	  Bridge        $( env_value bridgeUrl )   (WhatsApp emulator under /sandbox)
	  Emulator      control API token in $( env_value sandboxControlTokenFile ) (Authorization: Bearer <token>)
	  Other users   manager (shop manager), editor, customer: passwords in .rondine/dev/env.json
	  Logs          .rondine/dev/logs/

	  Press Ctrl-C to stop.

EOF

# Stay in the foreground while every service lives; if one dies, say which and stop the rest.
while true; do
	for name in mariadb php bridge; do
		if [ -f "$ENV_DIR/pids/$name.pid" ] && ! group_alive "$ENV_DIR" "$name"; then
			stack_log "$name stopped unexpectedly; see $ENV_DIR/logs/$name.log"
			exit 1
		fi
	done
	sleep 1 &
	wait $! || true
done
