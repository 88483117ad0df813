<?php
/**
 * Segment definitions compiled to SQL.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Validates a segment definition and compiles it to one SQL query over `rondine_contacts` and WooCommerce's
 * analytics tables (`wc_order_stats`, `wc_order_product_lookup`, `wc_category_lookup`), which WooCommerce keeps in
 * both order storages (HPOS and posts), so the same SQL serves both.
 *
 * Order figures over the default counted statuses are kept on the contact row by CustomerSync (from `wc_order_stats`),
 * and a period ("in the last N days") over those statuses reads `rondine_order_facts`, CustomerSync's copy of the
 * customers' `wc_order_stats` rows clustered by customer and date; other statuses read `wc_order_stats` per contact
 * (index `customer_id`). Refunds are
 * rows of their own with negative totals, so "total spent" is net of refunds, and "number of orders" counts parent
 * orders only; a refund row is counted when its order's status is (see counted()). Every value reaches SQL through `$wpdb->prepare()` or an integer cast.
 */
final class SegmentQuery {

	public const DEFAULT_STATUSES = array( 'wc-completed', 'wc-processing', 'wc-on-hold' );

	private const MAX_GROUPS  = 10;
	private const MAX_FILTERS = 20;

	/**
	 * Whether the figures kept by CustomerSync can be used for this query (see CustomerSync::figures_ready()).
	 *
	 * @var bool
	 */
	private static bool $kept = true;

