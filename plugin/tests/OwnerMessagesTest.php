<?php
/**
 * Errors in the shop owner's words.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\BridgeError;
use Rondine\Bridge\OwnerMessages;
use Rondine\Countries;

/**
 * Going live: what the owner reads when WhatsApp refuses credentials or the bridge cannot be reached, and the
 * countries offered for numbers without a prefix.
 */
final class OwnerMessagesTest extends TestCase {

	/**
	 * Every refusal the bridge names has owner wording that says what to do, and the technical text is kept apart.
	 */
	public function test_refusals_are_in_the_owners_words_with_the_technical_detail_apart(): void {
		foreach ( array(
			'whatsapp_token_rejected'          => 'access token',
			'whatsapp_phone_number_id_unknown' => 'API Setup',
			'whatsapp_waba_id_unknown'         => 'API Setup',
			'whatsapp_permission_missing'      => 'permissions',
			'whatsapp_unreachable'             => 'try again',
			'whatsapp_credentials_rejected'    => 'try again',
			'phone_number_id_taken'            => 'another shop',
			'rondine_bridge_unreachable'       => 'technical details',
		) as $code => $hint ) {
			$technical = 'The Cloud API did not accept these credentials (Invalid parameter(s): phone_number_id (code 100)); nothing was saved.';
			$error     = OwnerMessages::to_wp_error( new BridgeError( $code, $technical, 422 ) );
			$this->assertSame( $code, $error->get_error_code() );
			$this->assertStringContainsString( $hint, $error->get_error_message(), $code );
			$this->assertStringNotContainsString( 'Invalid parameter', $error->get_error_message(), $code );
			$this->assertStringNotContainsString( 'ENOTFOUND', $error->get_error_message(), $code );
			$this->assertSame( $technical, $error->get_error_data()['detail'] );
			$this->assertSame( 422, $error->get_error_data()['status'] );
		}
		// A code without owner wording keeps the bridge's message, already meant for people.
		$error = OwnerMessages::to_wp_error( new BridgeError( 'campaign_running', 'The campaign is running.', 409 ) );
		$this->assertSame( 'The campaign is running.', $error->get_error_message() );
		$this->assertNull( $error->get_error_data()['detail'] );
	}

	/**
	 * Every country is offered for numbers without a prefix, not six, named in the user's language.
	 */
	public function test_every_country_is_offered(): void {
		$countries = Countries::all();
		$this->assertGreaterThanOrEqual( 240, count( $countries ) );
		foreach ( array( 'IT', 'DE', 'CH', 'BR', 'JP', 'NZ', 'ZA' ) as $code ) {
			$this->assertArrayHasKey( $code, $countries );
		}
		if ( class_exists( \Locale::class ) ) {
			$this->assertSame( 'Italy', $countries['IT'] );
		}
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/settings', array( 'default_country' => 'CH' ) )->get_status() );
		$this->assertSame( 'CH', $this->rest( 'GET', '/rondine/v1/settings' )->get_data()['default_country'] );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/settings', array( 'default_country' => 'XX' ) )->get_status() );
		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/settings', array( 'default_country' => '' ) )->get_status() );
	}
}
