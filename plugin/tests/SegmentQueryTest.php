<?php
/**
 * Segments compiled to SQL.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Audience;
use Rondine\Audience\Contacts;
use Rondine\Audience\CustomerSync;
use Rondine\Audience\Lists;
use Rondine\Audience\SegmentQuery;
use Rondine\Audience\Tags;
use Rondine\Consent\Consent;
use Rondine\Tests\Fixtures\Shop;

/**
 * Segment counts equal independent SQL written another way (correlated subqueries) over the whole database (the
 * generated shop included), filters do what they say on a small known shop, and SQL metacharacters in values are
 * only data.
 */
final class SegmentQueryTest extends TestCase {

	/**
	 * City that only this test's customers live in.
	 *
	 * @var string
	 */
	private string $city;

	/**
	 * Customer ids by name.
	 *
	 * @var array<string,int>
	 */
	private array $c = array();

	/**
	 * A small shop: every customer opted in unless said otherwise.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->city = 'Fixtureville ' . wp_generate_password( 6, false );
		$people     = array(
			// name => [country, orders: [total, days_ago, status, products], registered].
			'big_it'     => array( 'IT', array( array( 80, 30, 'wc-completed', array( 11 ) ), array( 70, 100, 'wc-processing', array( 12 ) ) ), true ),
			'old_it'     => array( 'IT', array( array( 500, 500, 'wc-completed', array( 11 ) ) ), false ),
			'small_it'   => array( 'IT', array( array( 20, 10, 'wc-completed', array( 13 ) ) ), false ),
			'refund_it'  => array( 'IT', array( array( 150, 20, 'wc-refunded', array( 12 ) ) ), false ),
			'big_de'     => array( 'DE', array( array( 300, 15, 'wc-completed', array( 12 ) ), array( 10, 2, 'wc-completed', array( 13 ) ) ), true ),
			'nobuy_fr'   => array( 'FR', array(), false ),
		);
		$phone     = 3331000000;
		$order_ids = array();
		foreach ( $people as $name => [ $country, $orders, $registered ] ) {
			$user_id          = $registered ? $this->user( 'customer' ) : null;
			$this->c[ $name ] = Shop::customer(
				array(
					'first_name' => $name,
					'country'    => $country,
					'city'       => $this->city,
					'user_id'    => $user_id,
				)
			);
			$phone_text = '+39 ' . ( ++$phone );
			if ( ! $orders && null !== $user_id ) {
				update_user_meta( $user_id, 'billing_phone', $phone_text );
			}
			if ( ! $orders ) {
				// A customer without orders is known by an import (their phone is not in WooCommerce).
				Contacts::upsert_by_phone( '+39' . $phone, array( 'source' => 'import' ) );
				global $wpdb;
				$wpdb->update( Contacts::table(), array( 'customer_id' => $this->c[ $name ], 'country' => $country, 'city' => $this->city ), array( 'phone' => '+39' . $phone ) );
			}
			foreach ( $orders as [ $total, $days, $status, $products ] ) {
				$order_ids[ $name ][] = Shop::order(
					$this->c[ $name ],
					array(
						'total'    => $total,
						'days_ago' => $days,
						'status'   => $status,
						'products' => $products,
						'phone'    => $phone_text,
						'country'  => $country,
					)
				);
			}
		}
		// Refunds, as WooCommerce records them (their own rows, status wc-completed): the refunded order's full
		// refund, and a partial refund of 40 on big_de's order of 300.
		Shop::refund( $order_ids['refund_it'][0], 150, 18 );
		Shop::refund( $order_ids['big_de'][0], 40, 12 );
		CustomerSync::sync_customers( array_values( $this->c ) );
		global $wpdb;
		$ids = $wpdb->get_col( "SELECT id FROM {$wpdb->prefix}rondine_contacts WHERE customer_id IN (" . implode( ',', $this->c ) . ')' );
		Consent::record_bulk( array_map( 'intval', $ids ), Consent::GRANTED, 'bulk', 'test' );
	}

	/**
	 * The names that a definition (restricted to this test's city) matches, opted-in only.
	 *
	 * @param array<int,array<string,mixed>> $filters Filters of one AND group.
	 * @param string                         $match   all or any inside the group.
	 * @param array<string,mixed>            $extra   Extra definition keys.
	 * @return string[]
	 */
	private function names( array $filters, string $match = 'all', array $extra = array(), bool $all_opted_in = true ): array {
		global $wpdb;
		$definition = array(
			'match'  => 'all',
			'groups' => array(
				array(
					'match'   => 'all',
					'filters' => array(
						array(
							'field' => 'billing_city',
							'op'    => 'is',
							'value' => $this->city,
						),
					),
				),
				array(
					'match'   => $match,
					'filters' => $filters,
				),
			),
		) + $extra;
		$ids      = $wpdb->get_col( SegmentQuery::compile( $definition ) );
		$names    = array();
		$by_id    = array_flip( $this->c );
		foreach ( $ids as $id ) {
			$contact = Contacts::find( (int) $id );
			$names[] = $by_id[ $contact['customer_id'] ];
		}
		sort( $names );
		$count = Audience::count(
			array(
				'segments'   => array(),
				'lists'      => array(),
				'definition' => $definition,
			)
		);
		if ( $all_opted_in ) {
			$this->assertSame( count( $names ), $count, 'count agrees with the compiled SELECT (all opted in here)' );
		} else {
			$this->assertSame( 0, $count, 'contacts without consent are never counted' );
		}
		return $names;
	}

