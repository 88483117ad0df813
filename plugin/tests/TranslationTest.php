<?php
/**
 * The Italian translation.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

/**
 * Every PHP string of the plugin has an Italian translation, the compiled .mo is loaded by WordPress, and the
 * translations keep their placeholders.
 */
final class TranslationTest extends TestCase {

	/**
	 * Entries of the Italian .po that come from PHP sources.
	 *
	 * @return array<string,string> msgid → msgstr.
	 */
	private function php_entries(): array {
		$po      = (string) file_get_contents( dirname( __DIR__ ) . '/languages/rondine-it_IT.po' );
		$entries = array();
		foreach ( preg_split( '/\n\s*\n/', $po ) as $block ) {
			if ( ! preg_match( '/^#:(.*\s)?(src\/|rondine\.php)/m', $block ) || false !== strpos( $block, 'msgid_plural' ) ) {
				continue;
			}
			preg_match( '/^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)/m', $block . "\n", $m );
			$join               = static fn( $s ) => implode( '', array_map( static fn( $l ) => stripcslashes( substr( $l, 1, -1 ) ), array_filter( explode( "\n", trim( $s ) ) ) ) );
			$entries[ $join( $m[1] ) ] = $join( $m[2] );
		}
		return $entries;
	}

	/**
	 * Every PHP string is translated, with the same placeholders.
	 */
	public function test_every_php_string_is_translated_with_its_placeholders(): void {
		$entries = $this->php_entries();
		$this->assertGreaterThan( 150, count( $entries ) );
		foreach ( $entries as $msgid => $msgstr ) {
			$this->assertNotSame( '', $msgstr, "untranslated: $msgid" );
			preg_match_all( '/%(\d\$)?[sdf]|\{[a-z_]+\}/i', $msgid, $a );
			preg_match_all( '/%(\d\$)?[sdf]|\{[a-z_]+\}/i', $msgstr, $b );
			sort( $a[0] );
			sort( $b[0] );
			$this->assertSame( $a[0], $b[0], "placeholders of: $msgid" );
		}
	}

	/**
	 * WordPress loads languages/rondine-it_IT.mo.
	 */
	public function test_italian_is_loaded_by_wordpress(): void {
		$locale = static fn() => 'it_IT';
		add_filter( 'locale', $locale );
		add_filter( 'determine_locale', $locale );
		unload_textdomain( 'rondine' );
		\Rondine\I18n::load();
		$this->assertSame( 'Totale speso', __( 'Total spent', 'rondine' ) );
		$this->assertStringContainsString( 'troppo corto', \Rondine\Phone\Normalizer::explain( 'too_short' ) );
		remove_filter( 'locale', $locale );
		remove_filter( 'determine_locale', $locale );
		unload_textdomain( 'rondine' );
		\Rondine\I18n::load();
		$this->assertSame( 'Total spent', __( 'Total spent', 'rondine' ) );
	}
}
