<?php
/**
 * Settings route.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Settings;

/**
 * Default country and consent wording: saved when valid, refused with a message (and nothing saved) when not.
 */
final class SettingsTest extends TestCase {

	/**
	 * Valid values are saved and shown back; the wording is stripped of markup.
	 */
	public function test_saves_country_and_wording(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		\Rondine\Bridge\Connection::disconnect();
		$response = $this->rest(
			'POST',
			'/rondine/v1/settings',
			array(
				'default_country' => 'de',
				'consent_text'    => 'News from {shop} <script>alert(1)</script> on WhatsApp',
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( 'DE', $data['default_country'] );
		$this->assertSame( 'DE', Settings::default_country() );
		$this->assertStringNotContainsString( '<script>', $data['consent_text'] );
		$this->assertStringContainsString( get_bloginfo( 'name' ), $data['consent_text_rendered'] );
		$this->assertFalse( $data['connection']['connected'] );
	}

	/**
	 * A country that is not two letters is refused and nothing changes.
	 */
	public function test_refuses_bad_country(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$before   = get_option( Settings::OPTION );
		$response = $this->rest(
			'POST',
			'/rondine/v1/settings',
			array(
				'default_country' => 'ITA',
				'consent_text'    => 'changed',
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( $before, get_option( Settings::OPTION ) );
	}

	/**
	 * WhatsApp credentials without a connection: a clear 409, nothing stored anywhere in WordPress.
	 */
	public function test_whatsapp_credentials_need_a_connection_and_are_not_stored(): void {
		global $wpdb;
		wp_set_current_user( $this->user( 'administrator' ) );
		\Rondine\Bridge\Connection::disconnect();
		$token    = 'EAAGtokenthatmustnotbestored123';
		$response = $this->rest(
			'PUT',
			'/rondine/v1/whatsapp',
			array(
				'phone_number_id' => '1234567890',
				'waba_id'         => '987654321',
				'access_token'    => $token,
				'app_secret'      => 'appsecret123',
			)
		);
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'rondine_not_connected', $response->get_data()['code'] );
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_value LIKE %s", '%' . $wpdb->esc_like( $token ) . '%' ) ) );
	}
}
