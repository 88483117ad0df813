#!/usr/bin/env bash
# How long the generated shop takes to build at a given size, and how many rows per second go in.
#
#   bench/shop-generate.sh [customers=200000] [orders=1000000] [mode=hpos]
#
# Uses its own environment, .rondine/bench-shop (MariaDB with a 2 GB buffer pool, WordPress, the plugin); the shop is
# regenerated from scratch (--reset) on every run and left in place for other benchmarks; `dev/shop.sh down
# .rondine/bench-shop` stops its MariaDB.
set -euo pipefail
ROOT="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
customers="${1:-200000}"
orders="${2:-1000000}"
mode="${3:-hpos}"
env_dir="$ROOT/.rondine/bench-shop"

STACK_TAG=bench
# shellcheck source=../dev/lib/stack.sh
source "$ROOT/dev/lib/stack.sh"
bash "$ROOT/dev/setup-system.sh"
mkdir -p "$env_dir"
mariadb_start "$env_dir" 2G
wp_prepare "$env_dir" "http://127.0.0.1:1"
wp_install "$env_dir"

started=$( date +%s.%N )
wp_php "$env_dir" "$ROOT/dev/woocommerce/generate.php" --customers="$customers" --orders="$orders" --mode="$mode" \
	--seed=1 --reset 2> "$env_dir/logs/bench-generate.log"
ended=$( date +%s.%N )

rows=$( awk '/ rows$/ { sum += $2 } END { print sum + 0 }' "$env_dir/logs/bench-generate.log" )
size=$( mariadb_client "$env_dir" -N -e "SELECT ROUND(SUM(data_length + index_length) / 1048576) FROM information_schema.tables WHERE table_schema = 'wordpress'" )
node -e '
	const [ customers, orders, mode, started, ended, rows, size ] = process.argv.slice( 1 );
	const seconds = Number( ended ) - Number( started );
	console.log( `shop-generate: ${ customers } customers, ${ orders } orders (${ mode })` );
	console.log( `  total            ${ seconds.toFixed( 1 ) } s (includes the plugin contact sync and consent)` );
	console.log( `  rows written     ${ rows } (${ Math.round( rows / seconds ) } rows/s)` );
	console.log( `  orders per s     ${ Math.round( orders / seconds ) }` );
	console.log( `  database size    ${ size } MB` );
' "$customers" "$orders" "$mode" "$started" "$ended" "$rows" "$size"
grep '^generated:' "$env_dir/logs/bench-generate.log" | sed 's/^/  /'
