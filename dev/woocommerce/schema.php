<?php
/**
 * WooCommerce's own tables, options and roles, for a site that has WooCommerce's data without the WooCommerce plugin
 * (it cannot be installed here). The DDL follows WooCommerce's: WC_Install::get_schema() for the classic and lookup
 * tables and OrdersTableDataStore::get_database_schema() for the HPOS order tables (column names, types, keys).
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php schema.php [--mode=hpos|legacy|both]
 *   hpos    orders in wc_orders (+ placeholder posts), HPOS authoritative, no sync  (WooCommerce's default since 8.2)
 *   legacy  orders as shop_order posts and postmeta, HPOS off
 *   both    HPOS authoritative and the posts kept in sync (compatibility mode)
 *
 * @package Rondine\Dev
 */

require_once dirname( __DIR__ ) . '/wp/bootstrap.php';
require_once __DIR__ . '/roles.php';

/**
 * The CREATE TABLE statements, keyed by table name.
 *
 * @return array<string,string>
 */
function rondine_dev_woocommerce_tables(): array {
	global $wpdb;
	$p       = $wpdb->prefix;
	$collate = $wpdb->get_charset_collate();
	$max     = 191;

	return array(
		"{$p}woocommerce_order_items"    => "CREATE TABLE IF NOT EXISTS {$p}woocommerce_order_items (
			order_item_id bigint(20) unsigned NOT NULL auto_increment,
			order_item_name text NOT NULL,
			order_item_type varchar(200) NOT NULL DEFAULT '',
			order_id bigint(20) unsigned NOT NULL,
			PRIMARY KEY (order_item_id),
			KEY order_id (order_id)
		) $collate",
		"{$p}woocommerce_order_itemmeta" => "CREATE TABLE IF NOT EXISTS {$p}woocommerce_order_itemmeta (
			meta_id bigint(20) unsigned NOT NULL auto_increment,
			order_item_id bigint(20) unsigned NOT NULL,
			meta_key varchar(255) default NULL,
			meta_value longtext NULL,
			PRIMARY KEY (meta_id),
			KEY order_item_id (order_item_id),
			KEY meta_key (meta_key(32))
		) $collate",
		"{$p}wc_product_meta_lookup"     => "CREATE TABLE IF NOT EXISTS {$p}wc_product_meta_lookup (
			`product_id` bigint(20) NOT NULL,
			`sku` varchar(100) NULL default '',
			`global_unique_id` varchar(100) NULL default '',
			`virtual` tinyint(1) NULL default 0,
			`downloadable` tinyint(1) NULL default 0,
			`min_price` decimal(19,4) NULL default NULL,
			`max_price` decimal(19,4) NULL default NULL,
			`onsale` tinyint(1) NULL default 0,
			`stock_quantity` double NULL default NULL,
			`stock_status` varchar(100) NULL default 'instock',
			`rating_count` bigint(20) NULL default 0,
			`average_rating` decimal(3,2) NULL default 0.00,
			`total_sales` bigint(20) NULL default 0,
			`tax_status` varchar(100) NULL default 'taxable',
			`tax_class` varchar(100) NULL default '',
			PRIMARY KEY (`product_id`),
			KEY `virtual` (`virtual`),
			KEY `downloadable` (`downloadable`),
			KEY `stock_status` (`stock_status`),
			KEY `stock_quantity` (`stock_quantity`),
			KEY `onsale` (`onsale`),
			KEY min_max_price (`min_price`, `max_price`),
			KEY sku (sku(50))
		) $collate",
		"{$p}wc_order_stats"             => "CREATE TABLE IF NOT EXISTS {$p}wc_order_stats (
			order_id bigint(20) unsigned NOT NULL,
			parent_id bigint(20) unsigned DEFAULT 0 NOT NULL,
			date_created datetime DEFAULT '0000-00-00 00:00:00' NOT NULL,
			date_created_gmt datetime DEFAULT '0000-00-00 00:00:00' NOT NULL,
			date_paid datetime DEFAULT '0000-00-00 00:00:00',
			date_completed datetime DEFAULT '0000-00-00 00:00:00',
			num_items_sold int(11) DEFAULT 0 NOT NULL,
			total_sales double DEFAULT 0 NOT NULL,
			tax_total double DEFAULT 0 NOT NULL,
			shipping_total double DEFAULT 0 NOT NULL,
			net_total double DEFAULT 0 NOT NULL,
			returning_customer tinyint(1) DEFAULT NULL,
			status varchar(200) NOT NULL,
			customer_id bigint(20) unsigned NOT NULL,
			PRIMARY KEY (order_id),
			KEY date_created (date_created),
			KEY customer_id (customer_id),
			KEY status (status($max))
		) $collate",
		"{$p}wc_order_product_lookup"    => "CREATE TABLE IF NOT EXISTS {$p}wc_order_product_lookup (
			order_item_id bigint(20) unsigned NOT NULL,
			order_id bigint(20) unsigned NOT NULL,
			product_id bigint(20) unsigned NOT NULL,
			variation_id bigint(20) unsigned NOT NULL,
			customer_id bigint(20) unsigned NULL,
			date_created datetime DEFAULT '0000-00-00 00:00:00' NOT NULL,
			product_qty int(11) NOT NULL,
			product_net_revenue double DEFAULT 0 NOT NULL,
			product_gross_revenue double DEFAULT 0 NOT NULL,
			coupon_amount double DEFAULT 0 NOT NULL,
			tax_amount double DEFAULT 0 NOT NULL,
			shipping_amount double DEFAULT 0 NOT NULL,
			shipping_tax_amount double DEFAULT 0 NOT NULL,
			PRIMARY KEY (order_item_id),
			KEY order_id (order_id),
			KEY product_id (product_id),
			KEY customer_id (customer_id),
			KEY date_created (date_created)
		) $collate",
		"{$p}wc_customer_lookup"         => "CREATE TABLE IF NOT EXISTS {$p}wc_customer_lookup (
			customer_id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			user_id bigint(20) unsigned DEFAULT NULL,
			username varchar(60) DEFAULT '' NOT NULL,
			first_name varchar(255) NOT NULL,
			last_name varchar(255) NOT NULL,
			email varchar(100) NULL default NULL,
			date_last_active timestamp NULL default null,
			date_registered timestamp NULL default null,
			country char(2) DEFAULT '' NOT NULL,
			postcode varchar(20) DEFAULT '' NOT NULL,
			city varchar(100) DEFAULT '' NOT NULL,
			state varchar(100) DEFAULT '' NOT NULL,
			PRIMARY KEY (customer_id),
			UNIQUE KEY user_id (user_id),
			KEY email (email)
		) $collate",
		"{$p}wc_category_lookup"         => "CREATE TABLE IF NOT EXISTS {$p}wc_category_lookup (
			category_tree_id bigint(20) unsigned NOT NULL,
			category_id bigint(20) unsigned NOT NULL,
			PRIMARY KEY (category_tree_id,category_id)
		) $collate",
		"{$p}wc_orders"                  => "CREATE TABLE IF NOT EXISTS {$p}wc_orders (
			id bigint(20) unsigned,
			status varchar(20) null,
			currency varchar(10) null,
			type varchar(20) null,
			tax_amount decimal(26,8) null,
			total_amount decimal(26,8) null,
			customer_id bigint(20) unsigned null,
			billing_email varchar(320) null,
			date_created_gmt datetime null,
			date_updated_gmt datetime null,
			parent_order_id bigint(20) unsigned null,
			payment_method varchar(100) null,
			payment_method_title text null,
			transaction_id varchar(100) null,
			ip_address varchar(100) null,
			user_agent text null,
			customer_note text null,
			PRIMARY KEY (id),
			KEY status (status),
			KEY date_created (date_created_gmt),
			KEY customer_id_billing_email (customer_id, billing_email),
			KEY billing_email (billing_email),
			KEY type_status (type, status),
			KEY parent_order_id (parent_order_id),
			KEY date_updated (date_updated_gmt)
		) $collate",
		"{$p}wc_order_addresses"         => "CREATE TABLE IF NOT EXISTS {$p}wc_order_addresses (
			id bigint(20) unsigned auto_increment primary key,
			order_id bigint(20) unsigned NOT NULL,
			address_type varchar(20) null,
			first_name text null,
			last_name text null,
			company text null,
			address_1 text null,
			address_2 text null,
			city text null,
			state text null,
			postcode text null,
			country text null,
			email varchar(320) null,
			phone varchar(100) null,
			KEY order_id (order_id),
			UNIQUE KEY address_type_order_id (address_type, order_id),
			KEY email (email),
			KEY phone (phone)
		) $collate",
		"{$p}wc_order_operational_data"  => "CREATE TABLE IF NOT EXISTS {$p}wc_order_operational_data (
			id bigint(20) unsigned auto_increment primary key,
			order_id bigint(20) unsigned NULL,
			created_via varchar(100) NULL,
			woocommerce_version varchar(20) NULL,
			prices_include_tax tinyint(1) NULL,
			coupon_usages_are_counted tinyint(1) NULL,
			download_permission_granted tinyint(1) NULL,
			cart_hash varchar(100) NULL,
			new_order_email_sent tinyint(1) NULL,
			order_key varchar(100) NULL,
			order_stock_reduced tinyint(1) NULL,
			date_paid_gmt datetime NULL,
			date_completed_gmt datetime NULL,
			shipping_tax_amount decimal(26, 8) NULL,
			shipping_total_amount decimal(26, 8) NULL,
			discount_tax_amount decimal(26, 8) NULL,
			discount_total_amount decimal(26, 8) NULL,
			recorded_sales tinyint(1) NULL,
			UNIQUE KEY order_id (order_id),
			KEY order_key (order_key)
		) $collate",
		"{$p}wc_orders_meta"             => "CREATE TABLE IF NOT EXISTS {$p}wc_orders_meta (
			id bigint(20) unsigned auto_increment primary key,
			order_id bigint(20) unsigned null,
			meta_key varchar(255),
			meta_value text null,
			KEY meta_key_value (meta_key, meta_value(100)),
			KEY order_id_meta_key_meta_value (order_id, meta_key, meta_value(100))
		) $collate",
	);
}

