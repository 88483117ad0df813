<?php
/**
 * Products, categories and tags by name for the segment builder; tag management.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Tags;

/**
 * GET /audience/products, GET /audience/categories, GET /tags?search=, PUT /tags/{id}, DELETE /tags/{id}, against the
 * real WordPress tables as WooCommerce writes them.
 */
final class CatalogTest extends TestCase {

	/**
	 * A marker unique to this test run, so searches only meet this test's rows.
	 *
	 * @var string
	 */
	private string $mark;

	/**
	 * Begin as a shop manager.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->mark = 'Zq' . strtolower( wp_generate_password( 6, false ) );
		wp_set_current_user( $this->user( 'shop_manager' ) );
	}

	/**
	 * A product (or variation) post with a SKU, as WooCommerce stores it.
	 *
	 * @param string $title  Title.
	 * @param string $sku    SKU.
	 * @param string $type   product or product_variation.
	 * @param int    $parent Parent product.
	 * @param string $status Post status.
	 */
	private function product( string $title, string $sku = '', string $type = 'product', int $parent = 0, string $status = 'publish' ): int {
		global $wpdb;
		$wpdb->insert(
			$wpdb->posts,
			array(
				'post_title'            => $title,
				'post_name'             => sanitize_title( $title ),
				'post_type'             => $type,
				'post_status'           => $status,
				'post_parent'           => $parent,
				'post_content'          => '',
				'post_excerpt'          => '',
				'to_ping'               => '',
				'pinged'                => '',
				'post_content_filtered' => '',
				'post_date'             => current_time( 'mysql' ),
				'post_date_gmt'         => current_time( 'mysql', true ),
				'post_modified'         => current_time( 'mysql' ),
				'post_modified_gmt'     => current_time( 'mysql', true ),
			)
		);
		$id = (int) $wpdb->insert_id;
		if ( '' !== $sku ) {
			$wpdb->insert(
				$wpdb->postmeta,
				array(
					'post_id'    => $id,
					'meta_key'   => '_sku', // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key
					'meta_value' => $sku, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_value
				)
			);
		}
		return $id;
	}

	/**
	 * A product_cat term.
	 *
	 * @param string $name   Name.
	 * @param int    $parent Parent term id.
	 */
	private function category( string $name, int $parent = 0 ): int {
		global $wpdb;
		$wpdb->insert(
			$wpdb->terms,
			array(
				'name' => _wp_specialchars( $name ), // As sanitize_term() stores names: &amp; &lt; &gt; escaped.
				'slug' => sanitize_title( $name ),
			)
		);
		$id = (int) $wpdb->insert_id;
		$wpdb->insert(
			$wpdb->term_taxonomy,
			array(
				'term_id'     => $id,
				'taxonomy'    => 'product_cat',
				'description' => '',
				'parent'      => $parent,
				'count'       => 3,
			)
		);
		return $id;
	}

