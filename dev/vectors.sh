#!/usr/bin/env bash
# dev/vectors.sh check|update: the bridge's copy of Meta's test vectors (bridge-server/test/vectors/meta) against the
# team's shared folder beside the repository, when there is one. The tests read only the copy.
set -euo pipefail
root="$( cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd )"
shared="${RONDINE_SHARED_DIR:-$root/../shared}"
copy="$root/bridge-server/test/vectors/meta"
if [ ! -d "$shared/whatsapp-payloads" ]; then
	echo "vectors: no shared folder at $shared; nothing to compare" >&2
	exit 0
fi
case "${1:-check}" in
	check)
		diff -r "$shared/whatsapp-payloads" "$copy/whatsapp-payloads" \
			&& cmp "$shared/whatsapp-openapi-v23.yaml" "$copy/whatsapp-openapi-v23.yaml" \
			&& cmp "$shared/WHATSAPP.md" "$copy/WHATSAPP.md" \
			&& echo "vectors: the copy matches $shared"
		;;
	update)
		rm -rf "$copy/whatsapp-payloads"
		cp -r "$shared/whatsapp-payloads" "$copy/"
		cp "$shared/whatsapp-openapi-v23.yaml" "$shared/WHATSAPP.md" "$copy/"
		chmod -R u+w "$copy"
		echo "vectors: copied from $shared"
		;;
	*) echo "usage: dev/vectors.sh check|update" >&2; exit 2 ;;
esac
