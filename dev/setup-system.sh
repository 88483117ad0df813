#!/usr/bin/env bash
# Installs what the local stack needs from Debian, and WordPress 6.8 into .rondine/cache/wordpress.
#
# Idempotent and quiet when there is nothing to do (a few hundred milliseconds).
# - Debian packages: installed with apt-get only when one is missing (apt-get update only then).
# - WordPress: Debian bookworm ships 6.1, too old for the React JSX runtime that @wordpress/scripts emits, so we take
#   trixie's `wordpress` package through a private apt configuration (own sources.list, state and cache under
#   .rondine/cache/apt); the system's apt sources are not touched. The package's symlinks into other Debian packages
#   (getid3, underscore, lodash, cropper, the CA bundle) are replaced by the files they point to, taken from trixie's
#   packages, so that the tree under .rondine/cache/wordpress is self-contained.
set -euo pipefail

ROOT="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
CACHE="$ROOT/.rondine/cache"
WP_CACHE="$CACHE/wordpress"
WP_STAMP="$WP_CACHE/.rondine-source"
WP_SERIES="6.8"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$( id -u )" -eq 0 ]; then
		"$@"
	elif command -v sudo > /dev/null; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# --- Debian packages -------------------------------------------------------------------------------------------------

PACKAGES=(
	php-cli php-mysql php-xml php-mbstring php-curl php-gd php-zip php-intl php-sqlite3
	mariadb-server mariadb-client
	chromium
	phpunit
	gettext rsync zip
	postgresql-15
	ca-certificates
	# better-sqlite3 has no prebuilt binary reachable here: npm compiles it.
	g++ make python3
)

missing_packages() {
	local pkg status
	for pkg in "${PACKAGES[@]}"; do
		status="$( dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null || true )"
		if [ "$status" != "install ok installed" ]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# Package maintainer scripts start the system-wide MariaDB and PostgreSQL; the stack runs private instances instead.
stop_system_services() {
	local service
	for service in mariadb postgresql; do
		if [ -x "/etc/init.d/$service" ]; then
			as_root "/etc/init.d/$service" stop > /dev/null 2>&1 || true
		fi
	done
}

install_packages() {
	local missing
	mapfile -t missing < <( missing_packages )
	if [ "${#missing[@]}" -eq 0 ]; then
		return
	fi
	log "installing Debian packages: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
	stop_system_services
	mapfile -t missing < <( missing_packages )
	if [ "${#missing[@]}" -ne 0 ]; then
		die "still missing after apt-get install: ${missing[*]}"
	fi
}

# --- WordPress from Debian trixie ------------------------------------------------------------------------------------

APT_DIR="$CACHE/apt"
APT_OPTS=(
	-o "Dir::Etc::SourceList=$APT_DIR/sources.list"
	-o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
	-o "Dir::Etc::Preferences=$APT_DIR/preferences"
	-o "Dir::Etc::PreferencesParts=$APT_DIR/preferences.d"
	-o "Dir::State=$APT_DIR/state"
	-o "Dir::Cache=$APT_DIR/cache"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
	-qq
)
# WordPress itself, its default theme, and the packages its symlinks point into.
WP_DEBS=( wordpress wordpress-theme-twentytwentyfive php-getid3 libjs-underscore libjs-lodash libjs-cropper )

wordpress_is_ready() {
	[ -f "$WP_STAMP" ] && [ -f "$WP_CACHE/wp-includes/version.php" ]
}

fetch_wordpress() {
	local work="$CACHE/wordpress.tmp"
	local debs="$APT_DIR/debs"
	mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/preferences.d" "$APT_DIR/state/lists/partial" \
		"$APT_DIR/cache/archives/partial" "$debs"
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main\n' \
		> "$APT_DIR/sources.list"

	log "fetching WordPress $WP_SERIES from Debian trixie (private apt configuration in $APT_DIR)"
	apt-get "${APT_OPTS[@]}" update
	rm -f "$debs"/*.deb
	( cd "$debs" && apt-get "${APT_OPTS[@]}" download "${WP_DEBS[@]}" )

	rm -rf "$work"
	mkdir -p "$work/root"
	local deb
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$work/root"
	done

	local tree="$work/root/usr/share/wordpress"
	[ -f "$tree/wp-includes/version.php" ] || die "the wordpress package has no wp-includes/version.php"

	# Replace every symlink by the file it points to, inside the unpacked packages when it is there (relative links
	# into /usr/share/php and /usr/share/javascript, chains such as cropper.js -> cropper.min.js), else on this system
	# (the CA bundle, which ca-certificates generates at install time).
	local link target resolved
	while IFS= read -r -d '' link; do
		target="$( readlink "$link" )"
		if [ "${target#/}" != "$target" ]; then
			if [ -e "$work/root$target" ]; then
				resolved="$( readlink -f "$work/root$target" )"
			else
				resolved="$( readlink -f "$target" || true )"
			fi
		else
			resolved="$( readlink -f "$link" || true )"
		fi
		if [ -z "$resolved" ] || [ ! -f "$resolved" ]; then
			case "$link" in
				*/.htaccess) rm -f "$link"; continue ;; # Apache only; we serve with php -S.
			esac
			die "cannot resolve the symlink ${link#"$tree"/} -> $target"
		fi
		rm -f "$link"
		cp "$resolved" "$link"
	done < <( find "$tree" -type l -print0 )

	# Debian's wp-config.php reads /etc/wordpress; each environment writes its own.
	rm -f "$tree/wp-config.php"
	# Debian splits wp-content between /usr/share and /var/lib; one plain wp-content here.
	mkdir -p "$tree/wp-content/themes" "$tree/wp-content/plugins" "$tree/wp-content/uploads"
	cp -n "$work/root/var/lib/wordpress/wp-content/index.php" "$tree/wp-content/index.php" 2> /dev/null || true

	local version
	version="$( php -r 'include $argv[1]; echo $wp_version;' "$tree/wp-includes/version.php" )"
	case "$version" in
		"$WP_SERIES" | "$WP_SERIES".*) ;;
		*) die "expected WordPress $WP_SERIES.x, the package has $version" ;;
	esac
	if [ -n "$( find "$tree" -type l -print -quit )" ]; then
		die "symlinks left in the WordPress tree"
	fi

	rm -rf "$WP_CACHE"
	mv "$tree" "$WP_CACHE"
	rm -rf "$work"
	( cd "$debs" && ls -1 ./*.deb ) | sed 's|^\./||' > "$WP_STAMP"
	log "WordPress $version ready in ${WP_CACHE#"$ROOT"/}"
}

install_packages
if ! wordpress_is_ready; then
	fetch_wordpress
fi
