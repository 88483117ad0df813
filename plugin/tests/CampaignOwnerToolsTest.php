<?php
/**
 * Issue 13, defects 1, 5 and 7, through the plugin's routes to the test stack's real bridge: a test to the owner's
 * phone, the daily-limit forecast, and media headers checked before they leave WordPress.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Connection;

/**
 * The site is connected to the stack's bridge, whose emulator answers for the sandbox number.
 */
final class CampaignOwnerToolsTest extends TestCase {

	/**
	 * The site is connected for real, as an administrator.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->assertNotNull( Connection::stored(), 'the test site is connected to the stack\'s bridge' );
		wp_set_current_user( $this->user( 'administrator' ) );
	}

	/**
	 * The forwarded answer as arrays.
	 *
	 * @param \WP_REST_Response $response Response.
	 * @return array<string,mixed>
	 */
	private function body( \WP_REST_Response $response ): array {
		$body = json_decode( (string) wp_json_encode( $response->get_data() ), true );
		$this->assertIsArray( $body );
		return $body;
	}

	/**
	 * The nuova_collezione template with its image (or without).
	 *
	 * @param bool $with_image Whether the header's image is given.
	 * @return array<string,mixed>
	 */
	private static function collection( bool $with_image ): array {
		$components = array(
			array(
				'type'       => 'body',
				'parameters' => array(
					array(
						'type'     => 'text',
						'field'    => 'first_name',
						'fallback' => 'cliente',
					),
				),
			),
		);
		if ( $with_image ) {
			array_unshift(
				$components,
				array(
					'type'       => 'header',
					'parameters' => array(
						array(
							'type'      => 'image',
							'link'      => 'https://media.bottega-demo.it/collezione.jpg',
							'mime_type' => 'image/jpeg',
							'size'      => 120000,
						),
					),
				)
			);
		}
		return array(
			'name'       => 'nuova_collezione',
			'language'   => 'it',
			'components' => $components,
		);
	}

	/**
	 * A number typed the Italian way reaches the bridge as E.164 and is sent; the answer names it.
	 */
	public function test_a_test_message_reaches_the_owners_phone_through_the_bridge(): void {
		$response = $this->rest(
			'POST',
			'/rondine/v1/campaigns/test-message',
			array(
				'to'        => '340 000 0888',
				'template'  => self::collection( true ),
				'variables' => array( 'first_name' => 'Marta' ),
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$body = $this->body( $response );
		$this->assertSame( '+393400000888', $body['to'] ?? null );
		$this->assertStringStartsWith( 'wamid.', (string) ( $body['wamid'] ?? '' ) );
	}

	/**
	 * The bridge refuses a test of an image-header template without its image, and the plugin refuses a number that is
	 * not one before asking the bridge.
	 */
	public function test_a_test_message_the_template_cannot_fill_is_refused(): void {
		$missing = $this->rest(
			'POST',
			'/rondine/v1/campaigns/test-message',
			array(
				'to'       => '+393400000888',
				'template' => self::collection( false ),
			)
		);
		$this->assertSame( 422, $missing->get_status(), (string) wp_json_encode( $missing->get_data() ) );
		$this->assertStringContainsString( 'image', (string) wp_json_encode( $missing->get_data() ) );

		$bad = $this->rest(
			'POST',
			'/rondine/v1/campaigns/test-message',
			array(
				'to'       => 'not a phone',
				'template' => self::collection( true ),
			)
		);
		$this->assertSame( 400, $bad->get_status() );
		$this->assertSame( 'rondine_invalid_phone', $bad->get_data()['code'] ?? $bad->as_error()->get_error_code() );
	}

	/**
	 * A GIF, or an image over 5 MB, is refused by the plugin with Meta's rule (the bridge is never asked).
	 */
	public function test_a_campaign_with_a_header_file_meta_refuses_is_refused(): void {
		foreach ( array(
			array( 'mime_type' => 'image/gif' ),
			array( 'size' => 6 * 1024 * 1024 ),
		) as $change ) {
			$template = self::collection( true );
			$template['components'][0]['parameters'][0] = array_merge( $template['components'][0]['parameters'][0], $change );
			$response = $this->rest(
				'POST',
				'/rondine/v1/campaigns',
				array(
					'name'     => 'Nuova collezione',
					'audience' => array(
						'segments' => array(),
						'lists'    => array(),
					),
					'template' => $template,
				)
			);
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $change ) );
			$this->assertSame( 'rondine_invalid_media', $response->as_error()->get_error_code() );
		}
	}

