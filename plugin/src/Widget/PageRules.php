<?php
/**
 * Which pages show the chat button.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Include/exclude lists: one pattern per line, a path of the site (`/shop/`, `/contact`) where `*` matches anything
 * (`/product/*`); a full URL of the site is reduced to its path. The trailing slash does not matter. Decided on the
 * server from the requested path, so excluded pages carry no widget bytes at all and every visitor of a page still
 * gets the same HTML.
 */
final class PageRules {

	/**
	 * Longest pattern, in bytes.
	 */
	public const MAX_LENGTH = 200;

	/**
	 * Most `*` in one pattern.
	 */
	public const MAX_WILDCARDS = 10;

	/**
	 * Checks and normalises a pattern list.
	 *
	 * @param string $text One pattern per line.
	 * @return string[]|\WP_Error
	 */
	public static function parse( string $text ) {
		$patterns = array();
		foreach ( preg_split( '/\R/u', $text ) as $line ) {
			$line = trim( $line );
			if ( '' === $line ) {
				continue;
			}
			if ( preg_match( '#^https?://#i', $line ) ) {
				$line = (string) wp_parse_url( $line, PHP_URL_PATH );
				$line = '' === $line ? '/' : $line;
			}
			if ( '/' !== $line[0] || preg_match( '/[\s<>"\'\\\\]/u', $line ) ) {
				return new \WP_Error(
					'rondine_invalid_page_rule',
					/* translators: %s: the pattern as typed. */
					sprintf( __( '"%s" is not a page path: start it with / (for example /shop/ or /product/*).', 'rondine' ), $line )
				);
			}
			if ( strlen( $line ) > self::MAX_LENGTH || substr_count( $line, '*' ) > self::MAX_WILDCARDS ) {
				return new \WP_Error(
					'rondine_invalid_page_rule',
					sprintf(
						/* translators: 1: the pattern as typed, 2: maximum characters, 3: maximum number of *. */
						__( '"%1$s" is too complex: keep a page pattern under %2$d characters with at most %3$d *.', 'rondine' ),
						$line,
						self::MAX_LENGTH,
						self::MAX_WILDCARDS
					)
				);
			}
			$patterns[] = $line;
		}
		return array_values( array_unique( $patterns ) );
	}

	/**
	 * Whether a path matches one of the patterns.
	 *
	 * @param string   $path     Request path.
	 * @param string[] $patterns Patterns.
	 */
	public static function matches( string $path, array $patterns ): bool {
		$path = '/' . trim( $path, '/' );
		foreach ( $patterns as $pattern ) {
			if ( self::glob( '/' . trim( (string) $pattern, '/' ), $path ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a whole path matches a pattern where `*` stands for any run of characters and everything else for
	 * itself. No regular expression: one pass that goes back only to the last `*`, so the time is at most the
	 * product of the two lengths, whatever the pattern (a regex of several `.*` can backtrack for seconds, or give up
	 * and answer wrongly).
	 *
	 * @param string $pattern Pattern.
	 * @param string $path    Path.
	 */
	public static function glob( string $pattern, string $path ): bool {
		$pattern_length = strlen( $pattern );
		$path_length    = strlen( $path );
		$p              = 0;
		$s              = 0;
		$star           = -1;
		$resume         = 0;
		while ( $s < $path_length ) {
			if ( $p < $pattern_length && '*' === $pattern[ $p ] ) {
				$star   = $p++;
				$resume = $s;
			} elseif ( $p < $pattern_length && $pattern[ $p ] === $path[ $s ] ) {
				++$p;
				++$s;
			} elseif ( -1 !== $star ) {
				// Let the last `*` take one more character and try the rest of the pattern from there.
				$p = $star + 1;
				$s = ++$resume;
			} else {
				return false;
			}
		}
		while ( $p < $pattern_length && '*' === $pattern[ $p ] ) {
			++$p;
		}
		return $p === $pattern_length;
	}

	/**
	 * Whether the button may show on a path under the settings' include and exclude lists.
	 *
	 * @param string              $path     Request path, relative to the site's home.
	 * @param array<string,mixed> $settings Chat button settings.
	 */
	public static function allows( string $path, array $settings ): bool {
		$include = array_filter( explode( "\n", (string) $settings['include_pages'] ) );
		$exclude = array_filter( explode( "\n", (string) $settings['exclude_pages'] ) );
		return ( ! $include || self::matches( $path, $include ) ) && ! self::matches( $path, $exclude );
	}
}
