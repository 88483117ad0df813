# shellcheck shell=bash
# The local stack, as bash functions shared by dev/start.sh, dev/test.sh and dev/shop.sh.
#
# An environment is a folder (.rondine/dev, .rondine/test, ...) holding everything one running shop needs:
#   mysql/ mysql.sock   private MariaDB (--skip-networking, socket only)
#   wordpress/          WordPress core copied from .rondine/cache/wordpress, wp-config.php, plugins/rondine -> plugin/
#   bridge/             the bridge's data folder
#   logs/               one log per process
#   pids/               one pid file per process; each process leads its own process group
#   env.json            what runs where (read by the e2e tests and by people)
#
# Every long-running process is started with setsid, so it leads a process group, and is stopped by signalling the
# whole group: `php -S` with PHP_CLI_SERVER_WORKERS forks workers that outlive a parent killed alone.

RONDINE_ROOT="${RONDINE_ROOT:-$( cd "$( dirname "${BASH_SOURCE[0]}" )/../.." && pwd )}"
RONDINE_CACHE="$RONDINE_ROOT/.rondine/cache"

stack_log() { printf '[%s] %s\n' "${STACK_TAG:-rondine}" "$*" >&2; }
stack_die() {
	printf '[%s] error: %s\n' "${STACK_TAG:-rondine}" "$*" >&2
	exit 1
}

# stack_die_log <message> <log files...>: fails with the end of the logs that say why.
stack_die_log() {
	local message="$1" log
	shift
	for log in "$@"; do
		if [ -s "$log" ]; then
			printf -- '--- last lines of %s\n' "$log" >&2
			tail -n 15 "$log" >&2
		fi
	done
	stack_die "$message"
}

# --- small utilities -------------------------------------------------------------------------------------------------

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_in_use() {
	( exec 3<> "/dev/tcp/127.0.0.1/$1" ) 2> /dev/null
}

# Prints a port that is free right now (the kernel picks it).
free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# wait_for <seconds> <what, for the reader> <command...>: polls the command every 100 ms.
wait_for() {
	local seconds="$1"
	shift 2
	local tries=$(( seconds * 10 ))
	while ! "$@" > /dev/null 2>&1; do
		tries=$(( tries - 1 ))
		if [ "$tries" -le 0 ]; then
			return 1
		fi
		sleep 0.1
	done
}

