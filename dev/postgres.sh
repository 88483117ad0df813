#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the bridge's scale-out tests.
#
#   dev/postgres.sh start <dir> <port>   creates the cluster on first use, starts it on 127.0.0.1:<port> (socket in <dir>),
#                                        prints its URL (superuser `rondine`, database `postgres`) and writes it to <dir>/url
#   dev/postgres.sh stop <dir>
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

usage() {
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

as_owner() {
	if [ "$( id -u )" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

[ $# -ge 2 ] || usage
command="$1"
dir="$( mkdir -p "$2" && cd "$2" && pwd )"
data="$dir/data"

case "$command" in
	start)
		[ $# -eq 3 ] || usage
		port="$3"
		[ -x "$PG_BIN/postgres" ] || { echo "postgres.sh: PostgreSQL 15 is not installed (run dev/setup-system.sh)" >&2; exit 1; }
		if [ "$( id -u )" -eq 0 ]; then
			chown postgres: "$dir"
		fi
		if [ ! -f "$data/PG_VERSION" ]; then
			password="$( head -c 18 /dev/urandom | base64 | tr '+/' '-_' )"
			printf '%s\n' "$password" > "$dir/password"
			chmod 644 "$dir/password"
			as_owner "$PG_BIN/initdb" --pgdata="$data" --username=rondine --pwfile="$dir/password" \
				--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 \
				|| { cat "$dir/initdb.log" >&2; exit 1; }
			chmod 600 "$dir/password"
		fi
		# Tests create and drop many databases: durability is not what they measure.
		as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --log="$dir/postgres.log" --wait --timeout=30 \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off \
				-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start > /dev/null \
			|| { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
		url="postgres://rondine:$( cat "$dir/password" )@127.0.0.1:$port/postgres"
		printf '%s\n' "$url" > "$dir/url"
		printf '%s\n' "$url"
		;;
	stop)
		if [ -f "$data/postmaster.pid" ]; then
			as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --mode=fast --wait stop > /dev/null 2>&1 || true
		fi
		;;
	*)
		usage
		;;
esac
