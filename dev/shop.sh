#!/usr/bin/env bash
# One local shop (MariaDB, WordPress with WooCommerce and the plugin, the demo shop, bridge) in an environment folder.
#
#   dev/shop.sh up <env dir> [--wp-port N] [--bridge-port N] [--customers N] [--orders N] [--seed N]
#                            [--mode hpos|legacy|both] [--generator api|sql] [--db-pool SIZE]
#                            [--database-url postgres://...]
#   dev/shop.sh down <env dir>
#   dev/shop.sh generate <env dir> [generate.php options, e.g. --customers=200000 --orders=1000000 --reset]
#
# --mode: WooCommerce's order storage, chosen on the environment's first run: hpos (default: HPOS, no sync), legacy
# (orders as posts), both (HPOS with the posts kept in sync). --generator: api (default: dev/woocommerce/demo.php, through
# WooCommerce's API) or sql (dev/woocommerce/generate.php, for benchmark-sized shops).
# `up` returns once everything answers and leaves the processes running (each in its own process group); `down` stops
# them. Ports default to free ones chosen now. dev/start.sh and dev/test.sh use the same functions (dev/lib/stack.sh).
set -euo pipefail
STACK_TAG=shop
# shellcheck source=lib/stack.sh
source "$( dirname "${BASH_SOURCE[0]}" )/lib/stack.sh"

usage() {
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

[ $# -ge 2 ] || usage
command="$1"
env_dir="$( mkdir -p "$2" && cd "$2" && pwd )"
shift 2

case "$command" in
	up)
		wp_port="" bridge_port=""
		while [ $# -gt 0 ]; do
			case "$1" in
				--wp-port) wp_port="$2"; shift 2 ;;
				--bridge-port) bridge_port="$2"; shift 2 ;;
				--customers) export SHOP_CUSTOMERS="$2"; shift 2 ;;
				--orders) export SHOP_ORDERS="$2"; shift 2 ;;
				--seed) export SHOP_SEED="$2"; shift 2 ;;
				--mode) export SHOP_MODE="$2"; shift 2 ;;
				--generator) export SHOP_GENERATOR="$2"; shift 2 ;;
				--db-pool) export SHOP_DB_POOL="$2"; shift 2 ;;
				--database-url) export STACK_DATABASE_URL="$2"; shift 2 ;;
				*) usage ;;
			esac
		done
		bash "$RONDINE_ROOT/dev/setup-system.sh"
		shop_up "$env_dir" "${wp_port:-$( free_port )}" "${bridge_port:-$( free_port )}"
		stack_log "up: $env_dir/env.json"
		;;
	down)
		shop_down "$env_dir"
		;;
	generate)
		mariadb_start "$env_dir" "${SHOP_DB_POOL:-1G}"
		wp_php "$env_dir" "$RONDINE_ROOT/dev/woocommerce/generate.php" "$@"
		;;
	*)
		usage
		;;
esac