/**
 * Creates the tables, sets WooCommerce's options for the order storage mode, registers the roles.
 *
 * @param string $mode hpos, legacy or both.
 */
function rondine_dev_woocommerce_install( string $mode ): void {
	global $wpdb;
	foreach ( rondine_dev_woocommerce_tables() as $table => $sql ) {
		if ( false === $wpdb->query( $sql ) ) {
			fwrite( STDERR, "cannot create $table: {$wpdb->last_error}\n" );
			exit( 1 );
		}
	}

	$options = array(
		'woocommerce_db_version'                          => '9.4.0',
		'woocommerce_version'                             => '9.4.0',
		'woocommerce_default_country'                     => 'IT:RM',
		'woocommerce_currency'                            => 'EUR',
		'woocommerce_currency_pos'                        => 'right_space',
		'woocommerce_price_thousand_sep'                  => '.',
		'woocommerce_price_decimal_sep'                   => ',',
		'woocommerce_price_num_decimals'                  => '2',
		'woocommerce_store_address'                       => 'Via dei Coronari 12',
		'woocommerce_store_city'                          => 'Roma',
		'woocommerce_store_postcode'                      => '00186',
		'woocommerce_calc_taxes'                          => 'yes',
		'woocommerce_prices_include_tax'                  => 'no',
		'woocommerce_enable_guest_checkout'               => 'yes',
		'woocommerce_custom_orders_table_enabled'         => 'legacy' === $mode ? 'no' : 'yes',
		'woocommerce_custom_orders_table_data_sync_enabled' => 'both' === $mode ? 'yes' : 'no',
		'woocommerce_custom_orders_table_created'         => 'yes',
		'woocommerce_feature_custom_order_tables_enabled' => 'legacy' === $mode ? 'no' : 'yes',
	);
	foreach ( $options as $name => $value ) {
		update_option( $name, $value );
	}
	rondine_dev_register_woocommerce_roles();
}

if ( realpath( $_SERVER['SCRIPT_FILENAME'] ?? '' ) === __FILE__ ) {
	$rondine_options = getopt( '', array( 'mode:' ) );
	$rondine_mode    = $rondine_options['mode'] ?? 'hpos';
	if ( ! in_array( $rondine_mode, array( 'hpos', 'legacy', 'both' ), true ) ) {
		fwrite( STDERR, "schema.php: --mode must be hpos, legacy or both\n" );
		exit( 2 );
	}
	rondine_dev_woocommerce_install( $rondine_mode );
	fwrite( STDERR, "WooCommerce tables ready (order storage: $rondine_mode)\n" );
}
