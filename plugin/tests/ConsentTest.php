<?php
/**
 * Consent at checkout, in My Account, and in WordPress's privacy tools.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Consent\Checkout;
use Rondine\Consent\Consent;
use Rondine\Settings;

/**
 * WooCommerce cannot run here, so these tests fire the WooCommerce hooks the plugin registers with the arguments
 * WooCommerce documents: `woocommerce_review_order_before_submit` (no arguments),
 * `woocommerce_checkout_order_processed` ($order_id, $posted_data, $order) after WooCommerce has put the form in $_POST,
 * `woocommerce_edit_account_form` and `woocommerce_save_account_details` ($user_id).
 */
final class ConsentTest extends TestCase {

	/**
	 * The hooks are registered on WooCommerce's documented actions.
	 */
	public function test_hooks_are_registered(): void {
		$this->assertSame( 10, has_action( 'woocommerce_review_order_before_submit', array( Checkout::class, 'render' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_checkout_order_processed', array( Checkout::class, 'order_processed' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_save_account_details', array( \Rondine\Consent\MyAccount::class, 'save' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_edit_account_form', array( \Rondine\Consent\MyAccount::class, 'render' ) ) );
	}

	/**
	 * The checkbox is unchecked by default and shows the shop's wording, escaped.
	 */
	public function test_checkbox_unchecked_with_editable_wording(): void {
		update_option( 'blogname', 'Bottega <b>Demo</b>' );
		Settings::update( array( 'consent_text' => 'Send me {shop} news on WhatsApp "please"' ) );
		ob_start();
		do_action( 'woocommerce_review_order_before_submit' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'name="rondine_whatsapp_optin"', $html );
		$this->assertStringNotContainsString( 'checked', $html );
		$this->assertStringContainsString( 'Send me Bottega &lt;b&gt;Demo&lt;/b&gt; news on WhatsApp &quot;please&quot;', $html );
	}

	/**
	 * Ticked at checkout → contact opted in, logged with the wording and the order number, order meta set.
	 */
	public function test_ticked_checkout_records_consent(): void {
		Settings::update( array( 'consent_text' => 'Yes to {shop} on WhatsApp' ) );
		$posted = array(
			'billing_first_name' => 'Marta',
			'billing_last_name'  => 'Rossi',
			'billing_email'      => 'marta@example.test',
			'billing_phone'      => '347 555 0101',
			'billing_country'    => 'IT',
			'billing_city'       => 'Bologna',
		);
		$order  = $this->wc_order( $posted + array( 'customer_id' => 0 ) );
		$_POST  = $posted + array( 'rondine_whatsapp_optin' => '1' );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );

		$contact = Contacts::find_by_phone( '+393475550101' );
		$this->assertNotNull( $contact );
		$this->assertSame( 'granted', $contact['consent'] );
		$this->assertSame( 'Marta', $contact['first_name'] );
		$this->assertSame( 'checkout', $contact['source'] );
		$log = Consent::log( $contact['id'] );
		$this->assertSame( 'checkout', $log[0]['source'] );
		$this->assertStringContainsString( 'Yes to ' . get_bloginfo( 'name' ) . ' on WhatsApp', $log[0]['wording'] );
		$this->assertStringContainsString( '#' . $order->get_id(), $log[0]['wording'] );
		$this->assertSame( $order->get_id(), $log[0]['order_id'] );
		$this->assertSame( 'yes', $this->optin_outcome( $order ), 'noted on the order, saved' );

		// WooCommerce firing the hook again for the same order (a retried request, another plugin) records nothing more.
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, wc_get_order( $order->get_id() ) );
		$this->assertCount( 1, Consent::log( $contact['id'] ), 'one consent record per order' );
	}

	/**
	 * Not ticked → nothing recorded (the box is unchecked by default, so silence is not consent).
	 */
	public function test_unticked_checkout_records_nothing(): void {
		$posted = array(
			'billing_phone'   => '347 555 0202',
			'billing_country' => 'IT',
		);
		$order  = $this->wc_order( $posted );
		$_POST  = $posted;
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );
		$this->assertNull( Contacts::find_by_phone( '+393475550202' ) );
		$this->assertSame( '', $this->optin_outcome( $order ) );
	}

	/**
	 * Ticked with a phone that cannot be used: the order says so, no contact is invented.
	 */
	public function test_ticked_with_invalid_phone(): void {
		$posted = array(
			'billing_phone'   => 'none',
			'billing_country' => 'IT',
		);
		$order  = $this->wc_order( $posted );
		$_POST  = $posted + array( 'rondine_whatsapp_optin' => '1' );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );
		$this->assertSame( 'invalid_phone', $this->optin_outcome( $order ) );
	}

