<?php
/**
 * Which pages show the chat button.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

/**
 * Include/exclude lists: one pattern per line, a path of the site (`/shop/`, `/contact`) where `*` matches anything
 * (`/product/*`); a full URL of the site is reduced to its path. The trailing slash does not matter. Decided on the
 * server from the requested path, so excluded pages carry no widget bytes at all and every visitor of a page still
 * gets the same HTML.
 */
final class PageRules {

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
			$regex = '#^' . str_replace( '\*', '.*', preg_quote( '/' . trim( $pattern, '/' ), '#' ) ) . '$#u';
			if ( preg_match( $regex, $path ) ) {
				return true;
			}
		}
		return false;
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
