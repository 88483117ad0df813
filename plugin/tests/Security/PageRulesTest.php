<?php
/**
 * Page rules cannot be turned into a slow or wrong regular expression.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Tests\TestCase;
use Rondine\Widget\PageRules;

/**
 * `*` wildcards are matched in one pass without a regex: a pattern made to backtrack answers at once and right.
 */
final class PageRulesTest extends TestCase {

	/**
	 * A pattern of many wildcards on a long path: right and fast (a `.*` regex gives up at PCRE's backtrack limit
	 * and answers "no match", so an exclude rule would not exclude).
	 */
	public function test_pathological_pattern_is_fast_and_correct(): void {
		$pattern = '/' . str_repeat( '*a', 8 ) . '*b*c';
		$this->assertSame( array( $pattern ), PageRules::parse( $pattern ), 'an allowed pattern' );
		$match    = '/' . str_repeat( 'a', 1000 ) . 'b' . str_repeat( 'a', 1000 ) . 'c';
		$no_match = '/' . str_repeat( 'a', 1000 ) . 'b' . str_repeat( 'a', 1000 ) . 'd';
		$started  = microtime( true );
		$this->assertTrue( PageRules::matches( $match, array( $pattern ) ) );
		$this->assertFalse( PageRules::matches( $no_match, array( $pattern ) ) );
		$this->assertLessThan( 0.5, microtime( true ) - $started );
		$this->assertFalse(
			PageRules::allows(
				$match,
				array(
					'include_pages' => '',
					'exclude_pages' => $pattern,
				)
			),
			'the exclude rule excludes'
		);
	}

	/**
	 * Everything but `*` stands for itself, and the usual rules still work.
	 */
	public function test_literal_characters_and_usual_rules(): void {
		$this->assertTrue( PageRules::matches( '/product/borsa/', array( '/product/*' ) ) );
		$this->assertTrue( PageRules::matches( '/shop', array( '/shop/' ) ) );
		$this->assertFalse( PageRules::matches( '/shopping', array( '/shop' ) ) );
		$this->assertTrue( PageRules::matches( '/a.b+c(d)', array( '/a.b+c(d)' ) ) );
		$this->assertFalse( PageRules::matches( '/aXb', array( '/a.b' ) ) );
		$this->assertFalse( PageRules::matches( '/ab', array( '/a[b]' ) ) );
		$this->assertTrue( PageRules::matches( '/caffè/menu', array( '/caff*/menu' ) ) );
		$this->assertTrue( PageRules::matches( '/x', array( '/*' ) ) );
		$this->assertTrue( PageRules::matches( "/caf\xE9", array( '/*' ) ), 'a path that is not UTF-8 still matches' );
	}

	/**
	 * Too long or too many wildcards: refused with a message when saved.
	 */
	public function test_oversized_patterns_are_refused(): void {
		$this->assertWPErrorCode( PageRules::parse( '/' . str_repeat( 'a*', PageRules::MAX_WILDCARDS + 1 ) ) );
		$this->assertWPErrorCode( PageRules::parse( '/' . str_repeat( 'a', PageRules::MAX_LENGTH ) ) );
		$this->assertIsArray( PageRules::parse( '/' . str_repeat( 'a*', PageRules::MAX_WILDCARDS ) ) );
	}

	/**
	 * The value is a WP_Error for an invalid page rule.
	 *
	 * @param mixed $value Value.
	 */
	private function assertWPErrorCode( $value ): void {
		$this->assertInstanceOf( \WP_Error::class, $value );
		$this->assertSame( 'rondine_invalid_page_rule', $value->get_error_code() );
	}
}
