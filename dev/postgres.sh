#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the bridge's scale-out tests.
#
#   dev/postgres.sh start <dir> <port>   creates the cluster on first use, starts it on 127.0.0.1:<port>,
#                                        prints its URL (superuser `rondine`, database `postgres`) and writes it to <dir>/url
#   dev/postgres.sh stop <dir>
#   dev/postgres.sh remove <dir>         stops the cluster and deletes its files
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user. That user must be able
# to reach its data folder, which it cannot inside a private folder (a clone under /root, or a home folder of mode 700),
# so as root the cluster lives in a folder of its own under /var/tmp (mode 700, owned by postgres), named after <dir>;
# <dir>/cluster says where. As any other user it lives in <dir>/data.
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
if [ "$( id -u )" -eq 0 ]; then
	cluster="${RONDINE_PG_RUNTIME:-/var/tmp}/rondine-pg-$( printf '%s' "$dir" | sha256sum | cut -c1-16 )"
else
	cluster="$dir"
fi
data="$cluster/data"

case "$command" in
	start)
		[ $# -eq 3 ] || usage
		port="$3"
		[ -x "$PG_BIN/postgres" ] || { echo "postgres.sh: PostgreSQL 15 is not installed (run dev/setup-system.sh)" >&2; exit 1; }
		if [ "$( id -u )" -eq 0 ]; then
			mkdir -p "$cluster"
			chown postgres: "$cluster"
			chmod 700 "$cluster"
			printf '%s\n' "$cluster" > "$dir/cluster"
		fi
		if [ ! -f "$data/PG_VERSION" ]; then
			password="$( head -c 18 /dev/urandom | base64 | tr '+/' '-_' )"
			pwfile="$cluster/password"
			( umask 077 && printf '%s\n' "$password" > "$pwfile" )
			[ "$( id -u )" -eq 0 ] && chown postgres: "$pwfile"
			as_owner "$PG_BIN/initdb" --pgdata="$data" --username=rondine --pwfile="$pwfile" \
				--auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 \
				|| { cat "$dir/initdb.log" >&2; exit 1; }
		fi
		# Tests create and drop many databases: durability is not what they measure.
		as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --log="$cluster/postgres.log" --wait --timeout=30 \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster -c fsync=off \
				-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start > /dev/null \
			|| { tail -n 20 "$cluster/postgres.log" >&2; exit 1; }
		url="postgres://rondine:$( cat "$cluster/password" )@127.0.0.1:$port/postgres"
		( umask 077 && printf '%s\n' "$url" > "$dir/url" )
		printf '%s\n' "$url"
		;;
	stop | remove)
		if [ -f "$data/postmaster.pid" ]; then
			as_owner "$PG_BIN/pg_ctl" --pgdata="$data" --mode=fast --wait stop > /dev/null 2>&1 || true
		fi
		if [ "$command" = remove ]; then
			rm -rf "$data" "$cluster/password" "$cluster/postgres.log"
			[ "$cluster" != "$dir" ] && rm -rf "$cluster"
			rm -f "$dir/url" "$dir/cluster"
		fi
		;;
	*)
		usage
		;;
esac