	/**
	 * "Spent over 100 in the last year, in Italy" equals an independent count over the whole database.
	 */
	public function test_spent_over_100_last_year_in_italy_equals_independent_sql(): void {
		global $wpdb;
		$definition = array(
			'match'  => 'all',
			'groups' => array(
				array(
					'match'   => 'all',
					'filters' => array(
						array(
							'field'       => 'total_spent',
							'op'          => 'gt',
							'value'       => 100,
							'within_days' => 365,
						),
						array(
							'field' => 'billing_country',
							'op'    => 'in',
							'value' => array( 'IT' ),
						),
					),
				),
			),
		);
		// Written another way: from the customer lookup's country and WooCommerce's GMT dates, with MariaDB's clock,
		// summed over every customer whose phone is the contact's (a phone shared by several customers is one contact
		// with the sum of their orders: CustomerSync).
		$independent = (int) $wpdb->get_var(
			"SELECT COUNT(DISTINCT c.phone) FROM {$wpdb->prefix}rondine_contacts c
			JOIN {$wpdb->prefix}wc_customer_lookup l ON l.customer_id = c.customer_id
			WHERE c.phone IS NOT NULL AND c.consent = 'granted' AND l.country = 'IT'
			AND ( SELECT SUM(s.total_sales) FROM {$wpdb->prefix}wc_order_stats s
				LEFT JOIN {$wpdb->prefix}wc_order_stats o ON o.order_id = s.parent_id
				WHERE s.customer_id IN (SELECT m.customer_id FROM {$wpdb->prefix}rondine_customer_contacts m WHERE m.contact_id = c.id) AND IFNULL(o.status, s.status) IN ('wc-completed','wc-processing','wc-on-hold')
				AND s.date_created_gmt >= UTC_TIMESTAMP() - INTERVAL 365 DAY ) > 100"
		);
		$count = Audience::count(
			array(
				'segments'   => array(),
				'lists'      => array(),
				'definition' => $definition,
			)
		);
		$this->assertSame( $independent, $count );
		$this->assertGreaterThanOrEqual( 1, $count, 'big_it at least' );
		$this->assertSame( array( 'big_it' ), $this->names( $definition['groups'][0]['filters'] ) );
	}

