#!/usr/bin/env bash
# Translations without WP-CLI, with gettext's xgettext, msgmerge and msgfmt.
#
# PHP: regenerates plugin/languages/rondine.pot from the plugin's PHP strings, merges it into every
# languages/rondine-<locale>.po (translators edit those) and compiles rondine-<locale>.mo, which WordPress loads for the
# `rondine` text domain.
#
# JavaScript: the admin app keeps its own template and catalogues (languages/rondine-js.pot, rondine-js-<locale>.po,
# maintained by admin-app/bin/make-json-translations.mjs, which parses TypeScript) and the Jed JSON that
# wp_set_script_translations loads (rondine-<locale>-<md5 of build/admin/index.js>.json); this script runs it last.
# bin/make-json.php writes the same JSON from rondine-js-<locale>.po when Node is missing.
#
# Usage: plugin/bin/make-pot.sh
set -euo pipefail
cd "$( dirname "$0" )/.."

version="$( sed -n 's/^ \* Version: *//p' rondine.php | head -n 1 )"
pot=languages/rondine.pot
tmp="$( mktemp -d )"
trap 'rm -rf "$tmp"' EXIT

find . -name '*.php' -not -path './tests/*' -not -path './build/*' -not -path './vendor/*' | LC_ALL=C sort > "$tmp/php-files"
xgettext --language=PHP --from-code=UTF-8 --add-comments=translators: --sort-by-file \
	--keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ --keyword=esc_attr_e \
	--keyword=_x:1,2c --keyword=_ex:1,2c --keyword=esc_html_x:1,2c --keyword=esc_attr_x:1,2c \
	--keyword=_n:1,2 --keyword=_nx:1,2,4c --keyword=_n_noop:1,2 --keyword=_nx_noop:1,2,3c \
	--package-name=Rondine --package-version="$version" \
	--files-from="$tmp/php-files" --output="$tmp/php.pot"

sources=( "$tmp/php.pot" )

msgcat --use-first --sort-by-file "${sources[@]}" \
	| sed -e 's/^"Content-Type: text\/plain; charset=CHARSET\\n"/"Content-Type: text\/plain; charset=UTF-8\\n"/' \
	      -e '/^"Language: \\n"$/d' > "$pot"
sed -i "1,20s/^# SOME DESCRIPTIVE TITLE./# Rondine translation template./; 1,20s/^# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER/# Copyright (C) The Rondine contributors/; 1,20s/^# This file is distributed under the same license as the PACKAGE package./# This file is distributed under the same license as the Rondine package (GPLv2 or later)./" "$pot"

for po in languages/rondine-*.po; do
	# rondine-js-<locale>.po belongs to the admin app's own template (rondine-js.pot), kept by its script below.
	case "$po" in languages/rondine-js-*) continue ;; esac
	[ -f "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
	msgattrib --no-obsolete --output-file="$po" "$po"
	msgfmt --check-format --output-file="${po%.po}.mo" "$po"
done
# The admin app's JSON is written by its own script (strings extracted from admin-app/src, Italian kept in
# languages/rondine-js-<locale>.po); bin/make-json.php is the fallback when Node is missing.
if command -v node > /dev/null && [ -f ../admin-app/bin/make-json-translations.mjs ]; then
	node ../admin-app/bin/make-json-translations.mjs
else
	php bin/make-json.php
fi
echo "wrote $pot ($( grep -c '^msgid ' "$pot" ) strings)"