	/**
	 * The forecast comes from the bridge, with the sandbox number's limit and the audience's phones.
	 */
	public function test_the_forecast_is_the_bridges_computation_over_the_audiences_phones(): void {
		$segment = $this->rest(
			'POST',
			'/rondine/v1/segments',
			array(
				'name'       => 'Forecast ' . wp_generate_password( 6, false ),
				'definition' => array(
					'match'  => 'all',
					'groups' => array(),
				),
			)
		);
		$this->assertLessThan( 300, $segment->get_status(), (string) wp_json_encode( $segment->get_data() ) );
		$id       = (int) $this->body( $segment )['id'];
		$count    = $this->body(
			$this->rest(
				'POST',
				'/rondine/v1/audience/count',
				array(
					'segments' => array( $id ),
					'lists'    => array(),
				)
			)
		)['count'] ?? null;
		$response = $this->rest(
			'POST',
			'/rondine/v1/campaigns/forecast',
			array(
				'audience' => array(
					'segments' => array( $id ),
					'lists'    => array(),
				),
				'start_at' => gmdate( 'c', time() + 2 * DAY_IN_SECONDS ),
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$forecast = $this->body( $response );
		$this->assertSame( 250, $forecast['limit'] );
		$this->assertSame( $count, $forecast['recipients'] );
		$this->assertSame( 0, $forecast['already_in_window'], 'two days ahead, nothing sent today is still in the window' );
		$this->assertSame( max( 0, $count - 250 ), $forecast['over'] );
	}
	/**
	 * Issue 16: a campaign launches an automation started by campaigns. The plugin checks the id's shape and passes it
	 * on; the bridge refuses an automation that cannot be launched; a duplicate launches the same automation.
	 */
	public function test_a_campaign_launches_an_automation_through_the_plugin(): void {
		$flow    = array(
			'name'    => 'Seguito della campagna',
			'trigger' => array( 'type' => 'campaign' ),
			'reentry' => array( 'mode' => 'once' ),
			'exit_on' => array(),
			'steps'   => array(
				array(
					'id'       => 's1',
					'type'     => 'send_template',
					'template' => self::collection( true ),
					'next'     => null,
				),
			),
		);
		$created = $this->rest( 'POST', '/rondine/v1/automations', $flow );
		$this->assertSame( 201, $created->get_status(), (string) wp_json_encode( $created->get_data() ) );
		$automation = (string) $this->body( $created )['id'];
		$audience   = array( 'segments' => array(), 'lists' => array() );

		// Still a draft: the bridge refuses it, and the plugin passes its code on.
		$draft = $this->rest(
			'POST',
			'/rondine/v1/campaigns',
			array(
				'name'          => 'Lancio',
				'audience'      => $audience,
				'automation_id' => $automation,
			)
		);
		$this->assertSame( 422, $draft->get_status() );
		$this->assertStringContainsString( 'automation_not_active', (string) wp_json_encode( $draft->get_data() ) );

		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/automations/' . $automation . '/state', array( 'state' => 'active' ) )->get_status() );
		$campaign = $this->rest(
			'POST',
			'/rondine/v1/campaigns',
			array(
				'name'          => 'Lancio',
				'audience'      => $audience,
				'automation_id' => $automation,
			)
		);
		$this->assertSame( 201, $campaign->get_status(), (string) wp_json_encode( $campaign->get_data() ) );
		$body = $this->body( $campaign );
		$this->assertNull( $body['template'] );
		$this->assertSame( $automation, $body['automation']['id'] ?? null );

		// Not an id: refused here, before the bridge.
		$bad = $this->rest(
			'POST',
			'/rondine/v1/campaigns',
			array(
				'name'          => 'Lancio',
				'audience'      => $audience,
				'automation_id' => '../x',
			)
		);
		$this->assertSame( 400, $bad->get_status() );

		$copy = $this->rest( 'POST', '/rondine/v1/campaigns/' . $body['id'] . '/duplicate' );
		$this->assertSame( 201, $copy->get_status(), (string) wp_json_encode( $copy->get_data() ) );
		$this->assertSame( $automation, $this->body( $copy )['automation']['id'] ?? null );
	}
}