random_secret() {
	# 24 random bytes, base64url: safe in PHP strings, URLs and JSON.
	head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

# start_group <env> <name> <command...>: runs the command as the leader of a new process group, logs to
# <env>/logs/<name>.log, records the pid (= process group id) in <env>/pids/<name>.pid.
start_group() {
	local env="$1" name="$2"
	shift 2
	mkdir -p "$env/logs" "$env/pids"
	# fd 9 is dev/test.sh's lock: services must not keep it.
	setsid "$@" >> "$env/logs/$name.log" 2>&1 < /dev/null 9>&- &
	echo "$!" > "$env/pids/$name.pid"
}

group_alive() {
	local pid
	pid="$( cat "$1/pids/$2.pid" 2> /dev/null )" || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2> /dev/null
}

# stop_group <env> <name>: TERM to the whole group, KILL after 5 s.
stop_group() {
	local env="$1" name="$2" pid tries
	pid="$( cat "$env/pids/$name.pid" 2> /dev/null )" || return 0
	if [ -n "$pid" ] && kill -0 -- "-$pid" 2> /dev/null; then
		kill -TERM -- "-$pid" 2> /dev/null || true
		tries=50
		while kill -0 -- "-$pid" 2> /dev/null && [ "$tries" -gt 0 ]; do
			sleep 0.1
			tries=$(( tries - 1 ))
		done
		kill -KILL -- "-$pid" 2> /dev/null || true
	fi
	rm -f "$env/pids/$name.pid"
}

# Stops every process group recorded in <env>/pids, newest services first.
stack_stop_all() {
	local env="$1" name
	for name in bridge php mariadb; do
		stop_group "$env" "$name"
	done
	if [ -d "$env/pids" ]; then
		for name in "$env"/pids/*.pid; do
			[ -e "$name" ] || continue
			name="$( basename "$name" .pid )"
			stop_group "$env" "$name"
		done
	fi
}

# --- MariaDB -----------------------------------------------------------------------------------------------------------

# Unix socket paths are limited to 107 bytes; a deep checkout gets its socket under /tmp instead.
mariadb_socket() {
	local env="$1"
	local sock="$env/mysql.sock"
	if [ "${#sock}" -gt 100 ]; then
		sock="/tmp/rondine-$( printf '%s' "$env" | md5sum | cut -c1-12 ).sock"
	fi
	printf '%s' "$sock"
}

mariadb_client() {
	local env="$1"
	shift
	mariadb --no-defaults --socket="$( mariadb_socket "$env" )" --user=root "$@"
}

# mariadb_start <env> [buffer pool size]: creates the data directory on first use, starts mariadbd, creates the
# database `wordpress` and the user `wordpress` (password in <env>/db-password) when missing.
mariadb_start() {
	local env="$1" pool="${2:-256M}"
	local data="$env/mysql" sock
	sock="$( mariadb_socket "$env" )"
	mkdir -p "$env/logs" "$env/tmp"
	if [ ! -d "$data/mysql" ]; then
		stack_log "creating the MariaDB data directory"
		mariadb-install-db --no-defaults --datadir="$data" --user=root --auth-root-authentication-method=socket \
			--skip-test-db > "$env/logs/mariadb-install.log" 2>&1 \
			|| stack_die_log "mariadb-install-db failed" "$env/logs/mariadb-install.log"
	fi
	if group_alive "$env" mariadb && mariadb_client "$env" -e 'SELECT 1' > /dev/null 2>&1; then
		return
	fi
	rm -f "$sock"
	# Durability is traded for speed (flush the log once a second): this is a development and test database.
	start_group "$env" mariadb mariadbd --no-defaults --user=root --datadir="$data" --socket="$sock" \
		--skip-networking --pid-file="$env/mysql.pid" --tmpdir="$env/tmp" --log-error="$env/logs/mariadb.log" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --skip-log-bin \
		--innodb-buffer-pool-size="$pool" --innodb-flush-log-at-trx-commit=2 --innodb-log-file-size=256M \
		--max-allowed-packet=64M
	wait_for 30 MariaDB mariadb_client "$env" -e 'SELECT 1' \
		|| stack_die_log "MariaDB did not start" "$env/logs/mariadb.log"

	if [ ! -f "$env/db-password" ]; then
		random_secret > "$env/db-password"
	fi
	local password
	password="$( cat "$env/db-password" )"
	mariadb_client "$env" <<- SQL
		CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY '$password';
		GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
	SQL
}

# --- WooCommerce -------------------------------------------------------------------------------------------------------

# The released WooCommerce the stack runs, and the SHA-256 of wordpress.org's woocommerce.<version>.zip.
WOOCOMMERCE_VERSION="10.0.2"
WOOCOMMERCE_SHA256="62b445b8e1f4e86c890db38d6da358854c1058374b88578dc9f3734a29d31df8"
WOOCOMMERCE_URL="https://downloads.wordpress.org/plugin/woocommerce.$WOOCOMMERCE_VERSION.zip"
WOOCOMMERCE_CACHE="$RONDINE_CACHE/woocommerce-$WOOCOMMERCE_VERSION"

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

# woocommerce_zip: prints the path of a verified woocommerce.<version>.zip: $RONDINE_WOOCOMMERCE_ZIP, else
# ../shared/woocommerce/ beside the clone, else one downloaded earlier into .rondine/cache, else the wordpress.org
# download (when this machine reaches it). Fails saying the three ways when none works.
woocommerce_zip() {
	local zip
	if [ -n "${RONDINE_WOOCOMMERCE_ZIP:-}" ]; then
		[ -f "$RONDINE_WOOCOMMERCE_ZIP" ] || stack_die "RONDINE_WOOCOMMERCE_ZIP=$RONDINE_WOOCOMMERCE_ZIP: no such file"
		[ "$( sha256_of "$RONDINE_WOOCOMMERCE_ZIP" )" = "$WOOCOMMERCE_SHA256" ] \
			|| stack_die "RONDINE_WOOCOMMERCE_ZIP=$RONDINE_WOOCOMMERCE_ZIP is not WooCommerce $WOOCOMMERCE_VERSION (its SHA-256 is not $WOOCOMMERCE_SHA256)"
		printf '%s' "$RONDINE_WOOCOMMERCE_ZIP"
		return
	fi
	zip="$( dirname "$RONDINE_ROOT" )/shared/woocommerce/woocommerce.$WOOCOMMERCE_VERSION.zip"
	if [ -f "$zip" ]; then
		[ "$( sha256_of "$zip" )" = "$WOOCOMMERCE_SHA256" ] \
			|| stack_die "$zip is not WooCommerce $WOOCOMMERCE_VERSION (its SHA-256 is not $WOOCOMMERCE_SHA256)"
		printf '%s' "$zip"
		return
	fi
	zip="$RONDINE_CACHE/woocommerce.$WOOCOMMERCE_VERSION.zip"
	if [ -f "$zip" ] && [ "$( sha256_of "$zip" )" = "$WOOCOMMERCE_SHA256" ]; then
		printf '%s' "$zip"
		return
	fi
	mkdir -p "$RONDINE_CACHE"
	stack_log "downloading WooCommerce $WOOCOMMERCE_VERSION from $WOOCOMMERCE_URL"
	if curl -fsSL --connect-timeout 10 --max-time 300 -o "$zip.part" "$WOOCOMMERCE_URL" 2> /dev/null \
		&& [ "$( sha256_of "$zip.part" )" = "$WOOCOMMERCE_SHA256" ]; then
		mv "$zip.part" "$zip"
		printf '%s' "$zip"
		return
	fi
	rm -f "$zip.part"
	stack_die "WooCommerce $WOOCOMMERCE_VERSION is not available. Give it one of three ways:
  1. RONDINE_WOOCOMMERCE_ZIP=/path/to/woocommerce.$WOOCOMMERCE_VERSION.zip (the wordpress.org release zip),
  2. put it at $( dirname "$RONDINE_ROOT" )/shared/woocommerce/woocommerce.$WOOCOMMERCE_VERSION.zip (beside the clone),
  3. or run with internet access: it is downloaded from $WOOCOMMERCE_URL into .rondine/cache/.
  Its SHA-256 must be $WOOCOMMERCE_SHA256."
}

# woocommerce_unpacked: unzips WooCommerce once into .rondine/cache/woocommerce-<version>/woocommerce.
woocommerce_unpacked() {
	if [ -f "$WOOCOMMERCE_CACHE/.rondine-sha256" ] && [ "$( cat "$WOOCOMMERCE_CACHE/.rondine-sha256" )" = "$WOOCOMMERCE_SHA256" ] \
		&& [ -f "$WOOCOMMERCE_CACHE/woocommerce/woocommerce.php" ]; then
		return
	fi
	local zip
	zip="$( woocommerce_zip )" || exit 1
	stack_log "unpacking WooCommerce $WOOCOMMERCE_VERSION into ${WOOCOMMERCE_CACHE#"$RONDINE_ROOT"/}"
	rm -rf "$WOOCOMMERCE_CACHE" "$WOOCOMMERCE_CACHE.tmp"
	mkdir -p "$WOOCOMMERCE_CACHE.tmp"
	unzip -q "$zip" -d "$WOOCOMMERCE_CACHE.tmp" || stack_die "cannot unzip $zip"
	[ -f "$WOOCOMMERCE_CACHE.tmp/woocommerce/woocommerce.php" ] || stack_die "$zip has no woocommerce/woocommerce.php"
	printf '%s' "$WOOCOMMERCE_SHA256" > "$WOOCOMMERCE_CACHE.tmp/.rondine-sha256"
	mv "$WOOCOMMERCE_CACHE.tmp" "$WOOCOMMERCE_CACHE"
}

# woocommerce_copy <wordpress dir>: WooCommerce into wp-content/plugins/woocommerce (hard links to the cache where the
# file system allows, a copy otherwise; WooCommerce's files are never written at run time), replaced when the cache holds
# another release.
woocommerce_copy() {
	local wp="$1"
	local target="$wp/wp-content/plugins/woocommerce"
	woocommerce_unpacked
	if [ -f "$target/.rondine-sha256" ] && [ "$( cat "$target/.rondine-sha256" )" = "$WOOCOMMERCE_SHA256" ]; then
		return
	fi
	rm -rf "$target" "$target.tmp"
	cp -al "$WOOCOMMERCE_CACHE/woocommerce" "$target.tmp" 2> /dev/null || {
		rm -rf "$target.tmp"
		cp -a "$WOOCOMMERCE_CACHE/woocommerce" "$target.tmp"
	}
	rm -f "$target.tmp/.rondine-sha256"
	printf '%s' "$WOOCOMMERCE_SHA256" > "$target.tmp/.rondine-sha256"
	mv "$target.tmp" "$target"
}

# --- WordPress ---------------------------------------------------------------------------------------------------------

# wp_prepare <env> <url>: copies WordPress core (first time), writes wp-config.php, links the plugin (not with
# STACK_WITHOUT_PLUGIN=1: a WordPress where the plugin is installed as a user would, from its release zip).
wp_prepare() {
	local env="$1" url="$2"
	local wp="$env/wordpress"
	[ -f "$RONDINE_CACHE/wordpress/wp-includes/version.php" ] || stack_die "WordPress is not in the cache: run dev/setup-system.sh"
	if [ ! -f "$wp/wp-includes/version.php" ]; then
		stack_log "copying WordPress core"
		rm -rf "$wp"
		cp -a "$RONDINE_CACHE/wordpress" "$wp"
	fi
	mkdir -p "$wp/wp-content/plugins" "$wp/wp-content/uploads" "$env/logs"
	if [ "${STACK_WITHOUT_PLUGIN:-0}" = 1 ]; then
		if [ -L "$wp/wp-content/plugins/rondine" ]; then
			rm -f "$wp/wp-content/plugins/rondine"
		fi
	elif [ ! -L "$wp/wp-content/plugins/rondine" ]; then
		rm -rf "$wp/wp-content/plugins/rondine"
		ln -s "$RONDINE_ROOT/plugin" "$wp/wp-content/plugins/rondine"
	fi
	woocommerce_copy "$wp"
	if [ ! -f "$env/wp-salts.php" ]; then
		php "$RONDINE_ROOT/dev/wp/salts.php" > "$env/wp-salts.php"
	fi
	# Rewritten every time: the URL follows the port this run uses.
	php "$RONDINE_ROOT/dev/wp/write-config.php" \
		--wordpress="$wp" --url="$url" --socket="$( mariadb_socket "$env" )" \
		--db-password="$( cat "$env/db-password" )" --salts="$env/wp-salts.php" --log="$env/logs/wordpress-debug.log"
}

# php_server_start <env> <port>
php_server_start() {
	local env="$1" port="$2"
	if group_alive "$env" php; then
		stop_group "$env" php
	fi
	# More than one worker: a request from WordPress to the bridge that calls WordPress back would otherwise deadlock.
	start_group "$env" php env PHP_CLI_SERVER_WORKERS=4 php -d display_errors=stderr -d memory_limit=512M \
		-S "127.0.0.1:$port" -t "$env/wordpress" "$RONDINE_ROOT/dev/wp/router.php"
	wait_for 20 "PHP server" port_in_use "$port" || stack_die_log "the PHP server did not start" "$env/logs/php.log"
}

# wp_php <env> <script> [args]: runs one of our PHP scripts against the environment's WordPress.
wp_php() {
	local env="$1" script="$2"
	shift 2
	RONDINE_WP_DIR="$env/wordpress" php -d memory_limit=2G "$script" "$@"
}

# wp_install <env>: installs WordPress (first time), activates and sets up WooCommerce (dev/wp/setup-woocommerce.php;
# SHOP_MODE=hpos|legacy|both chooses its order storage on the first run), the test users, activates the plugin; writes
# <env>/users.json with the logins and passwords (the admin's generated once, kept in <env>/admin-password).
wp_install() {
	local env="$1"
	if [ ! -f "$env/admin-password" ]; then
		random_secret > "$env/admin-password"
		chmod 600 "$env/admin-password"
	fi
	local password
	password="$( cat "$env/admin-password" )"
	wp_php "$env" "$RONDINE_ROOT/dev/wp/install.php" --admin-password="$password" >> "$env/logs/install.log" 2>&1 \
		|| stack_die_log "installing WordPress failed" "$env/logs/install.log" "$env/logs/wordpress-debug.log"
	wp_php "$env" "$RONDINE_ROOT/dev/wp/setup-site.php" --users-file="$env/users.json" --admin-password="$password" \
		>> "$env/logs/install.log" 2>&1 \
		|| stack_die_log "setting up the site failed" "$env/logs/install.log" "$env/logs/wordpress-debug.log"
	wp_php "$env" "$RONDINE_ROOT/dev/wp/setup-woocommerce.php" --order-storage="${SHOP_MODE:-hpos}" \
		>> "$env/logs/install.log" 2>&1 \
		|| stack_die_log "setting up WooCommerce failed" "$env/logs/install.log" "$env/logs/wordpress-debug.log"
}

# --- bridge ------------------------------------------------------------------------------------------------------------

bridge_built() {
	[ -f "$RONDINE_ROOT/bridge-server/dist/main.js" ]
}

# bridge_start <env> <port> [database url]
bridge_start() {
	local env="$1" port="$2" database_url="${3:-}"
	mkdir -p "$env/bridge"
	if [ ! -f "$env/bridge-secret-key" ]; then
		head -c 32 /dev/urandom | base64 | tr -d '\n' > "$env/bridge-secret-key"
	fi
	# The emulator's control API (tests, benchmarks, simulated replies) exists only with a token: generated here, kept
	# mode 600 beside the other secrets and copied into env.json for the e2e tests.
	if [ ! -s "$env/sandbox-control-token" ]; then
		( umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$env/sandbox-control-token" )
	fi
	chmod 600 "$env/sandbox-control-token"
	if group_alive "$env" bridge; then
		stop_group "$env" bridge
	fi
	port_in_use "$port" && stack_die "port $port (bridge) is already in use"
	local -a vars=(
		"RONDINE_BRIDGE_PORT=$port"
		"RONDINE_BRIDGE_HOST=127.0.0.1"
		"RONDINE_BRIDGE_DATA_DIR=$env/bridge"
		"RONDINE_BRIDGE_PUBLIC_URL=http://127.0.0.1:$port"
		"RONDINE_BRIDGE_SECRET_KEY=$( cat "$env/bridge-secret-key" )"
		"RONDINE_SANDBOX_CONTROL_TOKEN=$( cat "$env/sandbox-control-token" )"
		# The development site is WordPress on 127.0.0.1 over http: allowed explicitly (refused by default).
		"RONDINE_ALLOW_PRIVATE_SITE_URLS=1"
	)
	if [ -n "$database_url" ]; then
		vars+=( "DATABASE_URL=$database_url" )
	fi
	start_group "$env" bridge env "${vars[@]}" "$RONDINE_ROOT/bridge-server/bin/rondine-bridge"
	wait_for 30 bridge curl_ok "http://127.0.0.1:$port/healthz" \
		|| stack_die_log "the bridge did not start" "$env/logs/bridge.log"
}

curl_ok() {
	node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
}

# bridge_cli <env> <port> <args...>: the bridge's CLI with the environment's configuration.
bridge_cli() {
	local env="$1" port="$2"
	shift 2
	env RONDINE_BRIDGE_PORT="$port" RONDINE_BRIDGE_HOST=127.0.0.1 RONDINE_BRIDGE_DATA_DIR="$env/bridge" \
		RONDINE_BRIDGE_PUBLIC_URL="http://127.0.0.1:$port" \
		RONDINE_BRIDGE_SECRET_KEY="$( cat "$env/bridge-secret-key" )" \
		RONDINE_ALLOW_PRIVATE_SITE_URLS=1 \
		${STACK_DATABASE_URL:+DATABASE_URL="$STACK_DATABASE_URL"} \
		node "$RONDINE_ROOT/bridge-server/dist/cli.js" "$@"
}

# --- the whole shop ----------------------------------------------------------------------------------------------------

# shop_up <env> <wp port> <bridge port>
#   Options through variables (first run only): SHOP_CUSTOMERS SHOP_ORDERS SHOP_SEED, SHOP_MODE (WooCommerce's order
#   storage: hpos, the default; legacy, orders as posts; both, HPOS with the posts in sync), SHOP_GENERATOR (api, the
#   default: dev/woocommerce/demo.php through WooCommerce's API, 200 customers, 3 orders each; sql: the fast SQL
#   generator dev/woocommerce/generate.php, 500 customers by default, for benchmark-sized shops);
#   SHOP_DB_POOL (MariaDB buffer pool), STACK_DATABASE_URL (bridge on PostgreSQL instead of SQLite).
# Brings up MariaDB, WordPress and WooCommerce (installed on first run), the demo shop (first run), the PHP server, the bridge with
# a tenant connected to the plugin (first run; kept afterwards), and writes <env>/env.json.
shop_up() {
	local env="$1" wp_port="$2" bridge_port="$3"
	local wp_url="http://127.0.0.1:$wp_port" bridge_url="http://127.0.0.1:$bridge_port"
	mkdir -p "$env/logs" "$env/pids"

	# Leftovers of an earlier run of this environment that was not stopped cleanly.
	stop_group "$env" php
	stop_group "$env" bridge
	local port
	for port in "$wp_port" "$bridge_port"; do
		if port_in_use "$port"; then
			stack_die "port $port is already in use by another program; stop it or choose other ports"
		fi
	done

	mariadb_start "$env" "${SHOP_DB_POOL:-256M}"
	wp_prepare "$env" "$wp_url"
	wp_install "$env"

	if ! mariadb_client "$env" wordpress -N -e "SELECT 1 FROM wp_options WHERE option_name = 'rondine_dev_shop'" | grep -q 1; then
		if [ "${SHOP_GENERATOR:-api}" = "sql" ]; then
			# The SQL generator: fast enough for a benchmark shop (200k customers, 1M orders), into WooCommerce's tables.
			stack_log "generating the shop with SQL (${SHOP_CUSTOMERS:-500} customers, seed ${SHOP_SEED:-1}, ${SHOP_MODE:-hpos} orders)"
			local -a args=( --customers="${SHOP_CUSTOMERS:-500}" --seed="${SHOP_SEED:-1}" --mode="${SHOP_MODE:-hpos}" )
			if [ -n "${SHOP_ORDERS:-}" ]; then
				args+=( --orders="$SHOP_ORDERS" )
			fi
			wp_php "$env" "$RONDINE_ROOT/dev/woocommerce/generate.php" "${args[@]}" >> "$env/logs/generate.log" 2>&1 \
				|| stack_die_log "generating the shop failed" "$env/logs/generate.log" "$env/logs/wordpress-debug.log"
		else
			# The demo shop through WooCommerce's own API, its queued actions run (dev/woocommerce/demo.php).
			stack_log "making the demo shop through WooCommerce (${SHOP_CUSTOMERS:-200} customers, seed ${SHOP_SEED:-1}, ${SHOP_MODE:-hpos} orders)"
			local -a args=( --customers="${SHOP_CUSTOMERS:-200}" --seed="${SHOP_SEED:-1}" )
			if [ -n "${SHOP_ORDERS:-}" ]; then
				args+=( --orders="$SHOP_ORDERS" )
			fi
			wp_php "$env" "$RONDINE_ROOT/dev/woocommerce/demo.php" "${args[@]}" >> "$env/logs/generate.log" 2>&1 \
				|| stack_die_log "making the demo shop failed" "$env/logs/generate.log" "$env/logs/wordpress-debug.log"
		fi
	fi

	php_server_start "$env" "$wp_port"

	local site_id=""
	if bridge_built; then
		bridge_start "$env" "$bridge_port" "${STACK_DATABASE_URL:-}"
		local connection
		if connection="$( wp_php "$env" "$RONDINE_ROOT/dev/wp/connect.php" --check --url="$bridge_url" 2> /dev/null )"; then
			site_id="$( printf '%s' "$connection" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).site))' )"
		else
			# A code kept from an earlier run whose connection failed is tried first, so that a failing connection
			# does not leave one more tenant on the bridge at every start.
			local code_file="$env/bridge-connection-code" output code
			if [ -s "$code_file" ] && connection="$( wp_php "$env" "$RONDINE_ROOT/dev/wp/connect.php" \
				--code="$( cat "$code_file" )" 2>> "$env/logs/connect.log" )"; then
				stack_log "connected the plugin with the tenant made earlier"
			else
				stack_log "adding a tenant on the bridge and connecting the plugin"
				output="$( bridge_cli "$env" "$bridge_port" tenant add "Bottega Demo" --json 2>> "$env/logs/bridge-cli.log" )" \
					|| stack_die_log "the bridge CLI could not add a tenant" "$env/logs/bridge-cli.log"
				code="$( printf '%s' "$output" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).connection_code??"")}catch{console.log("")}})' )"
				[ -n "$code" ] || stack_die "the bridge CLI printed no connection code: $output"
				( umask 077 && printf '%s\n' "$code" > "$code_file" )
				connection="$( wp_php "$env" "$RONDINE_ROOT/dev/wp/connect.php" --code="$code" 2>> "$env/logs/connect.log" )" \
					|| stack_die_log "the plugin refused the connection code" "$env/logs/connect.log" "$env/logs/bridge.log"
			fi
			site_id="$( printf '%s' "$connection" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).site))' )"
		fi
	else
		stack_log "warning: bridge-server is not built (no bridge-server/dist/main.js): running without the bridge"
	fi

	write_env_json "$env" "$wp_url" "$bridge_url" "$site_id"
}

shop_down() {
	stack_stop_all "$1"
}

# fresh_up <env> <wp port>
#   A fresh WordPress with WooCommerce set up (dev/wp/setup-woocommerce.php) and the test users, without the Rondine
#   plugin and without a generated shop: where the release zip is installed through wp-admin, as a shop owner would
#   (e2e/tests/release.spec.ts). Writes <env>/env.json (wpUrl, adminUrl, the users, wordpressDir, mysqlSocket).
fresh_up() {
	local env="$1" wp_port="$2"
	local wp_url="http://127.0.0.1:$wp_port"
	mkdir -p "$env/logs" "$env/pids"
	stop_group "$env" php
	port_in_use "$wp_port" && stack_die "port $wp_port is already in use by another program"
	mariadb_start "$env" 64M
	STACK_WITHOUT_PLUGIN=1 wp_prepare "$env" "$wp_url"
	wp_install "$env"
	php_server_start "$env" "$wp_port"
	write_env_json "$env" "$wp_url" "" ""
}

# write_env_json <env> <wp url> <bridge url> <site id>
write_env_json() {
	local env="$1" wp_url="$2" bridge_url="$3" site_id="$4"
	local name pids="{}"
	for name in mariadb php bridge; do
		if [ -f "$env/pids/$name.pid" ]; then
			pids="$( node -e 'const p=JSON.parse(process.argv[1]);p[process.argv[2]]=Number(process.argv[3]);console.log(JSON.stringify(p))' \
				"$pids" "$name" "$( cat "$env/pids/$name.pid" )" )"
		fi
	done
	ENV_DIR="$env" WP_URL="$wp_url" BRIDGE_URL="$bridge_url" SITE_ID="$site_id" PIDS="$pids" \
		SOCKET="$( mariadb_socket "$env" )" BRIDGE_UP="$( bridge_built && echo 1 || echo 0 )" node -e '
			const fs = require( "fs" );
			const e = process.env;
			const users = JSON.parse( fs.readFileSync( e.ENV_DIR + "/users.json", "utf8" ) );
			const env = {
				env: e.ENV_DIR,
				wpUrl: e.WP_URL,
				adminUrl: e.WP_URL + "/wp-admin/",
				rondineUrl: e.WP_URL + "/wp-admin/admin.php?page=rondine",
				restUrl: e.WP_URL + "/wp-json/",
				adminUser: users.admin.login,
				adminPassword: users.admin.password,
				users,
				bridgeUrl: e.BRIDGE_UP === "1" ? e.BRIDGE_URL : null,
				emulatorUrl: e.BRIDGE_UP === "1" ? e.BRIDGE_URL + "/sandbox" : null,
				sandboxControlToken: e.BRIDGE_UP === "1" && fs.existsSync( e.ENV_DIR + "/sandbox-control-token" )
					? fs.readFileSync( e.ENV_DIR + "/sandbox-control-token", "utf8" ).trim() : null,
				sandboxControlTokenFile: e.ENV_DIR + "/sandbox-control-token",
				siteId: e.SITE_ID || null,
				wordpressDir: e.ENV_DIR + "/wordpress",
				mysqlSocket: e.SOCKET,
				database: { name: "wordpress", user: "wordpress", password: fs.readFileSync( e.ENV_DIR + "/db-password", "utf8" ).trim() },
				logs: e.ENV_DIR + "/logs",
				pids: JSON.parse( e.PIDS ),
			};
			fs.writeFileSync( e.ENV_DIR + "/env.json", JSON.stringify( env, null, "\t" ) + "\n", { mode: 0o600 } );
		'
}
