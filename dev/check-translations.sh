#!/usr/bin/env bash
# Every string a person sees has its Italian translation, and the shipped translation files are current.
#
#   PHP: the strings xgettext finds in plugin/ (as plugin/bin/make-pot.sh extracts them) must each have a non-empty
#        msgstr in plugin/languages/rondine-it_IT.po, and the .mo must be what msgfmt makes of the .po.
#   JS:  admin-app/bin/make-json-translations.mjs --check (every admin-app string translated, JSON current).
#
# Exit status 0 when all is current, 1 otherwise (what is missing is printed). Fix with plugin/bin/make-pot.sh, then
# translate what it reports.
set -uo pipefail
root="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
tmp="$( mktemp -d )"
trap 'rm -rf "$tmp"' EXIT
status=0

cd "$root/plugin" || exit 1
find . -name '*.php' -not -path './tests/*' -not -path './build/*' -not -path './vendor/*' | LC_ALL=C sort > "$tmp/php-files"
xgettext --language=PHP --from-code=UTF-8 \
	--keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ --keyword=esc_attr_e \
	--keyword=_x:1,2c --keyword=_ex:1,2c --keyword=esc_html_x:1,2c --keyword=esc_attr_x:1,2c \
	--keyword=_n:1,2 --keyword=_nx:1,2,4c --keyword=_n_noop:1,2 --keyword=_nx_noop:1,2,3c \
	--files-from="$tmp/php-files" --output="$tmp/php.pot" || exit 1
# Strings of the sources that the Italian catalogue lacks or leaves untranslated.
msgmerge --quiet --no-fuzzy-matching languages/rondine-it_IT.po "$tmp/php.pot" --output-file="$tmp/merged.po" 2> /dev/null || exit 1
missing="$( msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -c '^msgid "[^"]' )"
fuzzy="$( msgattrib --only-fuzzy --no-obsolete "$tmp/merged.po" | grep -c '^msgid "[^"]' )"
if [ "$missing" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
	echo "PHP: $missing string(s) without Italian, $fuzzy fuzzy, in plugin/languages/rondine-it_IT.po:"
	msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -A1 '^msgid "[^"]' | grep '^msgid' | head -20
	status=1
fi
msgfmt --check-format --output-file="$tmp/it.mo" languages/rondine-it_IT.po || status=1
if ! cmp -s "$tmp/it.mo" languages/rondine-it_IT.mo; then
	echo "PHP: rondine-it_IT.mo is not compiled from the current rondine-it_IT.po: run plugin/bin/make-pot.sh"
	status=1
fi

cd "$root" || exit 1
node admin-app/bin/make-json-translations.mjs --check || status=1
exit "$status"
