#!/usr/bin/env bash
# Segment counts and audience streaming on a generated shop (targets: a 3-filter count <= 300 ms median, the whole
# 200k audience to the bridge <= 10 s).
#
#   bench/audience.sh [env dir, default .rondine/bench-shop] [--runs=11] [--page=5000]
#
# The environment must hold a generated shop (bench/shop-generate.sh 200000 1000000 makes .rondine/bench-shop). A PHP
# server is started on a free port for the run and stopped afterwards.
set -euo pipefail
ROOT="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
env_dir="$( cd "${1:-$ROOT/.rondine/bench-shop}" && pwd )"
[ $# -gt 0 ] && shift
STACK_TAG=bench
# shellcheck source=../dev/lib/stack.sh
source "$ROOT/dev/lib/stack.sh"
[ -f "$env_dir/wordpress/wp-config.php" ] || stack_die "$env_dir has no WordPress: run bench/shop-generate.sh first"
mariadb_start "$env_dir" 2G
port="$( free_port )"
wp_prepare "$env_dir" "http://127.0.0.1:$port"
php_server_start "$env_dir" "$port"
trap 'stop_group "$env_dir" php' EXIT
wp_php "$env_dir" "$ROOT/bench/audience.php" --url="http://127.0.0.1:$port" "$@"