	/**
	 * GET a route and return its data.
	 *
	 * @param string              $route Route.
	 * @param array<string,mixed> $query Query.
	 * @return array<int,array<string,mixed>>
	 */
	private function get( string $route, array $query ): array {
		$response = $this->rest( 'GET', $route, array(), $query );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	/**
	 * Products are found by part of their name, by SKU, and by id; names starting with the text come first; trashed
	 * products and other post types are left out.
	 */
	public function test_products_are_found_by_name_sku_and_id_with_prefix_matches_first(): void {
		$mug       = $this->product( "{$this->mark} Mug", 'MUG-1' );
		$big       = $this->product( "Big {$this->mark} Bowl", 'BWL-9' );
		$variation = $this->product( "{$this->mark} Mug - Blue", "{$this->mark}-BLUE", 'product_variation', $mug );
		$this->product( "{$this->mark} Trashed", '', 'product', 0, 'trash' );
		$this->product( "{$this->mark} Page", '', 'page' );

		$found = $this->get( '/rondine/v1/audience/products', array( 'search' => $this->mark ) );
		$this->assertSame( array( $mug, $variation, $big ), array_column( $found, 'id' ) );
		$this->assertSame(
			array(
				'id'        => $variation,
				'name'      => "{$this->mark} Mug - Blue",
				'sku'       => "{$this->mark}-BLUE",
				'type'      => 'variation',
				'parent_id' => $mug,
			),
			$found[1]
		);
		$this->assertSame( array( $mug ), array_column( $this->get( '/rondine/v1/audience/products', array( 'search' => 'MUG-1' ) ), 'id' ) );
		$this->assertContains( $big, array_column( $this->get( '/rondine/v1/audience/products', array( 'search' => (string) $big ) ), 'id' ) );
		$this->assertCount( 2, $this->get( '/rondine/v1/audience/products', array( 'search' => $this->mark, 'per_page' => 2 ) ) );
		$this->assertCount( 3, $this->get( '/rondine/v1/audience/products', array( 'include' => array( $mug, $big, $variation ), 'per_page' => 1 ) ), 'include names every id asked' );
		// WordPress's collation (utf8mb4_unicode_520_ci) ignores case and accents: owners type without them.
		$cafe = $this->product( "Tazzina da caffè {$this->mark}" );
		$this->assertSame( array( $cafe ), array_column( $this->get( '/rondine/v1/audience/products', array( 'search' => "CAFFE {$this->mark}" ) ), 'id' ) );
	}

	/**
	 * Saved segments hold ids: `include` names them, in the order asked, leaving out ids that no longer exist.
	 */
	public function test_include_resolves_saved_ids_to_names_in_order(): void {
		$a = $this->product( "{$this->mark} A", 'A-1' );
		$b = $this->product( "{$this->mark} B" );
		$this->assertSame(
			array( "{$this->mark} B", "{$this->mark} A" ),
			array_column( $this->get( '/rondine/v1/audience/products', array( 'include' => array( $b, 999999999, $a ) ) ), 'name' )
		);
		$this->assertSame(
			array( "{$this->mark} B", "{$this->mark} A" ),
			array_column( $this->get( '/rondine/v1/audience/products', array( 'include' => "$b,$a" ) ), 'name' ),
			'a comma-separated query string works too'
		);
		$cat = $this->category( "{$this->mark} Cups" );
		$this->assertSame( array( $cat ), array_column( $this->get( '/rondine/v1/audience/categories', array( 'include' => array( $cat ) ) ), 'id' ) );
	}

	/**
	 * Categories are found by name, with their parent's name; escaped names come back as text; other taxonomies are
	 * left out.
	 */
	public function test_categories_are_found_by_name_with_their_parent(): void {
		$kitchen = $this->category( "{$this->mark} Kitchen & Table" );
		$plates  = $this->category( "Plates {$this->mark}", $kitchen );
		wp_insert_term( "{$this->mark} blog category", 'category' );

		$found = $this->get( '/rondine/v1/audience/categories', array( 'search' => $this->mark ) );
		$this->assertSame( array( $kitchen, $plates ), array_column( $found, 'id' ) );
		$this->assertSame( "{$this->mark} Kitchen & Table", $found[0]['name'] );
		$this->assertSame( "{$this->mark} Kitchen & Table", $found[1]['parent_name'] );
		$this->assertSame( 3, $found[1]['count'] );
		$this->assertSame( array( $kitchen ), array_column( $this->get( '/rondine/v1/audience/categories', array( 'search' => "{$this->mark} Kitchen & T" ) ), 'id' ), 'an & is searched as typed' );
	}

	/**
	 * `%`, `_`, quotes and SQL in the search are text: they match only names that contain them, never everything, and
	 * change nothing.
	 */
	public function test_sql_metacharacters_in_the_search_are_inert(): void {
		global $wpdb;
		$percent = $this->product( "{$this->mark} 100% cotton" );
		$this->product( "{$this->mark} 100 cotton" );
		$quote = $this->category( "{$this->mark} L'Aquila" );
		$posts = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts}" );

		$this->assertSame( array( $percent ), array_column( $this->get( '/rondine/v1/audience/products', array( 'search' => "{$this->mark} 100%" ) ), 'id' ) );
		$this->assertSame( array(), $this->get( '/rondine/v1/audience/products', array( 'search' => "{$this->mark}_100" ) ) );
		foreach ( array( '%', '_', "' OR 1=1 -- ", '") OR ("1"="1', "'; DELETE FROM {$wpdb->posts}; --", '\\' ) as $hostile ) {
			$this->assertSame( array(), $this->get( '/rondine/v1/audience/products', array( 'search' => $hostile . $this->mark ) ), $hostile );
			$this->assertSame( array(), $this->get( '/rondine/v1/audience/categories', array( 'search' => $hostile . $this->mark ) ), $hostile );
			$this->assertSame( array(), $this->get( '/rondine/v1/tags', array( 'search' => $hostile . $this->mark ) ), $hostile );
		}
		$this->assertSame( array( $quote ), array_column( $this->get( '/rondine/v1/audience/categories', array( 'search' => "{$this->mark} L'Aq" ) ), 'id' ) );
		$this->assertSame( $posts, (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts}" ) );
	}

	/**
	 * Bad arguments are refused before any query.
	 */
	public function test_bad_arguments_are_refused(): void {
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/audience/products', array(), array( 'per_page' => 51 ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/audience/categories', array(), array( 'include' => array( 'x' ) ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/audience/products', array(), array( 'search' => str_repeat( 'a', 101 ) ) )->get_status() );
	}

	/**
	 * Only Rondine's managers may search: editors, customers and visitors get 403.
	 */
	public function test_only_managers_may_search(): void {
		$this->product( "{$this->mark} Secret product" );
		foreach ( array( 'editor', 'customer', '' ) as $role ) {
			wp_set_current_user( '' === $role ? 0 : $this->user( $role ) );
			foreach ( array( '/rondine/v1/audience/products', '/rondine/v1/audience/categories', '/rondine/v1/tags' ) as $route ) {
				$response = $this->rest( 'GET', $route, array(), array( 'search' => $this->mark ) );
				$this->assertSame( 403, $response->get_status(), "$role $route" );
				$this->assertSame( 'rondine_forbidden', $response->get_data()['code'] );
			}
		}
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertCount( 1, $this->get( '/rondine/v1/audience/products', array( 'search' => $this->mark ) ) );
	}

	/**
	 * Tags: searched by name with their contact counts, renamed (a taken name is a 409), deleted off every contact.
	 */
	public function test_tags_are_searched_renamed_and_deleted_off_contacts(): void {
		global $wpdb;
		$vip   = Tags::ensure( "{$this->mark} VIP" );
		$other = Tags::ensure( "Old {$this->mark}" );
		$wpdb->insert(
			\Rondine\Audience\Contacts::table(),
			array(
				'phone'      => '+39333' . wp_rand( 1000000, 9999999 ),
				'first_name' => 'Tagged',
				'source'     => 'import',
				'consent'    => 'none',
			)
		);
		$contact = (int) $wpdb->insert_id;
		\Rondine\Audience\Contacts::set_tags( $contact, array( $vip, $other ) );

		$found = $this->get( '/rondine/v1/tags', array( 'search' => $this->mark ) );
		$this->assertSame( array( $vip, $other ), array_column( $found, 'id' ) );
		$this->assertSame( 1, $found[0]['count'] );
		$this->assertSame( array( $other ), array_column( $this->get( '/rondine/v1/tags', array( 'include' => array( $other ) ) ), 'id' ) );
		$this->assertSame( array( $vip ), array_column( $this->get( '/rondine/v1/tags', array( 'search' => $this->mark, 'per_page' => 1 ) ), 'id' ) );
		$this->assertCount( 2, $this->get( '/rondine/v1/tags', array( 'include' => array( $vip, $other ), 'per_page' => 1 ) ), 'include names every id asked' );

		$renamed = $this->rest( 'PUT', "/rondine/v1/tags/$vip", array( 'name' => "{$this->mark} Gold" ) );
		$this->assertSame( 200, $renamed->get_status() );
		$this->assertSame( "{$this->mark} Gold", $renamed->get_data()['name'] );
		$this->assertSame( sanitize_title( "{$this->mark} Gold" ), $renamed->get_data()['slug'] );
		$this->assertSame( 1, $renamed->get_data()['count'] );

		$taken = $this->rest( 'PUT', "/rondine/v1/tags/$vip", array( 'name' => "old {$this->mark}" ) );
		$this->assertSame( 409, $taken->get_status() );
		$this->assertSame( 'rondine_tag_exists', $taken->get_data()['code'] );
		$this->assertSame( 400, $this->rest( 'PUT', "/rondine/v1/tags/$vip", array( 'name' => '   ' ) )->get_status() );
		$this->assertSame( 404, $this->rest( 'PUT', '/rondine/v1/tags/999999999', array( 'name' => 'x' ) )->get_status() );

		$this->assertSame( 200, $this->rest( 'DELETE', "/rondine/v1/tags/$vip" )->get_status() );
		$this->assertSame( array( $other ), array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT tag_id FROM {$wpdb->prefix}rondine_contact_tags WHERE contact_id = %d", $contact ) ) ) );
		$this->assertSame( array(), $this->get( '/rondine/v1/tags', array( 'include' => array( $vip ) ) ) );
		$this->assertSame( 404, $this->rest( 'DELETE', "/rondine/v1/tags/$vip" )->get_status() );
	}
}
