<?php
/**
 * Deleting the plugin removes everything it stored.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Installer;
use Rondine\Tests\TestCase;
use Rondine\Uninstaller;

/**
 * Uninstaller::clean_site() on a scratch copy of a site (its own table prefix, so the test site's tables stay):
 * tables, options, transients, cron events, user meta and order meta go; what is not Rondine's stays. On a
 * multisite network Uninstaller::run() does the same for every site (get_sites()); the test WordPress is a single
 * site, so the per-site cleanup is what is tested here.
 */
final class UninstallTest extends TestCase {

	private const PREFIX = 'rondine_scratch_';

	/**
	 * The test site's prefix.
	 *
	 * @var string
	 */
	private string $prefix = '';

	/**
	 * Tables copied (without rows) from the test site.
	 *
	 * @return string[] Names without prefix.
	 */
	private static function tables(): array {
		return array_merge( array( 'options', 'postmeta', 'usermeta', 'wc_orders_meta' ), Installer::TABLES );
	}

	/**
	 * Begin: the scratch site.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$this->prefix = $wpdb->prefix;
		foreach ( self::tables() as $table ) {
			$wpdb->query( 'DROP TABLE IF EXISTS ' . self::PREFIX . $table ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
			$wpdb->query( 'CREATE TABLE ' . self::PREFIX . $table . ' LIKE ' . $this->prefix . $table ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}
		$wpdb->set_prefix( self::PREFIX );
		wp_cache_flush();
	}

	/**
	 * End: back to the test site, scratch tables dropped.
	 */
	protected function tearDown(): void {
		global $wpdb;
		$wpdb->set_prefix( $this->prefix );
		foreach ( self::tables() as $table ) {
			$wpdb->query( 'DROP TABLE IF EXISTS ' . self::PREFIX . $table ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}
		wp_cache_flush();
		parent::tearDown();
	}

	/**
	 * Rows of a table whose key matches.
	 *
	 * @param string $table  Table.
	 * @param string $column Key column.
	 * @param string $like   LIKE pattern.
	 */
	private static function rows( string $table, string $column, string $like ): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$table} WHERE {$column} LIKE %s", $like ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Everything Rondine wrote on the site is gone; the rest stays.
	 */
	public function test_clean_site_removes_everything_rondine_stored(): void {
		global $wpdb;
		$this->assertSame( self::PREFIX . 'options', $wpdb->options );
		add_option( 'blogname', 'Scratch shop' );
		add_option( 'rondine_settings', array( 'default_country' => 'IT' ) );
		add_option( 'rondine_bridge', array( 'url' => 'https://bridge.example' ), '', false );
		set_transient( 'rondine_click_abc', array( 'count' => 1 ), 60 );
		set_transient( 'someone_else', 1, 60 );
		wp_schedule_single_event( time() + 3600, 'rondine_sync_contacts', array( 'soon' ) );
		wp_schedule_event( time() + 3600, 'hourly', 'rondine_sync_contacts' );
		wp_schedule_single_event( time() + 3600, 'rondine_outbox_flush', array( 7 ) );
		wp_schedule_single_event( time() + 3600, 'someone_elses_event' );
		$wpdb->insert( $wpdb->usermeta, array( 'user_id' => 1, 'meta_key' => 'rondine_seen_notice', 'meta_value' => '1' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
		$wpdb->insert( $wpdb->usermeta, array( 'user_id' => 1, 'meta_key' => 'nickname', 'meta_value' => 'admin' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
		$wpdb->insert( $wpdb->postmeta, array( 'post_id' => 10, 'meta_key' => '_rondine_whatsapp_optin', 'meta_value' => 'yes' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
		$wpdb->insert( $wpdb->postmeta, array( 'post_id' => 10, 'meta_key' => '_billing_phone', 'meta_value' => '+39333' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
		$orders_meta = $wpdb->prefix . 'wc_orders_meta';
		$wpdb->insert( $orders_meta, array( 'order_id' => 10, 'meta_key' => '_rondine_whatsapp_optin', 'meta_value' => 'ticked' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery
		$wpdb->insert( $orders_meta, array( 'order_id' => 10, 'meta_key' => '_billing_phone', 'meta_value' => '+39333' ) ); // phpcs:ignore WordPress.DB.SlowDBQuery

		Uninstaller::clean_site();

		foreach ( Installer::TABLES as $table ) {
			$this->assertNull( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( self::PREFIX . $table ) ) ), "$table dropped" );
		}
		$this->assertSame( 0, self::rows( $wpdb->options, 'option_name', '%rondine%' ), 'options and transients' );
		$this->assertSame( 'Scratch shop', get_option( 'blogname' ) );
		$this->assertSame( '1', (string) get_transient( 'someone_else' ) );
		$this->assertFalse( wp_next_scheduled( 'rondine_sync_contacts', array( 'soon' ) ) );
		$this->assertFalse( wp_next_scheduled( 'rondine_sync_contacts' ) );
		$this->assertFalse( wp_next_scheduled( 'rondine_outbox_flush', array( 7 ) ) );
		$this->assertNotFalse( wp_next_scheduled( 'someone_elses_event' ) );
		$this->assertSame( 0, self::rows( $wpdb->usermeta, 'meta_key', '%rondine%' ) );
		$this->assertSame( 1, self::rows( $wpdb->usermeta, 'meta_key', 'nickname' ) );
		$this->assertSame( 0, self::rows( $wpdb->postmeta, 'meta_key', '%rondine%' ) );
		$this->assertSame( 1, self::rows( $wpdb->postmeta, 'meta_key', '_billing_phone' ) );
		$this->assertSame( 0, self::rows( $orders_meta, 'meta_key', '%rondine%' ) );
		$this->assertSame( 1, self::rows( $orders_meta, 'meta_key', '_billing_phone' ) );
	}
}