	/**
	 * Checkout block: the additional field's value is noted on the order, consent recorded when the order is processed.
	 */
	public function test_checkout_block_records_consent(): void {
		$this->assertSame( 10, has_action( 'woocommerce_set_additional_field_value', array( Checkout::class, 'block_field_value' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_store_api_checkout_order_processed', array( Checkout::class, 'block_order_processed' ) ) );
		// WooCommerce's Store API sets the field's value on the order (CheckoutFields::persist_field_for_order(), which
		// fires woocommerce_set_additional_field_value), saves it, then fires the processed hook.
		$ticked = $this->wc_order(
			array(
				'billing_phone'   => '+34 612 345 001',
				'billing_country' => 'ES',
			)
		);
		do_action( 'woocommerce_set_additional_field_value', Checkout::BLOCK_FIELD, true, 'other', $ticked );
		$ticked->save();
		do_action( 'woocommerce_store_api_checkout_order_processed', $ticked );
		$contact = Contacts::find_by_phone( '+34612345001' );
		$this->assertSame( 'granted', $contact['consent'] );
		$this->assertStringContainsString( '#' . $ticked->get_id(), Consent::log( $contact['id'] )[0]['wording'] );
		$this->assertSame( 'yes', $this->optin_outcome( $ticked ) );
		// Fired twice: one record.
		do_action( 'woocommerce_store_api_checkout_order_processed', wc_get_order( $ticked->get_id() ) );
		$this->assertCount( 1, Consent::log( $contact['id'] ) );

		$unticked = $this->wc_order(
			array(
				'billing_phone'   => '+34 612 345 002',
				'billing_country' => 'ES',
			)
		);
		do_action( 'woocommerce_set_additional_field_value', Checkout::BLOCK_FIELD, false, 'other', $unticked );
		do_action( 'woocommerce_set_additional_field_value', 'other-plugin/field', true, 'other', $unticked );
		$unticked->save();
		do_action( 'woocommerce_store_api_checkout_order_processed', $unticked );
		$this->assertNull( Contacts::find_by_phone( '+34612345002' ) );
	}

	/**
	 * My Account: ticking opts in, unticking opts out; both logged.
	 */
	public function test_my_account_toggle(): void {
		$user = $this->user( 'customer' );
		update_user_meta( $user, 'billing_phone', '+44 7700 900321' );
		wp_set_current_user( $user );

		ob_start();
		do_action( 'woocommerce_edit_account_form' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'name="rondine_whatsapp_optin"', $html );
		$this->assertStringNotContainsString( 'checked', $html );

		$_POST = array( 'rondine_whatsapp_optin' => '1' );
		do_action( 'woocommerce_save_account_details', $user );
		$contact = Contacts::find_by_phone( '+447700900321' );
		$this->assertSame( 'granted', $contact['consent'] );
		$this->assertSame( $user, $contact['user_id'] );

		ob_start();
		do_action( 'woocommerce_edit_account_form' );
		$this->assertStringContainsString( "checked='checked'", (string) ob_get_clean() );

		$_POST = array();
		do_action( 'woocommerce_save_account_details', $user );
		$this->assertSame( 'revoked', Contacts::find( $contact['id'] )['consent'] );
		$sources = array_map( static fn( $e ) => $e['source'] . ':' . $e['status'], Consent::log( $contact['id'] ) );
		$this->assertSame( array( 'my_account:revoked', 'my_account:granted' ), $sources );
	}

	/**
	 * WordPress's personal-data exporter and eraser know Rondine's contacts.
	 */
	public function test_privacy_export_and_erase(): void {
		// Not connected to a bridge: only the site's data (Security\PrivacyToolsTest covers the bridge's part).
		delete_option( \Rondine\Bridge\Connection::OPTION );
		$id = Contacts::upsert_by_phone( '+393475550303', array( 'email' => 'privacy@example.test', 'first_name' => 'Pia', 'source' => 'import' ) )['id'];
		Consent::record( $id, Consent::GRANTED, 'import', 'test wording' );
		$exporters = apply_filters( 'wp_privacy_personal_data_exporters', array() );
		$this->assertArrayHasKey( 'rondine', $exporters );
		$export = call_user_func( $exporters['rondine']['callback'], 'privacy@example.test', 1 );
		$this->assertTrue( $export['done'] );
		$this->assertStringContainsString( '+393475550303', (string) wp_json_encode( $export['data'] ) );
		$this->assertStringContainsString( 'test wording', (string) wp_json_encode( $export['data'] ) );

		$erasers = apply_filters( 'wp_privacy_personal_data_erasers', array() );
		$erased  = call_user_func( $erasers['rondine']['callback'], 'privacy@example.test', 1 );
		$this->assertTrue( $erased['items_removed'] );
		$this->assertNull( Contacts::find( $id ) );
		global $wpdb;
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->prefix}rondine_consent_log WHERE phone = %s OR email = %s", '+393475550303', 'privacy@example.test' ) ) );
	}

	/**
	 * Bulk consent for the generated shop: by id or phone, logged, unknown ones skipped.
	 */
	public function test_bulk_consent(): void {
		$a = Contacts::upsert_by_phone( '+393475550401', array( 'source' => 'import' ) )['id'];
		Contacts::upsert_by_phone( '+393475550402', array( 'source' => 'import' ) );
		$n = Consent::record_bulk( array( $a, '+393475550402', '+393475559999', 999999999 ), Consent::GRANTED, 'bulk', 'Generated shop' );
		$this->assertSame( 2, $n );
		$this->assertSame( 'granted', Contacts::find_by_phone( '+393475550402' )['consent'] );
		$this->assertSame( 'Generated shop', Consent::log( $a )[0]['wording'] );
	}
}
