<?php
/**
 * What a segment can filter on.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * The filter definitions (GET /audience/fields) that both the segment builder and SegmentQuery's validation use.
 */
final class Fields {

	/**
	 * Field → [type, operators, supports_window].
	 */
	public const DEFINITIONS = array(
		'total_spent'      => array( 'money', array( 'gt', 'gte', 'lt', 'lte', 'eq', 'between' ), true ),
		'order_count'      => array( 'integer', array( 'gt', 'gte', 'lt', 'lte', 'eq', 'between' ), true ),
		'avg_order_value'  => array( 'money', array( 'gt', 'gte', 'lt', 'lte', 'eq', 'between' ), true ),
		'first_order_date' => array( 'date', array( 'before', 'after', 'in_last_days', 'not_in_last_days' ), false ),
		'last_order_date'  => array( 'date', array( 'before', 'after', 'in_last_days', 'not_in_last_days' ), false ),
		'bought_product'   => array( 'products', array( 'any_of', 'none_of' ), false ),
		'bought_category'  => array( 'categories', array( 'any_of', 'none_of' ), false ),
		'billing_country'  => array( 'countries', array( 'in', 'not_in' ), false ),
		'billing_city'     => array( 'text', array( 'is', 'contains' ), false ),
		'customer_type'    => array( 'choice', array( 'is' ), false ),
		'consent'          => array( 'choice', array( 'is' ), false ),
		'tags'             => array( 'tags', array( 'any_of', 'none_of' ), false ),
	);

	/**
	 * Definitions with labels, for the admin app.
	 *
	 * @return array{fields:array<int,array<string,mixed>>,currency:string,operators:array<string,string>,statuses:array<int,array<string,mixed>>,default_statuses:string[]}
	 */
	public static function describe(): array {
		$labels = array(
			'total_spent'      => __( 'Total spent', 'rondine' ),
			'order_count'      => __( 'Number of orders', 'rondine' ),
			'avg_order_value'  => __( 'Average order value', 'rondine' ),
			'first_order_date' => __( 'First order date', 'rondine' ),
			'last_order_date'  => __( 'Last order date', 'rondine' ),
			'bought_product'   => __( 'Bought product', 'rondine' ),
			'bought_category'  => __( 'Bought from category', 'rondine' ),
			'billing_country'  => __( 'Billing country', 'rondine' ),
			'billing_city'     => __( 'Billing city', 'rondine' ),
			'customer_type'    => __( 'Customer type', 'rondine' ),
			'consent'          => __( 'Marketing consent', 'rondine' ),
			'tags'             => __( 'Tags', 'rondine' ),
		);
		$options = array(
			'customer_type' => array(
				array(
					'value' => 'registered',
					'label' => __( 'Registered customer', 'rondine' ),
				),
				array(
					'value' => 'guest',
					'label' => __( 'Guest', 'rondine' ),
				),
			),
			'consent'       => array(
				array(
					'value' => 'granted',
					'label' => __( 'Opted in', 'rondine' ),
				),
				array(
					'value' => 'revoked',
					'label' => __( 'Opted out', 'rondine' ),
				),
				array(
					'value' => 'none',
					'label' => __( 'Never asked', 'rondine' ),
				),
			),
		);
		$fields = array();
		foreach ( self::DEFINITIONS as $field => $definition ) {
			$item = array(
				'field'           => $field,
				'label'           => $labels[ $field ],
				'type'            => $definition[0],
				'operators'       => $definition[1],
				'supports_window' => $definition[2],
			);
			if ( isset( $options[ $field ] ) ) {
				$item['options'] = $options[ $field ];
			}
			$fields[] = $item;
		}
		foreach ( $fields as &$item ) {
			if ( 'countries' === $item['type'] ) {
				$item['options'] = Countries::options();
			}
		}
		unset( $item );
		return array(
			'fields'           => $fields,
			// Money filters are in the shop's currency: its symbol beside the amounts.
			'currency'         => self::currency_symbol(),
			'operators'        => array(
				'gt'               => __( 'more than', 'rondine' ),
				'gte'              => __( 'at least', 'rondine' ),
				'lt'               => __( 'less than', 'rondine' ),
				'lte'              => __( 'at most', 'rondine' ),
				'eq'               => __( 'exactly', 'rondine' ),
				'between'          => __( 'between', 'rondine' ),
				'before'           => __( 'before', 'rondine' ),
				'after'            => __( 'after', 'rondine' ),
				'in_last_days'     => __( 'in the last N days', 'rondine' ),
				'not_in_last_days' => __( 'not in the last N days', 'rondine' ),
				'any_of'           => __( 'any of', 'rondine' ),
				'none_of'          => __( 'none of', 'rondine' ),
				'in'               => __( 'is one of', 'rondine' ),
				'not_in'           => __( 'is not one of', 'rondine' ),
				'is'               => __( 'is', 'rondine' ),
				'contains'         => __( 'contains', 'rondine' ),
			),
			'statuses'         => self::order_statuses(),
			'default_statuses' => SegmentQuery::DEFAULT_STATUSES,
		);
	}

	/**
	 * The shop's currency symbol: WooCommerce's when it is loaded, else the symbol of the currency in its settings
	 * (ICU's, through PHP's intl), else its code; '' without a currency.
	 */
	public static function currency_symbol(): string {
		if ( function_exists( 'get_woocommerce_currency_symbol' ) ) {
			return html_entity_decode( (string) get_woocommerce_currency_symbol(), ENT_QUOTES, 'UTF-8' );
		}
		$code = strtoupper( (string) get_option( 'woocommerce_currency', '' ) );
		if ( ! preg_match( '/^[A-Z]{3}$/', $code ) ) {
			return '';
		}
		if ( class_exists( '\NumberFormatter' ) ) {
			$formatter = new \NumberFormatter( determine_locale() . '@currency=' . $code, \NumberFormatter::CURRENCY );
			$symbol    = (string) $formatter->getSymbol( \NumberFormatter::CURRENCY_SYMBOL );
			if ( '' !== $symbol ) {
				return $symbol;
			}
		}
		return $code;
	}

	/**
	 * Order statuses: WooCommerce's list when it is loaded, else the core ones plus any found in wc_order_stats.
	 *
	 * @return array<int,array{value:string,label:string}>
	 */
	public static function order_statuses(): array {
		if ( function_exists( 'wc_get_order_statuses' ) ) {
			$statuses = wc_get_order_statuses();
		} else {
			$statuses = array(
				'wc-pending'    => __( 'Pending payment', 'rondine' ),
				'wc-processing' => __( 'Processing', 'rondine' ),
				'wc-on-hold'    => __( 'On hold', 'rondine' ),
				'wc-completed'  => __( 'Completed', 'rondine' ),
				'wc-cancelled'  => __( 'Cancelled', 'rondine' ),
				'wc-refunded'   => __( 'Refunded', 'rondine' ),
				'wc-failed'     => __( 'Failed', 'rondine' ),
			);
		}
		$out = array();
		foreach ( $statuses as $value => $label ) {
			$out[] = array(
				'value' => (string) $value,
				'label' => (string) $label,
			);
		}
		return $out;
	}
}
