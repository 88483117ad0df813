<?php
/**
 * Writes the JavaScript translations WordPress loads for the admin app (wp_set_script_translations): each
 * languages/rondine-js-<locale>.po (the admin app's catalogue) becomes
 * languages/rondine-<locale>-<md5 of "build/admin/index.js">.json in Jed 1.x format. The fallback of
 * admin-app/bin/make-json-translations.mjs for a machine without Node.
 *
 * Usage: php plugin/bin/make-json.php (run by plugin/bin/make-pot.sh when Node is missing).
 *
 * @package Rondine
 */

// A development tool: it writes files, so it runs only from the command line, never through a web server.
if ( 'cli' !== PHP_SAPI ) {
	exit;
}

$rondine_languages = dirname( __DIR__ ) . '/languages';
$rondine_script    = 'build/admin/index.js';

/**
 * Parses a .po file into entries.
 *
 * @param string $file Path.
 * @return array<int,array{refs:string[],context:?string,msgid:string,plural:?string,msgstr:string[]}>
 */
function rondine_parse_po( string $file ): array {
	$entries = array();
	$unquote = static fn( string $s ): string => stripcslashes( substr( $s, 1, -1 ) );
	foreach ( preg_split( '/\n\s*\n/', (string) file_get_contents( $file ) ) as $block ) {
		$entry = array(
			'refs'    => array(),
			'context' => null,
			'msgid'   => null,
			'plural'  => null,
			'msgstr'  => array(),
		);
		$field = null;
		foreach ( explode( "\n", $block ) as $line ) {
			if ( 0 === strpos( $line, '#:' ) ) {
				$entry['refs'] = array_merge( $entry['refs'], preg_split( '/\s+/', trim( substr( $line, 2 ) ) ) );
			} elseif ( preg_match( '/^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$/', $line, $m ) ) {
				$field = $m[1];
				$value = $unquote( $m[3] );
				if ( 'msgctxt' === $field ) {
					$entry['context'] = $value;
				} elseif ( 'msgid' === $field ) {
					$entry['msgid'] = $value;
				} elseif ( 'msgid_plural' === $field ) {
					$entry['plural'] = $value;
				} else {
					$field                     = 'msgstr' . ( isset( $m[2] ) && '' !== $m[2] ? $m[2] : '0' );
					$entry['msgstr'][ $field ] = $value;
				}
			} elseif ( preg_match( '/^(".*")$/', $line, $m ) && null !== $field ) {
				$value = $unquote( $m[1] );
				if ( 'msgctxt' === $field ) {
					$entry['context'] .= $value;
				} elseif ( 'msgid' === $field ) {
					$entry['msgid'] .= $value;
				} elseif ( 'msgid_plural' === $field ) {
					$entry['plural'] .= $value;
				} else {
					$entry['msgstr'][ $field ] .= $value;
				}
			}
		}
		if ( null !== $entry['msgid'] ) {
			$entries[] = $entry;
		}
	}
	return $entries;
}

foreach ( glob( $rondine_languages . '/rondine-js-*.po' ) as $rondine_po ) {
	$rondine_locale  = substr( basename( $rondine_po, '.po' ), strlen( 'rondine-js-' ) );
	$rondine_entries = rondine_parse_po( $rondine_po );
	$rondine_plural  = 'nplurals=2; plural=(n != 1);';
	$rondine_data    = array();
	foreach ( $rondine_entries as $rondine_entry ) {
		if ( '' === $rondine_entry['msgid'] ) {
			if ( preg_match( '/Plural-Forms: ([^\n]+)/', $rondine_entry['msgstr']['msgstr0'] ?? '', $rondine_m ) ) {
				$rondine_plural = trim( $rondine_m[1] );
			}
			continue;
		}
		$rondine_tr = array_values( $rondine_entry['msgstr'] );
		if ( '' === implode( '', $rondine_tr ) ) {
			continue;
		}
		$rondine_key                  = ( null !== $rondine_entry['context'] ? $rondine_entry['context'] . "\u{4}" : '' ) . $rondine_entry['msgid'];
		$rondine_data[ $rondine_key ] = $rondine_tr;
	}
	$rondine_json = array(
		'translation-revision-date' => gmdate( 'Y-m-d H:i:sO' ),
		'generator'                 => 'rondine/bin/make-json.php',
		'domain'                    => 'messages',
		'locale_data'               => array(
			'messages' => array(
				'' => array(
					'domain'       => 'messages',
					'lang'         => $rondine_locale,
					'plural-forms' => $rondine_plural,
				),
			) + $rondine_data,
		),
	);
	$rondine_out = $rondine_languages . '/rondine-' . $rondine_locale . '-' . md5( $rondine_script ) . '.json';
	file_put_contents( $rondine_out, json_encode( $rondine_json, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ) . "\n" );
	echo 'wrote ' . basename( $rondine_out ) . ' (' . count( $rondine_data ) . " strings)\n";
}