	/**
	 * Before a full sync has filled the kept figures (an upgrade on a site without WP-Cron), segments read WooCommerce's
	 * tables directly and count the same.
	 */
	public function test_counts_do_not_depend_on_kept_figures(): void {
		$filters = array(
			array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100, 'within_days' => 365 ),
			array( 'field' => 'order_count', 'op' => 'gte', 'value' => 1 ),
			array( 'field' => 'last_order_date', 'op' => 'in_last_days', 'value' => 40 ),
		);
		update_option( CustomerSync::READY_OPTION, \Rondine\Installer::DB_VERSION );
		$kept = $this->names( $filters );
		delete_option( CustomerSync::READY_OPTION );
		$this->assertFalse( CustomerSync::figures_ready() );
		$this->assertStringNotContainsString( 'rondine_order_facts', SegmentQuery::compile( array( 'groups' => array( array( 'match' => 'all', 'filters' => $filters ) ) ) ) );
		$this->assertSame( $kept, $this->names( $filters ) );
		$this->assertSame( array( 'big_de', 'big_it' ), $kept );
	}

	/**
	 * Each filter on the known shop.
	 */
	public function test_filters_select_the_right_customers(): void {
		$this->assertSame( array( 'big_de', 'big_it', 'old_it' ), $this->names( array( array( 'field' => 'total_spent', 'op' => 'gte', 'value' => 150 ) ) ) );
		$this->assertSame( array( 'big_de', 'big_it' ), $this->names( array( array( 'field' => 'order_count', 'op' => 'eq', 'value' => 2 ) ) ) );
		// Net of refunds: big_de spent 300 + 10 - 40; the refund of a refunded order is not counted without the order.
		$this->assertSame( array( 'big_de' ), $this->names( array( array( 'field' => 'total_spent', 'op' => 'between', 'value' => array( 265, 275 ) ) ) ) );
		$this->assertSame( array(), $this->names( array( array( 'field' => 'total_spent', 'op' => 'lt', 'value' => 0 ) ) ), 'nobody spent less than nothing' );
		$this->assertSame( array(), $this->names( array( array( 'field' => 'total_spent', 'op' => 'lt', 'value' => 0, 'within_days' => 30 ) ) ), 'nor in a period' );
		$this->assertSame( array( 'nobuy_fr', 'refund_it' ), $this->names( array( array( 'field' => 'order_count', 'op' => 'eq', 'value' => 0 ) ) ), 'refunded orders are not counted by default' );
		$this->assertSame( array( 'refund_it' ), $this->names( array( array( 'field' => 'order_count', 'op' => 'eq', 'value' => 1 ) ), 'all', array( 'statuses' => array( 'wc-refunded' ) ) ) );
		$this->assertSame( array( 'big_de', 'old_it' ), $this->names( array( array( 'field' => 'avg_order_value', 'op' => 'between', 'value' => array( 130, 1000 ) ) ) ), 'big_de: (300 + 10 - 40) / 2 = 135' );
		$this->assertSame( array( 'old_it' ), $this->names( array( array( 'field' => 'last_order_date', 'op' => 'not_in_last_days', 'value' => 365 ) ) ) );
		$this->assertSame( array( 'big_de', 'small_it' ), $this->names( array( array( 'field' => 'last_order_date', 'op' => 'in_last_days', 'value' => 12 ) ) ) );
		$old = ( new \DateTimeImmutable( 'now', wp_timezone() ) )->modify( '-200 days' )->format( 'Y-m-d' );
		$this->assertSame( array( 'old_it' ), $this->names( array( array( 'field' => 'first_order_date', 'op' => 'before', 'value' => $old ) ) ) );
		$this->assertSame( array( 'big_de', 'big_it', 'small_it' ), $this->names( array( array( 'field' => 'first_order_date', 'op' => 'after', 'value' => $old ) ) ) );
		$this->assertSame( array( 'big_it', 'old_it' ), $this->names( array( array( 'field' => 'bought_product', 'op' => 'any_of', 'value' => array( 11 ) ) ) ) );
		$this->assertSame( array( 'nobuy_fr', 'refund_it', 'small_it' ), $this->names( array( array( 'field' => 'bought_product', 'op' => 'none_of', 'value' => array( 11, 12 ) ) ) ), 'a refunded purchase does not count as bought' );
		$this->assertSame( array( 'big_de', 'big_it' ), $this->names( array( array( 'field' => 'customer_type', 'op' => 'is', 'value' => 'registered' ) ) ) );
		$this->assertSame( array( 'big_de', 'nobuy_fr' ), $this->names( array( array( 'field' => 'billing_country', 'op' => 'not_in', 'value' => array( 'it' ) ) ) ) );
		$this->assertSame(
			array( 'big_de', 'nobuy_fr', 'small_it' ),
			$this->names(
				array(
					array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'FR' ) ),
					array( 'field' => 'total_spent', 'op' => 'between', 'value' => array( 15, 25 ) ),
					array( 'field' => 'order_count', 'op' => 'gte', 'value' => 2, 'within_days' => 20 ),
				),
				'any'
			),
			'OR inside a group'
		);
	}

	/**
	 * Categories include their sub-categories; tags; consent.
	 */
	public function test_categories_tags_and_consent(): void {
		global $wpdb;
		$parent = wp_insert_term( 'Ceramics ' . wp_generate_password( 4, false ), 'category' );
		$child  = wp_insert_term( 'Plates ' . wp_generate_password( 4, false ), 'category' );
		$wpdb->update( $wpdb->term_taxonomy, array( 'taxonomy' => 'product_cat' ), array( 'term_id' => $parent['term_id'] ) );
		$wpdb->update( $wpdb->term_taxonomy, array( 'taxonomy' => 'product_cat', 'parent' => $parent['term_id'] ), array( 'term_id' => $child['term_id'] ) );
		$wpdb->insert( $wpdb->prefix . 'wc_category_lookup', array( 'category_tree_id' => $parent['term_id'], 'category_id' => $parent['term_id'] ) );
		$wpdb->insert( $wpdb->prefix . 'wc_category_lookup', array( 'category_tree_id' => $parent['term_id'], 'category_id' => $child['term_id'] ) );
		$wpdb->insert( $wpdb->prefix . 'wc_category_lookup', array( 'category_tree_id' => $child['term_id'], 'category_id' => $child['term_id'] ) );
		$wpdb->insert( $wpdb->term_relationships, array( 'object_id' => 13, 'term_taxonomy_id' => $child['term_taxonomy_id'] ) );
		$this->assertSame( array( 'big_de', 'small_it' ), $this->names( array( array( 'field' => 'bought_category', 'op' => 'any_of', 'value' => array( $parent['term_id'] ) ) ) ) );

		$vip     = Tags::ensure( 'VIP' );
		$contact = $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . Contacts::table() . ' WHERE customer_id = %d', $this->c['old_it'] ) );
		Contacts::add_tags( (int) $contact, array( $vip ) );
		$this->assertSame( array( 'old_it' ), $this->names( array( array( 'field' => 'tags', 'op' => 'any_of', 'value' => array( $vip ) ) ) ) );
		Consent::record( (int) $contact, Consent::REVOKED, 'admin', 'test' );
		$this->assertSame( array( 'old_it' ), $this->names( array( array( 'field' => 'consent', 'op' => 'is', 'value' => 'revoked' ) ), 'all', array(), false ) );
	}

	/**
	 * SQL metacharacters in values are data: nothing matches, nothing breaks, the tables are intact.
	 */
	public function test_sql_metacharacters_are_inert(): void {
		global $wpdb;
		$before = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() );
		foreach ( array( "x' OR '1'='1", "'; DROP TABLE {$wpdb->prefix}rondine_contacts; --", '%', '_', '\\', '" OR ""="', 'Fixtureville%' ) as $value ) {
			foreach ( array( 'is', 'contains' ) as $op ) {
				$definition = array(
					'groups' => array(
						array(
							'match'   => 'all',
							'filters' => array(
								array(
									'field' => 'billing_city',
									'op'    => $op,
									'value' => $value,
								),
							),
						),
					),
				);
				$count      = Audience::count( array( 'segments' => array(), 'lists' => array(), 'definition' => $definition ) );
				$this->assertSame( '', $wpdb->last_error, "$op $value" );
				$this->assertSame( 0, $count, "$op $value matches nothing" );
			}
		}
		$this->assertSame( $before, (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() ) );
	}

	/**
	 * Lists and segments together: the union, each phone once.
	 */
	public function test_union_of_lists_and_segments_counts_each_phone_once(): void {
		global $wpdb;
		$definition = array(
			'groups' => array(
				array(
					'match'   => 'all',
					'filters' => array(
						array( 'field' => 'billing_city', 'op' => 'is', 'value' => $this->city ),
						array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'IT' ) ),
					),
				),
			),
		);
		$segment = \Rondine\Audience\Segments::save( null, 'Italy here', $definition )['id'];
		$list    = Lists::save( null, 'Overlap', '' )['id'];
		$ids     = $wpdb->get_col( $wpdb->prepare( 'SELECT id FROM ' . Contacts::table() . ' WHERE customer_id IN (%d, %d)', $this->c['big_it'], $this->c['big_de'] ) );
		Lists::add( $list, array_map( 'intval', $ids ) );
		$extra = Contacts::upsert_by_phone( '+447700900555', array( 'source' => 'import' ) )['id'];
		Consent::record( $extra, Consent::GRANTED, 'import', 'test' );
		Lists::add( $list, array( $extra ) );
		$this->assertSame( 4, Audience::count( array( 'segments' => array( $segment ), 'lists' => array(), 'definition' => null ) ) );
		$this->assertSame( 3, Audience::count( array( 'segments' => array(), 'lists' => array( $list ), 'definition' => null ) ) );
		$this->assertSame( 6, Audience::count( array( 'segments' => array( $segment ), 'lists' => array( $list ), 'definition' => null ) ), '4 + 3 - big_it in both' );
	}

	/**
	 * Bad definitions are refused with a message naming the filter; the REST route answers 400.
	 */
	public function test_invalid_definitions_are_refused(): void {
		$bad = array(
			array( 'groups' => array( array( 'match' => 'all', 'filters' => array( array( 'field' => 'password', 'op' => 'is', 'value' => 'x' ) ) ) ) ),
			array( 'groups' => array( array( 'match' => 'all', 'filters' => array( array( 'field' => 'total_spent', 'op' => 'gt', 'value' => '1 OR 1=1' ) ) ) ) ),
			array( 'groups' => array( array( 'match' => 'all', 'filters' => array( array( 'field' => 'first_order_date', 'op' => 'before', 'value' => '2025-02-30' ) ) ) ) ),
			array( 'groups' => array( array( 'match' => 'all', 'filters' => array( array( 'field' => 'bought_product', 'op' => 'any_of', 'value' => array( '1) OR (1' ) ) ) ) ) ),
			array( 'groups' => array( array( 'match' => 'both', 'filters' => array() ) ) ),
			array( 'statuses' => array( "wc-completed' OR 1" ), 'groups' => array() ),
		);
		wp_set_current_user( $this->user( 'administrator' ) );
		foreach ( $bad as $definition ) {
			try {
				SegmentQuery::validate( $definition );
				$this->fail( 'accepted: ' . wp_json_encode( $definition ) );
			} catch ( \InvalidArgumentException $invalid ) {
				$this->assertNotSame( '', $invalid->getMessage() );
			}
			$response = $this->rest( 'POST', '/rondine/v1/segments', array( 'name' => 'Bad', 'definition' => $definition ) );
			$this->assertSame( 400, $response->get_status() );
			$this->assertSame( 'rondine_invalid_segment', $response->get_data()['code'] );
		}
		$this->assertSame( array(), array_values( array_filter( \Rondine\Audience\Segments::all(), static fn( $s ) => 'Bad' === $s['name'] ) ), 'nothing saved' );
	}
}
