<?php
/**
 * Tables and migrations.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * Creates and upgrades the plugin's own tables with dbDelta. The schema version is kept in `rondine_db_version`;
 * an upgrade runs on activation and, after an update without re-activation, on the next admin or REST request.
 */
final class Installer {

	public const DB_VERSION = '8';

	/**
	 * Table names without the WordPress prefix.
	 */
	public const TABLES = array(
		'rondine_contacts',
		'rondine_consent_log',
		'rondine_segments',
		'rondine_lists',
		'rondine_list_members',
		'rondine_tags',
		'rondine_contact_tags',
		'rondine_click_counts',
		'rondine_order_facts',
		'rondine_product_facts',
		'rondine_customer_contacts',
		'rondine_outbox',
		'rondine_erased',
	);

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'admin_init', array( self::class, 'maybe_upgrade' ) );
		add_action( 'rest_api_init', array( self::class, 'maybe_upgrade' ), 1 );
	}

	/**
	 * Activation hook.
	 */
	public static function activate(): void {
		self::install();
	}

	/**
	 * On deactivation: no scheduled work keeps running for a plugin that is off (the contacts sync, the outbox's
	 * retries). Pending outbox rows stay and are delivered when the plugin is active again.
	 */
	public static function deactivate(): void {
		\Rondine\Audience\CustomerSync::unschedule();
		\Rondine\Bridge\Outbox::unschedule();
	}

	/**
	 * Runs the migrations when the stored schema version is older than the code's.
	 */
	public static function maybe_upgrade(): void {
		if ( get_option( 'rondine_db_version' ) !== self::DB_VERSION ) {
			self::install();
		}
	}

	/**
	 * Creates or updates every table, then records the schema version.
	 */
	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$previous = get_option( 'rondine_db_version' );
		if ( false !== $previous && version_compare( (string) $previous, '4', '<' ) ) {
			// Derived data whose key changed (dbDelta cannot change a primary key): rebuilt by the full sync below.
			$wpdb->query( $wpdb->prepare( 'DROP TABLE IF EXISTS %i', $wpdb->prefix . 'rondine_order_facts' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own derived table, dropped once on upgrade so that dbDelta() recreates it with its new key.
		}
		dbDelta( self::schema( $wpdb->prefix, $wpdb->get_charset_collate() ) );
		if ( false !== $previous && version_compare( (string) $previous, '7', '<' ) ) {
			// Every contact linked to a customer counts that customer's orders until the full sync below adds the other
			// customers who share its phone.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (customer_id, contact_id) SELECT customer_id, id FROM %i WHERE customer_id IS NOT NULL', $wpdb->prefix . 'rondine_customer_contacts', $wpdb->prefix . 'rondine_contacts' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, filled once on upgrade.
		}
		update_option( 'rondine_db_version', self::DB_VERSION, true );
		if ( $previous !== self::DB_VERSION ) {
			// New columns or tables are filled by a full contact sync: forget the last run and sync soon; until it has
			// run, segments read WooCommerce's tables directly.
			delete_option( Audience\CustomerSync::STATE_OPTION );
			delete_option( Audience\CustomerSync::READY_OPTION );
			if ( ! wp_next_scheduled( Audience\CustomerSync::HOOK, array( 'soon' ) ) ) {
				wp_schedule_single_event( time(), Audience\CustomerSync::HOOK, array( 'soon' ) );
			}
		}
		add_option( 'rondine_settings', Settings::defaults(), '', false );
	}

	/**
	 * The CREATE TABLE statements, in dbDelta's format (two spaces after PRIMARY KEY, one column per line).
	 *
	 * Contacts are keyed by their normalised phone (E.164, NULL when the number is not valid) and, for WooCommerce
	 * customers, by their `wc_customer_lookup.customer_id`. `orders_count` … `last_order_id` are the customer's figures
	 * over the default counted statuses (SegmentQuery::DEFAULT_STATUSES), kept by CustomerSync so that most segment
	 * filters are a scan of this table instead of an aggregate over every order. `rondine_order_facts` is the same
	 * customers' `wc_order_stats` rows over those statuses (date, total, order or refund) clustered by customer and
	 * date, so that "in the last N days" reads a few adjacent rows per contact; `rondine_product_facts` the products and
	 * variations each customer bought in those orders. `birthday` is the contact's date of birth (date triggers of
	 * automations; from a CSV import or the contact's page). `rondine_outbox.event_key` is an automation event's
	 * idempotency key (its id on the bridge): the same event queued twice is one row.
	 *
	 * @param string $prefix  Table prefix.
	 * @param string $collate Charset and collation clause.
	 * @return string[]
	 */
	public static function schema( string $prefix, string $collate ): array {
		return array(
			"CREATE TABLE {$prefix}rondine_contacts (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  phone varchar(20) DEFAULT NULL,
  phone_raw varchar(64) NOT NULL DEFAULT '',
  email varchar(100) NOT NULL DEFAULT '',
  first_name varchar(100) NOT NULL DEFAULT '',
  last_name varchar(100) NOT NULL DEFAULT '',
  country char(2) NOT NULL DEFAULT '',
  city varchar(100) NOT NULL DEFAULT '',
  language varchar(20) NOT NULL DEFAULT '',
  customer_id bigint(20) unsigned DEFAULT NULL,
  user_id bigint(20) unsigned DEFAULT NULL,
  source varchar(20) NOT NULL DEFAULT '',
  consent varchar(10) NOT NULL DEFAULT 'none',
  consent_updated_at datetime DEFAULT NULL,
  orders_count int(10) unsigned NOT NULL DEFAULT 0,
  total_spent decimal(19,4) NOT NULL DEFAULT 0,
  first_order_at datetime DEFAULT NULL,
  last_order_at datetime DEFAULT NULL,
  last_order_id bigint(20) unsigned DEFAULT NULL,
  birthday date DEFAULT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY phone (phone),
  UNIQUE KEY customer_id (customer_id),
  KEY user_id (user_id),
  KEY email (email),
  KEY consent_country (consent,country),
  KEY last_order_at (last_order_at),
  KEY birthday (birthday)
) $collate;",
			"CREATE TABLE {$prefix}rondine_consent_log (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  contact_id bigint(20) unsigned DEFAULT NULL,
  phone varchar(20) NOT NULL DEFAULT '',
  email varchar(100) NOT NULL DEFAULT '',
  status varchar(10) NOT NULL,
  source varchar(30) NOT NULL,
  wording text NOT NULL,
  actor_id bigint(20) unsigned NOT NULL DEFAULT 0,
  order_id bigint(20) unsigned DEFAULT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY  (id),
  KEY contact_id (contact_id),
  KEY phone (phone),
  KEY email (email)
) $collate;",
			"CREATE TABLE {$prefix}rondine_segments (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  name varchar(190) NOT NULL,
  definition longtext NOT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_lists (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  name varchar(190) NOT NULL,
  description text NOT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY  (id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_list_members (
  list_id bigint(20) unsigned NOT NULL,
  contact_id bigint(20) unsigned NOT NULL,
  added_at datetime NOT NULL,
  PRIMARY KEY  (list_id,contact_id),
  KEY contact_id (contact_id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_tags (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  name varchar(100) NOT NULL,
  slug varchar(100) NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY slug (slug)
) $collate;",
			"CREATE TABLE {$prefix}rondine_contact_tags (
  contact_id bigint(20) unsigned NOT NULL,
  tag_id bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (contact_id,tag_id),
  KEY tag_id (tag_id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_order_facts (
  customer_id bigint(20) unsigned NOT NULL,
  date_created_gmt datetime NOT NULL,
  order_id bigint(20) unsigned NOT NULL,
  total decimal(19,4) NOT NULL DEFAULT 0,
  is_order tinyint(1) NOT NULL DEFAULT 1,
  PRIMARY KEY  (customer_id,date_created_gmt,order_id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_product_facts (
  customer_id bigint(20) unsigned NOT NULL,
  product_id bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (customer_id,product_id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_customer_contacts (
  customer_id bigint(20) unsigned NOT NULL,
  contact_id bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (customer_id),
  KEY contact_id (contact_id)
) $collate;",
			"CREATE TABLE {$prefix}rondine_outbox (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  kind varchar(20) NOT NULL,
  payload longtext NOT NULL,
  state varchar(10) NOT NULL DEFAULT 'pending',
  attempts int(10) unsigned NOT NULL DEFAULT 0,
  next_attempt_at datetime NOT NULL,
  last_error text NOT NULL,
  created_at datetime NOT NULL,
  event_key varchar(191) DEFAULT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY event_key (event_key),
  KEY state_next (state,next_attempt_at)
) $collate;",
			"CREATE TABLE {$prefix}rondine_erased (
  hash char(64) NOT NULL,
  erased_at datetime NOT NULL,
  PRIMARY KEY  (hash)
) $collate;",
			"CREATE TABLE {$prefix}rondine_click_counts (
  day date NOT NULL,
  source varchar(40) NOT NULL,
  clicks bigint(20) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY  (day,source)
) $collate;",
		);
	}

	/**
	 * Drops every table and option (uninstall.php).
	 */
	public static function uninstall(): void {
		global $wpdb;
		wp_clear_scheduled_hook( 'rondine_sync_contacts' );
		wp_clear_scheduled_hook( 'rondine_sync_contacts', array( 'soon' ) );
		Bridge\Outbox::unschedule();
		foreach ( self::TABLES as $table ) {
			$wpdb->query( $wpdb->prepare( 'DROP TABLE IF EXISTS %i', $wpdb->prefix . $table ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.DirectDatabaseQuery.SchemaChange -- uninstalling: the plugin's own tables are dropped once.
		}
		// Every option of the plugin and its features (settings, connection, chat button, sync state) is prefixed.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: the plugin's option names, read once to delete them through delete_option().
		foreach ( $wpdb->get_col( $wpdb->prepare( 'SELECT option_name FROM %i WHERE option_name LIKE %s', $wpdb->options, $wpdb->esc_like( 'rondine_' ) . '%' ) ) as $option ) {
			delete_option( $option );
		}
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE option_name LIKE %s OR option_name LIKE %s', $wpdb->options, $wpdb->esc_like( '_transient_rondine_' ) . '%', $wpdb->esc_like( '_transient_timeout_rondine_' ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE meta_key LIKE %s', $wpdb->usermeta, $wpdb->esc_like( 'rondine_' ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
	}
}