	/**
	 * Checks a definition and returns it in canonical form.
	 *
	 * @param mixed $definition Decoded JSON.
	 * @return array{match:string,groups:array<int,array{match:string,filters:array<int,array<string,mixed>>}>,statuses:string[]}
	 * @throws \InvalidArgumentException With a translated message naming the faulty filter.
	 */
	public static function validate( $definition ): array {
		if ( ! is_array( $definition ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The segment definition must be an object with “groups”.', 'rondine' ) );
		}
		$match = $definition['match'] ?? 'all';
		if ( ! in_array( $match, array( 'all', 'any' ), true ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The segment’s “match” must be “all” or “any”.', 'rondine' ) );
		}
		$statuses = $definition['statuses'] ?? self::DEFAULT_STATUSES;
		if ( ! is_array( $statuses ) || ! $statuses ) {
			throw new \InvalidArgumentException( esc_html__( 'Choose at least one order status to count.', 'rondine' ) );
		}
		foreach ( $statuses as $status ) {
			if ( ! is_string( $status ) || ! preg_match( '/^wc-[a-z0-9_-]{1,40}$/', $status ) ) {
				throw new \InvalidArgumentException( esc_html__( 'Order statuses must look like “wc-completed”.', 'rondine' ) );
			}
		}
		$groups = $definition['groups'] ?? array();
		if ( ! is_array( $groups ) || count( $groups ) > self::MAX_GROUPS ) {
			/* translators: %d: maximum number of groups. */
			throw new \InvalidArgumentException( esc_html( sprintf( __( 'A segment has a list of at most %d groups.', 'rondine' ), self::MAX_GROUPS ) ) );
		}
		$clean = array();
		foreach ( array_values( $groups ) as $g => $group ) {
			$group_match = is_array( $group ) ? ( $group['match'] ?? 'all' ) : null;
			$filters     = is_array( $group ) ? ( $group['filters'] ?? null ) : null;
			if ( ! in_array( $group_match, array( 'all', 'any' ), true ) || ! is_array( $filters ) || count( $filters ) > self::MAX_FILTERS ) {
				/* translators: 1: group number, 2: maximum filters. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'Group %1$d must have “match” (all or any) and at most %2$d filters.', 'rondine' ), $g + 1, self::MAX_FILTERS ) ) );
			}
			$clean_filters = array();
			foreach ( array_values( $filters ) as $f => $filter ) {
				$clean_filters[] = self::validate_filter( $filter, $g + 1, $f + 1 );
			}
			$clean[] = array(
				'match'   => $group_match,
				'filters' => $clean_filters,
			);
		}
		return array(
			'match'    => $match,
			'groups'   => $clean,
			'statuses' => array_values( array_unique( $statuses ) ),
		);
	}

	/**
	 * Checks one filter.
	 *
	 * @param mixed $filter Filter.
	 * @param int   $group  Group number (for messages).
	 * @param int   $number Filter number (for messages).
	 * @return array<string,mixed>
	 * @throws \InvalidArgumentException When invalid.
	 */
	private static function validate_filter( $filter, int $group, int $number ): array {
		/* translators: 1: group number, 2: filter number, 3: what is wrong. */
		$fail  = static fn( string $why ) => new \InvalidArgumentException( esc_html( sprintf( __( 'Group %1$d, filter %2$d: %3$s', 'rondine' ), $group, $number, $why ) ) );
		$field = is_array( $filter ) ? ( $filter['field'] ?? '' ) : '';
		if ( ! is_string( $field ) || ! isset( Fields::DEFINITIONS[ $field ] ) ) {
			throw $fail( esc_html__( 'unknown field.', 'rondine' ) );
		}
		[ $type, $operators, $window ] = Fields::DEFINITIONS[ $field ];
		$op                            = $filter['op'] ?? '';
		if ( ! in_array( $op, $operators, true ) ) {
			throw $fail( esc_html__( 'this comparison is not available for this field.', 'rondine' ) );
		}
		$value = $filter['value'] ?? null;
		$clean = array(
			'field' => $field,
			'op'    => $op,
		);
		switch ( $type ) {
			case 'money':
			case 'integer':
				$values = 'between' === $op ? ( is_array( $value ) && 2 === count( $value ) ? array_values( $value ) : null ) : array( $value );
				if ( null === $values ) {
					throw $fail( esc_html__( '“between” needs two numbers.', 'rondine' ) );
				}
				foreach ( $values as $v ) {
					if ( ! is_numeric( $v ) || ! is_finite( (float) $v ) || (float) $v < 0 || (float) $v > 1e12 ) {
						throw $fail( esc_html__( 'the value must be a number of zero or more.', 'rondine' ) );
					}
				}
				$values         = array_map( 'floatval', $values );
				$clean['value'] = 'between' === $op ? array( min( $values ), max( $values ) ) : $values[0];
				if ( isset( $filter['within_days'] ) && null !== $filter['within_days'] ) {
					$days = $filter['within_days'];
					if ( ! $window || ! is_numeric( $days ) || (int) $days != $days || (int) $days < 1 || (int) $days > 3660 ) { // phpcs:ignore Universal.Operators.StrictComparisons.LooseNotEqual -- "365" and 365 are both fine.
						throw $fail( esc_html__( 'the period must be a whole number of days between 1 and 3660.', 'rondine' ) );
					}
					$clean['within_days'] = (int) $days;
				}
				break;
			case 'date':
				if ( in_array( $op, array( 'in_last_days', 'not_in_last_days' ), true ) ) {
					if ( ! is_numeric( $value ) || (int) $value != $value || (int) $value < 1 || (int) $value > 3660 ) { // phpcs:ignore Universal.Operators.StrictComparisons.LooseNotEqual -- "12" and 12 are both whole numbers; 1.5 is not.
						throw $fail( esc_html__( 'the number of days must be a whole number between 1 and 3660.', 'rondine' ) );
					}
					$clean['value'] = (int) $value;
				} else {
					$date = is_string( $value ) ? \DateTimeImmutable::createFromFormat( '!Y-m-d', $value ) : false;
					if ( ! $date || $date->format( 'Y-m-d' ) !== $value ) {
						throw $fail( esc_html__( 'the date must be written YYYY-MM-DD.', 'rondine' ) );
					}
					$clean['value'] = $value;
				}
				break;
			case 'products':
			case 'categories':
			case 'tags':
				if ( ! is_array( $value ) || ! $value || count( $value ) > 500 ) {
					throw $fail( esc_html__( 'choose at least one item (at most 500).', 'rondine' ) );
				}
				foreach ( $value as $id ) {
					if ( ! is_numeric( $id ) || (int) $id != $id || (int) $id < 1 ) { // phpcs:ignore Universal.Operators.StrictComparisons.LooseNotEqual -- "12" and 12 are both whole numbers; 1.5 is not.
						throw $fail( esc_html__( 'items are given by their numeric ids.', 'rondine' ) );
					}
				}
				$clean['value'] = array_values( array_unique( array_map( 'intval', $value ) ) );
				break;
			case 'countries':
				if ( ! is_array( $value ) || ! $value ) {
					throw $fail( esc_html__( 'choose at least one country.', 'rondine' ) );
				}
				foreach ( $value as $country ) {
					if ( ! is_string( $country ) || ! preg_match( '/^[A-Za-z]{2}$/', $country ) ) {
						throw $fail( esc_html__( 'countries are two-letter codes such as IT.', 'rondine' ) );
					}
				}
				$clean['value'] = array_values( array_unique( array_map( 'strtoupper', $value ) ) );
				break;
			case 'text':
				if ( ! is_string( $value ) || '' === trim( $value ) || mb_strlen( $value ) > 100 ) {
					throw $fail( esc_html__( 'type a text of 1 to 100 characters.', 'rondine' ) );
				}
				$clean['value'] = trim( $value );
				break;
			case 'choice':
				$allowed = 'customer_type' === $field ? array( 'registered', 'guest' ) : array( 'granted', 'revoked', 'none' );
				if ( ! in_array( $value, $allowed, true ) ) {
					throw $fail( esc_html__( 'choose one of the proposed values.', 'rondine' ) );
				}
				$clean['value'] = $value;
				break;
		}
		return $clean;
	}

	/**
	 * `SELECT c.id FROM …` for the contacts a definition matches (consent and phone validity not applied).
	 *
	 * @param mixed $definition Segment definition (validated here).
	 * @throws \InvalidArgumentException When invalid.
	 */
	public static function compile( $definition ): string {
		$parts = self::parts( $definition );
		return 'SELECT c.id FROM ' . Contacts::table() . ' c' . $parts['joins'] . ' WHERE ' . $parts['where'];
	}

	/**
	 * JOIN clauses (after `rondine_contacts c`) and the WHERE condition of a definition. There are no joins today
	 * (every filter is a condition on the contact row), the key stays for callers.
	 *
	 * @param mixed $definition Segment definition.
	 * @return array{joins:string,where:string}
	 * @throws \InvalidArgumentException When invalid.
	 */
	public static function parts( $definition ): array {
		$definition = self::validate( $definition );
		// Orders WooCommerce saved but has not put in its analytics tables yet are imported first (Analytics).
		Analytics::refresh();
		$statuses   = $definition['statuses'];
		$group_sql  = array();
		self::$kept = CustomerSync::figures_ready();
		foreach ( $definition['groups'] as $group ) {
			$conditions = array();
			foreach ( $group['filters'] as $filter ) {
				$conditions[] = self::condition( $filter, $statuses );
			}
			// Cheap conditions first: MariaDB evaluates AND from the left and stops at the first false one.
			usort( $conditions, static fn( $x, $y ) => $x[0] <=> $y[0] );
			$sql = array_map( static fn( $c ) => $c[1], $conditions );
			if ( $sql ) {
				$group_sql[] = '(' . implode( 'all' === $group['match'] ? ' AND ' : ' OR ', $sql ) . ')';
			}
		}
		return array(
			'joins' => '',
			'where' => $group_sql ? '(' . implode( 'all' === $definition['match'] ? ' AND ' : ' OR ', $group_sql ) . ')' : '1=1',
		);
	}

	/**
	 * Whether the statuses are the default ones, whose figures are kept on the contact row (and the kept figures are
	 * complete).
	 *
	 * @param string[] $statuses Statuses.
	 */
	private static function default_statuses( array $statuses ): bool {
		if ( ! self::$kept ) {
			return false;
		}
		$a = $statuses;
		$b = self::DEFAULT_STATUSES;
		sort( $a );
		sort( $b );
		return $a === $b;
	}

	/**
	 * Whether a `wc_order_stats` row (alias $alias) is counted: an order by its own status, a refund (parent_id > 0) by
	 * its order's. WooCommerce gives a refund row the refund's own status (always `wc-completed`), so filtering refund
	 * rows by their own status would subtract the refund of an order whose status is not counted (a refunded order:
	 * the order is left out, its refund counted, and the customer's total spent would go below zero).
	 *
	 * @param string[] $statuses Counted statuses.
	 * @param string   $alias    Alias of wc_order_stats in the query.
	 */
	public static function counted( array $statuses, string $alias = 's' ): string {
		global $wpdb;
		$in = $wpdb->prepare( implode( ',', array_fill( 0, count( $statuses ), '%s' ) ), $statuses );
		return "(CASE WHEN $alias.parent_id = 0 THEN $alias.status ELSE COALESCE((SELECT po.status FROM {$wpdb->prefix}wc_order_stats po WHERE po.order_id = $alias.parent_id), $alias.status) END) IN ($in)";
	}

	/**
	 * The customers whose orders count for contact c (CustomerSync: every customer whose phone is the contact's).
	 */
	private static function customers_of_contact(): string {
		global $wpdb;
		return "SELECT m.customer_id FROM {$wpdb->prefix}rondine_customer_contacts m WHERE m.contact_id = c.id";
	}

	/**
	 * UTC time exactly N×24 h ago ('Y-m-d H:i:s'), for periods ("in the last N days" of orders, compared with
	 * `date_created_gmt`).
	 *
	 * @param int $days Days.
	 */
	private static function utc_days_ago( int $days ): string {
		return gmdate( 'Y-m-d H:i:s', time() - $days * DAY_IN_SECONDS );
	}

	/**
	 * Shop-local time N days ago ('Y-m-d H:i:s'): wc_order_stats.date_created is in the shop's timezone.
	 *
	 * @param int $days Days.
	 */
	private static function local_days_ago( int $days ): string {
		return ( new \DateTimeImmutable( 'now', wp_timezone() ) )->modify( "-$days days" )->format( 'Y-m-d H:i:s' );
	}

	/**
	 * A correlated aggregate of the contact's orders (index `customer_id` of wc_order_stats).
	 *
	 * @param string   $select   Aggregate expression over alias s.
	 * @param string[] $statuses Counted statuses.
	 * @param int|null $days     Only the last N days.
	 */
	private static function orders_subquery( string $select, array $statuses, ?int $days ): string {
		global $wpdb;
		if ( ! WooData::has( 'wc_order_stats' ) ) {
			return 'NULL';
		}
		if ( self::default_statuses( $statuses ) ) {
			// The same rows, clustered by customer and date: a period reads a few adjacent rows.
			$select = strtr(
				$select,
				array(
					's.total_sales'   => 's.total',
					's.parent_id = 0' => 's.is_order',
				)
			);
			$sql    = "(SELECT $select FROM {$wpdb->prefix}rondine_order_facts s WHERE s.customer_id = c.customer_id";
			if ( null !== $days ) {
				$sql .= $wpdb->prepare( ' AND s.date_created_gmt >= %s', self::utc_days_ago( $days ) );
			}
			return $sql . ')';
		}
		$sql = "(SELECT $select FROM {$wpdb->prefix}wc_order_stats s WHERE s.customer_id IN (" . self::customers_of_contact() . ') AND ' . self::counted( $statuses );
		if ( null !== $days ) {
			$sql .= $wpdb->prepare( ' AND s.date_created_gmt >= %s', self::utc_days_ago( $days ) );
		}
		return $sql . ')';
	}

	/**
	 * SQL condition of one validated filter, with its cost class (0 a column of the contact row, 1 an indexed
	 * EXISTS, 2 an aggregate of the contact's orders).
	 *
	 * Filters over the default statuses without a period read the figures kept on the contact row. A period or
	 * other statuses read the orders themselves; with the default statuses the all-time figure bounds the period's
	 * (a period's total or count can never exceed the all-time one), which discards most contacts before their orders
	 * are read.
	 *
	 * @param array<string,mixed> $filter   Filter.
	 * @param string[]            $statuses Counted statuses.
	 * @return array{0:int,1:string}
	 */
	private static function condition( array $filter, array $statuses ): array {
		global $wpdb;
		$op      = $filter['op'];
		$value   = $filter['value'];
		$default = self::default_statuses( $statuses );
		switch ( $filter['field'] ) {
			case 'total_spent':
			case 'order_count':
			case 'avg_order_value':
				$days = $filter['within_days'] ?? null;
				if ( $default && null === $days ) {
					$metric = array(
						'total_spent'     => 'c.total_spent',
						'order_count'     => 'c.orders_count',
						'avg_order_value' => 'COALESCE(c.total_spent / NULLIF(c.orders_count, 0), 0)',
					)[ $filter['field'] ];
					return array( 0, self::compare( $metric, $op, $value ) );
				}
				$metric = array(
					'total_spent'     => self::orders_subquery( 'COALESCE(SUM(s.total_sales), 0)', $statuses, $days ),
					'order_count'     => self::orders_subquery( 'COALESCE(SUM(s.parent_id = 0), 0)', $statuses, $days ),
					'avg_order_value' => self::orders_subquery( 'COALESCE(SUM(s.total_sales) / NULLIF(SUM(s.parent_id = 0), 0), 0)', $statuses, $days ),
				)[ $filter['field'] ];
				$sql = self::compare( "COALESCE($metric, 0)", $op, $value );
				if ( $default && 'avg_order_value' !== $filter['field'] && in_array( $op, array( 'gt', 'gte', 'eq', 'between' ), true ) ) {
					$floor = 'between' === $op ? $value[0] : $value;
					if ( $floor > 0 ) {
						$column = 'total_spent' === $filter['field'] ? 'c.total_spent' : 'c.orders_count';
						$sql    = $column . $wpdb->prepare( ' >= %f AND ', $floor ) . $sql;
						if ( null !== $days ) {
							// No order since the period began: nothing to add up.
							// last_order_at is shop time; a day of margin keeps the bound safe across daylight saving.
							$sql = $wpdb->prepare( 'c.last_order_at >= %s AND ', self::local_days_ago( (int) $days + 1 ) ) . $sql;
						}
					}
				}
				return array( 2, "($sql)" );
			case 'first_order_date':
			case 'last_order_date':
				$first = 'first_order_date' === $filter['field'];
				if ( $default ) {
					$cost   = 0;
					$column = $first ? 'c.first_order_at' : 'c.last_order_at';
				} else {
					$cost   = 2;
					$column = self::orders_subquery( $first ? 'MIN(CASE WHEN s.parent_id = 0 THEN s.date_created END)' : 'MAX(CASE WHEN s.parent_id = 0 THEN s.date_created END)', $statuses, null );
				}
				switch ( $op ) {
					case 'before':
						return array( $cost, $column . $wpdb->prepare( ' < %s', $value . ' 00:00:00' ) );
					case 'after':
						return array( $cost, $column . $wpdb->prepare( ' > %s', $value . ' 23:59:59' ) );
					case 'in_last_days':
						return array( $cost, $column . $wpdb->prepare( ' >= %s', self::local_days_ago( (int) $value ) ) );
					default: // not_in_last_days: has ordered, but not lately.
						return array( $cost, $column . $wpdb->prepare( ' < %s', self::local_days_ago( (int) $value ) ) );
				}
			case 'bought_product':
			case 'bought_category':
				$ids = 'bought_product' === $filter['field'] ? array_map( 'intval', $value ) : self::products_in_categories( $value );
				if ( ! $ids || ! WooData::has( 'wc_order_product_lookup' ) || ! WooData::has( 'wc_order_stats' ) ) {
					return array( 0, 'any_of' === $op ? '1=0' : '1=1' );
				}
				$in = implode( ',', $ids );
				if ( self::default_statuses( $statuses ) ) {
					// What each customer bought, kept by CustomerSync: a covering primary-key read per contact.
					$exists = "EXISTS (SELECT 1 FROM {$wpdb->prefix}rondine_product_facts pf WHERE pf.customer_id = c.customer_id AND pf.product_id IN ($in))";
				} else {
					$match  = 'bought_product' === $filter['field'] ? "(pl.product_id IN ($in) OR pl.variation_id IN ($in))" : "pl.product_id IN ($in)";
					$exists = "EXISTS (SELECT 1 FROM {$wpdb->prefix}wc_order_product_lookup pl JOIN {$wpdb->prefix}wc_order_stats s ON s.order_id = pl.order_id WHERE pl.customer_id IN (" . self::customers_of_contact() . ") AND $match AND " . self::counted( $statuses ) . ')';
				}
				return array( 1, 'any_of' === $op ? $exists : "NOT $exists" );
			case 'billing_country':
				$in = $wpdb->prepare( 'c.country IN (' . implode( ',', array_fill( 0, count( $value ), '%s' ) ) . ')', $value );
				return array( 0, 'in' === $op ? $in : "NOT $in" );
			case 'billing_city':
				if ( 'is' === $op ) {
					return array( 0, $wpdb->prepare( 'c.city = %s', $value ) );
				}
				return array( 0, $wpdb->prepare( 'c.city LIKE %s', '%' . $wpdb->esc_like( $value ) . '%' ) );
			case 'customer_type':
				return array( 0, 'registered' === $value ? 'c.user_id > 0' : '(c.user_id IS NULL OR c.user_id = 0)' );
			case 'consent':
				return array( 0, $wpdb->prepare( 'c.consent = %s', $value ) );
			case 'tags':
				$exists = 'EXISTS (SELECT 1 FROM ' . $wpdb->prefix . 'rondine_contact_tags ct WHERE ct.contact_id = c.id AND ct.tag_id IN (' . implode( ',', array_map( 'intval', $value ) ) . '))';
				return array( 1, 'any_of' === $op ? $exists : "NOT $exists" );
		}
		return array( 0, '1=0' );
	}

	/**
	 * Products in categories (sub-categories included), resolved once so the per-contact EXISTS only matches ids.
	 *
	 * @param int[] $term_ids Categories.
	 * @return int[]
	 */
	private static function products_in_categories( array $term_ids ): array {
		global $wpdb;
		$terms = self::with_subcategories( $term_ids );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- read once per segment query (not per contact); products are recategorised at any time, a cache would serve stale audiences.
		return array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT DISTINCT tr.object_id FROM %i tr JOIN %i tt ON tt.term_taxonomy_id = tr.term_taxonomy_id WHERE tt.taxonomy = 'product_cat' AND tt.term_id IN (" . implode( ',', array_fill( 0, count( $terms ), '%d' ) ) . ')', array_merge( array( $wpdb->term_relationships, $wpdb->term_taxonomy ), $terms ) ) ) );
	}

	/**
	 * A numeric comparison.
	 *
	 * @param string          $metric SQL expression.
	 * @param string          $op     Operator.
	 * @param float|float[]   $value  Value(s).
	 */
	private static function compare( string $metric, string $op, $value ): string {
		global $wpdb;
		// The metric is SQL built here (a column of the contact row or an aggregate subquery); only the values are data.
		switch ( $op ) {
			case 'between':
				return $metric . $wpdb->prepare( ' BETWEEN %f AND %f', $value[0], $value[1] );
			case 'gt':
				return $metric . $wpdb->prepare( ' > %f', $value );
			case 'gte':
				return $metric . $wpdb->prepare( ' >= %f', $value );
			case 'lt':
				return $metric . $wpdb->prepare( ' < %f', $value );
			case 'lte':
				return $metric . $wpdb->prepare( ' <= %f', $value );
			default: // eq.
				return $metric . $wpdb->prepare( ' = %f', $value );
		}
	}

	/**
	 * Category term ids with all their descendants (wc_category_lookup when present, else term_taxonomy parents).
	 *
	 * @param int[] $term_ids Categories.
	 * @return int[]
	 */
	private static function with_subcategories( array $term_ids ): array {
		global $wpdb;
		$ids = array_map( 'intval', $term_ids );
		if ( WooData::has( 'wc_category_lookup' ) ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup table has no API; read once per segment query, a cache would keep a category tree the owner just changed.
			$found = $wpdb->get_col( $wpdb->prepare( 'SELECT category_id FROM %i WHERE category_tree_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'wc_category_lookup' ), $ids ) ) );
			return array_values( array_unique( array_merge( $ids, array_map( 'intval', $found ) ) ) );
		}
		$all      = $ids;
		$frontier = $ids;
		for ( $depth = 0; $frontier && $depth < 20; $depth++ ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- one level of the tree per query, whole levels at once (get_term_children() would read every product category); read once per segment query.
			$frontier = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT term_id FROM %i WHERE taxonomy = 'product_cat' AND parent IN (" . implode( ',', array_fill( 0, count( $frontier ), '%d' ) ) . ')', array_merge( array( $wpdb->term_taxonomy ), $frontier ) ) ) );
			$frontier = array_values( array_diff( $frontier, $all ) );
			$all      = array_merge( $all, $frontier );
		}
		return $all;
	}
}
