<?php
/**
 * The plugin's copy of the bridge's enums.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Contract;

/**
 * Rondine\Bridge\Contract names exactly the values of the bridge's OpenAPI document (bridge-server/openapi.json).
 */
final class ContractTest extends \PHPUnit\Framework\TestCase {

	/**
	 * The document's named schemas.
	 *
	 * @return array<string,array<string,mixed>>
	 */
	private static function schemas(): array {
		$file = dirname( __DIR__, 2 ) . '/bridge-server/openapi.json';
		$doc  = json_decode( (string) file_get_contents( $file ), true );
		return $doc['components']['schemas'];
	}

	/**
	 * Each enum of the plugin against the document's.
	 */
	public function test_enums_match_the_bridge_document(): void {
		$schemas = self::schemas();
		$this->assertSame( $schemas['CampaignState']['enum'], Contract::CAMPAIGN_STATES );
		$this->assertSame( $schemas['RecipientState']['enum'], Contract::RECIPIENT_STATES );
		$this->assertSame( $schemas['MessageStatus']['enum'], Contract::MESSAGE_STATUSES );
		$this->assertSame( $schemas['ContactField']['enum'], Contract::CONTACT_FIELDS );
		$this->assertSame( $schemas['ErrorReason']['enum'], Contract::ERROR_REASONS );
	}

	/**
	 * The contact fields are the `fields` the audience page sends, and the phone.
	 */
	public function test_contact_fields_are_what_the_audience_page_sends(): void {
		$source = (string) file_get_contents( dirname( __DIR__ ) . '/src/Audience/Audience.php' );
		$this->assertSame( 1, preg_match( "/'fields'\s*=>\s*array\(([\s\S]*?)\n\t{4}\),/", $source, $block ) );
		preg_match_all( "/^\s*'([a-z_]+)'\s*=>/m", $block[1], $keys );
		$sent = $keys[1];
		$this->assertCount( 12, $sent );
		$sent[] = 'phone';
		$expected = Contract::CONTACT_FIELDS;
		sort( $sent );
		sort( $expected );
		$this->assertSame( $expected, $sent );
	}

	/**
	 * The CSV names every failure reason the bridge writes in words, and no other.
	 */
	public function test_every_error_reason_has_words(): void {
		$labels = \Rondine\Audience\Recipients::error_labels();
		$this->assertSame( Contract::ERROR_REASONS, array_keys( $labels ) );
		$this->assertSame( 'http_502_not_json', \Rondine\Audience\Recipients::error_label( 'http_502_not_json' ) );
	}
}
