#!/usr/bin/env bash
# Regenerates plugin/languages/rondine.pot from the plugin's PHP strings and, when present, the admin app's and the
# widget's TypeScript strings, then merges it into every .po and compiles the .mo files (gettext's xgettext, msgmerge
# and msgfmt; there is no WP-CLI here).
#
# JavaScript translations: WordPress loads `rondine-<locale>-<md5>.json` for each script handle, where md5 is of the
# script's path relative to the plugin (`build/admin/index.js`); bin/make-json.php writes them from the .po files.
# Translators edit languages/rondine-<locale>.po (PHP and admin-app strings in one file), then run this script.
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
	--package-name=Rondine --package-version="$version" --msgid-bugs-address='https://github.com/rondine/rondine/issues' \
	--files-from="$tmp/php-files" --output="$tmp/php.pot"

sources=( "$tmp/php.pot" )
js_files=()
for dir in ../admin-app/src ../widget/src; do
	if [ -d "$dir" ]; then
		while IFS= read -r file; do js_files+=( "$file" ); done < <( find "$dir" \( -name '*.ts' -o -name '*.tsx' \) -not -path '*/test/*' -not -name '*.test.*' | LC_ALL=C sort )
	fi
done
if [ "${#js_files[@]}" -gt 0 ]; then
	printf '%s\n' "${js_files[@]}" > "$tmp/js-files"
	# TypeScript is read as JavaScript (xgettext has no TypeScript parser); JSX text is not a string, and types do not
	# carry translatable strings.
	xgettext --language=JavaScript --from-code=UTF-8 --add-comments=translators: --sort-by-file \
		--keyword=__ --keyword=_x:1,2c --keyword=_n:1,2 --keyword=_nx:1,2,4c \
		--files-from="$tmp/js-files" --output="$tmp/js.pot" 2> "$tmp/js-warnings" || true
	[ -f "$tmp/js.pot" ] && sources+=( "$tmp/js.pot" )
fi

msgcat --use-first --sort-by-file "${sources[@]}" \
	| sed -e 's/^"Content-Type: text\/plain; charset=CHARSET\\n"/"Content-Type: text\/plain; charset=UTF-8\\n"/' \
	      -e '/^"Language: \\n"$/d' > "$pot"
sed -i "1,20s/^# SOME DESCRIPTIVE TITLE./# Rondine translation template./; 1,20s/^# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER/# Copyright (C) The Rondine contributors/; 1,20s/^# This file is distributed under the same license as the PACKAGE package./# This file is distributed under the same license as the Rondine package (GPLv2 or later)./" "$pot"

for po in languages/*.po; do
	[ -f "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
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
