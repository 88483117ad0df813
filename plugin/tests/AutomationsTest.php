<?php
/**
 * Issue 16: the automations routes forwarded to the bridge, and the contact actions the bridge asks of the site.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Audience\Tags;
use Rondine\Bridge\Signer;

/**
 * The bridge is faked at WordPress's HTTP layer (`pre_http_request`): each test sees what the plugin sent and answers
 * as the contract (docs/design/automations-contract.md) says the bridge does.
 */
final class AutomationsTest extends TestCase {

	private const SECRET = 'automations-test-secret-0123456789';

	private const ID = '7d0f6c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f';

	/**
	 * Requests the plugin sent to the bridge: [ method, path, raw body ].
	 *
	 * @var array<int,array{0:string,1:string,2:string}>
	 */
	private array $sent = array();

	/**
	 * The fake bridge's answer: [ status, body ].
	 *
	 * @var array{0:int,1:mixed}
	 */
	private array $answer = array( 200, array( 'ok' => true ) );

	/**
	 * Site id of the local connection.
	 *
	 * @var string
	 */
	private string $site;

	/**
	 * The filter that fakes the bridge.
	 *
	 * @var \Closure
	 */
	private \Closure $bridge;

	/**
	 * Connected with a known secret; the bridge faked.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->site   = $this->connect_locally( self::SECRET );
		$this->bridge = function ( $pre, $args, $url ) {
			$this->sent[] = array( (string) $args['method'], (string) substr( $url, strlen( 'http://127.0.0.1:9' ) ), (string) ( $args['body'] ?? '' ) );
			return array(
				'headers'  => array( 'content-type' => 'application/json' ),
				'body'     => (string) wp_json_encode( $this->answer[1] ),
				'response' => array(
					'code'    => $this->answer[0],
					'message' => 'X',
				),
				'cookies'  => array(),
				'filename' => null,
			);
		};
		add_filter( 'pre_http_request', $this->bridge, 10, 3 );
	}

	/**
	 * Filters off.
	 */
	protected function tearDown(): void {
		remove_filter( 'pre_http_request', $this->bridge, 10 );
		parent::tearDown();
	}

	/**
	 * A keyword automation as the admin app sends it: send with two buttons, wait 24 h for a reply, branch.
	 *
	 * @return array<string,mixed>
	 */
	private static function keyword_flow(): array {
		return array(
			'name'    => 'Risposta <b>PROMO</b>',
			'trigger' => array(
				'type'    => 'keyword',
				'keyword' => '  PROMO ',
			),
			'reentry' => array( 'mode' => 'every_time' ),
			'exit_on' => array(),
			'steps'   => array(
				array(
					'id'          => 's1',
					'type'        => 'send_text',
					'text'        => 'Ciao {first_name}, vuoi lo sconto?',
					'buttons'     => array(
						array(
							'id'    => 'A',
							'title' => 'Sì',
						),
						array(
							'id'    => 'B',
							'title' => 'No',
						),
					),
					'when_closed' => 'skip',
					'next'        => 's2',
				),
				array(
					'id'              => 's2',
					'type'            => 'wait_reply',
					'timeout_minutes' => 1440,
					'branches'        => array(
						array(
							'when' => array( 'button' => 'A' ),
							'next' => 's3',
						),
						array(
							'when' => array( 'any' => true ),
							'next' => null,
						),
					),
					'no_reply'        => null,
				),
				array(
					'id'     => 's3',
					'type'   => 'tag',
					'add'    => array( ' vip <i>' ),
					'remove' => array(),
					'next'   => null,
				),
			),
		);
	}

	/**
	 * The body the plugin forwarded, decoded as objects (so `{}` and `[]` can be told apart).
	 *
	 * @param int $index Which request.
	 */
	private function forwarded( int $index = 0 ): \stdClass {
		$this->assertArrayHasKey( $index, $this->sent, 'the plugin called the bridge' );
		$body = json_decode( $this->sent[ $index ][2] );
		$this->assertInstanceOf( \stdClass::class, $body );
		return $body;
	}

	/**
	 * Creating picks a uuid, PUTs the definition to the bridge with the owner's name and keyword cleaned and empty
	 * objects kept as objects, and answers 201 with the bridge's definition.
	 */
	public function test_creating_puts_the_definition_on_the_bridge_under_a_new_id(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->answer = array(
			200,
			array(
				'id'    => self::ID,
				'state' => 'draft',
			),
		);
		$flow                      = self::keyword_flow();
		$flow['steps'][1]['extra'] = new \stdClass();
		$response                  = $this->rest( 'POST', '/rondine/v1/automations', $flow );

		$this->assertSame( 201, $response->get_status() );
		$this->assertCount( 1, $this->sent );
		$this->assertSame( 'PUT', $this->sent[0][0] );
		$this->assertMatchesRegularExpression( '#^/v1/automations/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$#', $this->sent[0][1] );
		$body = $this->forwarded();
		$this->assertSame( 'Risposta PROMO', $body->name );
		$this->assertSame( 'PROMO', $body->trigger->keyword );
		$this->assertSame( 'every_time', $body->reentry->mode );
		$this->assertSame( array( 'vip' ), $body->steps[2]->add );
		$this->assertInstanceOf( \stdClass::class, $body->steps[1]->extra, '{} stays an object' );
		$this->assertSame( array(), $body->exit_on );
		$this->assertSame( array( 'A', 'B' ), array_map( static fn( $button ) => $button->id, $body->steps[0]->buttons ) );
		$this->assertFalse( property_exists( $body, 'id' ), 'only the contract\'s members are forwarded' );
	}

	/**
	 * Every route reaches the bridge's path of the contract, with its method and body.
	 */
	public function test_each_route_forwards_to_the_contracts_bridge_route(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertSame( 200, $this->rest( 'GET', '/rondine/v1/automations' )->get_status() );
		$this->assertSame( 200, $this->rest( 'GET', '/rondine/v1/automations/' . self::ID )->get_status() );
		$flow            = self::keyword_flow();
		$flow['running'] = 'stop';
		$this->assertSame( 200, $this->rest( 'PUT', '/rondine/v1/automations/' . self::ID, $flow )->get_status() );
		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/automations/' . self::ID . '/state', array( 'state' => 'active' ) )->get_status() );
		$this->assertSame( 200, $this->rest( 'DELETE', '/rondine/v1/automations/' . self::ID )->get_status() );
		$this->assertSame(
			200,
			$this->rest(
				'GET',
				'/rondine/v1/automations/' . self::ID . '/runs',
				array(),
				array(
					'phone' => '+39 347 123 4567',
					'state' => 'active',
					'limit' => 50,
				)
			)->get_status()
		);
		$this->assertSame( 200, $this->rest( 'GET', '/rondine/v1/runs', array(), array( 'phone' => '+39 347 123 4567' ) )->get_status() );

		$this->assertSame(
			array(
				array( 'GET', '/v1/automations' ),
				array( 'GET', '/v1/automations/' . self::ID ),
				array( 'PUT', '/v1/automations/' . self::ID ),
				array( 'POST', '/v1/automations/' . self::ID . '/state' ),
				array( 'DELETE', '/v1/automations/' . self::ID ),
				array( 'GET', '/v1/automations/' . self::ID . '/runs?limit=50&phone=%2B393471234567&state=active' ),
				array( 'GET', '/v1/runs?phone=%2B393471234567' ),
			),
			array_map( static fn( $sent ) => array( $sent[0], $sent[1] ), $this->sent )
		);
		$this->assertSame( 'stop', $this->forwarded( 2 )->running );
		$this->assertSame( array( 'state' => 'active' ), json_decode( $this->sent[3][2], true ) );
	}

	/**
	 * The bridge's 422 reaches the admin app with each problem naming its step; its 409 keeps its code.
	 */
	public function test_the_bridges_problems_are_passed_on(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->answer = array(
			422,
			array(
				'code'     => 'invalid_automation',
				'message'  => 'The automation has problems.',
				'problems' => array(
					array(
						'step'    => 's3',
						'code'    => 'unreachable_step',
						'message' => 'No step leads to s3.',
					),
				),
			),
		);
		$response = $this->rest( 'PUT', '/rondine/v1/automations/' . self::ID, self::keyword_flow() );
		$this->assertSame( 422, $response->get_status() );
		$data = json_decode( (string) wp_json_encode( $response->get_data() ), true );
		$this->assertSame( 'invalid_automation', $data['code'] );
		$this->assertSame(
			array(
				array(
					'step'    => 's3',
					'code'    => 'unreachable_step',
					'message' => 'No step leads to s3.',
				),
			),
			$data['data']['problems']
		);

		$this->answer = array(
			409,
			array(
				'error' => array(
					'code'    => 'keyword_taken',
					'message' => 'PROMO already starts another active automation.',
				),
			),
		);
		$response = $this->rest( 'POST', '/rondine/v1/automations/' . self::ID . '/state', array( 'state' => 'active' ) );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'keyword_taken', $response->get_data()['code'] );
	}

	/**
	 * Tag, list and date triggers: the tag's name is cleaned, the list must exist here, the date field, the days from
	 * it and the time are checked with the owner's words; the good ones reach the bridge as they are.
	 */
	public function test_tag_list_and_date_triggers_are_checked_before_the_bridge(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$list = (int) Lists::save( null, 'Fiera', '' )['id'];
		$with = static function ( array $trigger ): array {
			$flow            = self::keyword_flow();
			$flow['trigger'] = $trigger;
			return $flow;
		};
		$this->assertSame( 201, $this->rest( 'POST', '/rondine/v1/automations', $with( array( 'type' => 'tag', 'tag' => ' <b>Clienti VIP</b> ' ) ) )->get_status() );
		$this->assertSame( 'Clienti VIP', $this->forwarded( 0 )->trigger->tag );
		$this->assertSame( 201, $this->rest( 'POST', '/rondine/v1/automations', $with( array( 'type' => 'list', 'list_id' => $list ) ) )->get_status() );
		$this->assertSame( $list, $this->forwarded( 1 )->trigger->list_id );
		$birthday = array(
			'type'        => 'date',
			'field'       => 'birthday',
			'offset_days' => -3,
			'time'        => '09:30',
		);
		$this->assertSame( 201, $this->rest( 'POST', '/rondine/v1/automations', $with( $birthday ) )->get_status() );
		$this->assertEquals( (object) $birthday, $this->forwarded( 2 )->trigger );

		$refused = array(
			array( 'type' => 'tag', 'tag' => ' <i></i> ' ),
			array( 'type' => 'tag' ),
			array( 'type' => 'list' ),
			array( 'type' => 'list', 'list_id' => 987654321 ),
			array( 'field' => 'name_day' ) + $birthday,
			array( 'offset_days' => 400 ) + $birthday,
			array(
				'field'       => 'last_order',
				'offset_days' => -1,
			) + $birthday,
			array( 'time' => '9:30' ) + $birthday,
			array_diff_key( $birthday, array( 'time' => true ) ),
		);
		foreach ( $refused as $trigger ) {
			$response = $this->rest( 'POST', '/rondine/v1/automations', $with( $trigger ) );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $trigger ) );
		}
		$this->assertSame( 'Choose the tag that starts the automation.', $this->rest( 'POST', '/rondine/v1/automations', $with( array( 'type' => 'tag', 'tag' => '' ) ) )->get_data()['message'] );
		$this->assertCount( 3, $this->sent, 'only the good ones reached the bridge' );
	}

	/**
	 * What the plugin refuses before asking the bridge: bad shapes, unknown lists, an empty keyword, a phone that is
	 * not one; and someone without Rondine's capability gets 403 without anything reaching the bridge.
	 */
	public function test_bad_requests_and_strangers_never_reach_the_bridge(): void {
		wp_set_current_user( $this->user( 'subscriber' ) );
		$this->assertSame( 403, $this->rest( 'GET', '/rondine/v1/automations' )->get_status() );
		$this->assertSame( 403, $this->rest( 'POST', '/rondine/v1/automations', self::keyword_flow() )->get_status() );
		$this->assertSame( 403, $this->rest( 'GET', '/rondine/v1/runs', array(), array( 'phone' => '+393471234567' ) )->get_status() );

		wp_set_current_user( $this->user( 'administrator' ) );
		$bad_step                     = self::keyword_flow();
		$bad_step['steps'][0]['type'] = 'send_fax';
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/automations', $bad_step )->get_status() );
		$no_keyword                       = self::keyword_flow();
		$no_keyword['trigger']['keyword'] = '   ';
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/automations', $no_keyword )->get_status() );
		$unknown_list             = self::keyword_flow();
		$unknown_list['steps'][2] = array(
			'id'     => 's3',
			'type'   => 'list',
			'add'    => array( 987654321 ),
			'remove' => array(),
			'next'   => null,
		);
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/automations', $unknown_list )->get_status() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/automations/' . self::ID . '/state', array( 'state' => 'running' ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/runs', array(), array( 'phone' => 'not a phone' ) )->get_status() );
		$this->assertSame( array(), $this->sent );
	}

	/**
	 * A signed request to the site, as the bridge sends it.
	 *
	 * @param array<string,mixed> $body   Body.
	 * @param int                 $offset Seconds added to the timestamp (a retry is signed anew, at another second).
	 */
	private function signed( array $body, int $offset = 0 ): \WP_REST_Response {
		$route     = '/rondine/v1/bridge/contact-actions';
		$raw       = (string) wp_json_encode( $body );
		$timestamp = time() + $offset;
		$request   = new \WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $raw );
		$request->set_header( 'X-Rondine-Site', $this->site );
		$request->set_header( 'X-Rondine-Timestamp', (string) $timestamp );
		$request->set_header( 'X-Rondine-Signature', Signer::sign( self::SECRET, 'POST', $route, $timestamp, $raw ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Names of a contact's tags.
	 *
	 * @param int $contact_id Contact.
	 * @return string[]
	 */
	private static function tag_names( int $contact_id ): array {
		return array_map( static fn( $tag ) => $tag['name'], Contacts::with_tags( array( array( 'id' => $contact_id ) ) )[0]['tags'] );
	}

	/**
	 * Tag, list and notify actions are applied once each by id, however often the bridge delivers them, and answered
	 * as applied every time; a contact that does not exist yet is created for its phone.
	 */
	public function test_contact_actions_are_applied_once_by_id(): void {
		$contact = Contacts::upsert_by_phone( '+393471112233', array( 'first_name' => 'Ada' ) )['id'];
		Contacts::add_tags( $contact, array( Tags::ensure( 'old' ) ) );
		$list  = (int) Lists::save( null, 'Risposto sì', '' )['id'];
		$mails = array();
		$catch = static function ( $pre, $atts ) use ( &$mails ) {
			$mails[] = $atts;
			return true;
		};
		add_filter( 'pre_wp_mail', $catch, 10, 2 );
		$actions = array(
			array(
				'id'            => 'act-1',
				'phone'         => '+393471112233',
				'contact_id'    => $contact,
				'type'          => 'tag',
				'add'           => array( 'vip' ),
				'remove'        => array( 'old' ),
				'automation_id' => self::ID,
				'run_id'        => 'r1',
			),
			array(
				'id'            => 'act-2',
				'phone'         => '+393471112233',
				'type'          => 'list',
				'add'           => array( $list ),
				'automation_id' => self::ID,
				'run_id'        => 'r1',
			),
			array(
				'id'            => 'act-3',
				'phone'         => '+393471112233',
				'type'          => 'notify',
				'subject'       => "Nuovo <b>lead</b>\r\nBcc: x@example.test",
				'text'          => 'Ha risposto <script>alert(1)</script>sì',
				'automation_id' => self::ID,
				'run_id'        => 'r1',
			),
			array(
				'id'            => 'act-4',
				'phone'         => '+393479998877',
				'type'          => 'tag',
				'add'           => array( 'nuovo' ),
				'automation_id' => self::ID,
				'run_id'        => 'r2',
			),
			array(
				'id'    => 'act-5',
				'phone' => 'not-a-phone',
				'type'  => 'tag',
				'add'   => array( 'x' ),
			),
		);
		$first  = $this->signed( array( 'actions' => $actions ) );
		$second = $this->signed( array( 'actions' => $actions ), -5 );
		remove_filter( 'pre_wp_mail', $catch, 10 );

		$this->assertSame( 200, $first->get_status() );
		$this->assertSame( array( 'act-1', 'act-2', 'act-3', 'act-4' ), $first->get_data()['applied'] );
		$this->assertSame( array( 'act-1', 'act-2', 'act-3', 'act-4' ), $second->get_data()['applied'], 'a retried delivery is answered as applied' );
		$this->assertSame( array( 'vip' ), self::tag_names( $contact ) );
		$this->assertSame( 1, Lists::find( $list )['members'] );
		$this->assertCount( 1, $mails, 'the notification is sent once' );
		$this->assertSame( get_option( 'admin_email' ), $mails[0]['to'] );
		$this->assertSame( 'Nuovo lead Bcc: x@example.test', $mails[0]['subject'], 'no header can be injected, no markup kept' );
		$this->assertStringNotContainsString( '<script>', $mails[0]['message'] );
		$this->assertStringContainsString( '+393471112233', $mails[0]['message'] );
		$created = Contacts::find_by_phone( '+393479998877' );
		$this->assertNotNull( $created, 'a contact is created for a phone the site did not know' );
		$this->assertSame( array( 'nuovo' ), self::tag_names( (int) $created['id'] ) );
		$this->assertSame( array(), $this->sent, 'nothing is asked of the bridge' );
	}

	/**
	 * The endpoint is the bridge's only: an unsigned request gets 401 and changes nothing; a body without actions 400.
	 */
	public function test_contact_actions_need_the_bridges_signature(): void {
		$request = new \WP_REST_Request( 'POST', '/rondine/v1/bridge/contact-actions' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( array( 'actions' => array( array( 'id' => 'x', 'phone' => '+393470000001', 'type' => 'tag', 'add' => array( 'hacked' ) ) ) ) ) );
		wp_set_current_user( $this->user( 'administrator' ) );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'rondine_signature_missing', $response->get_data()['error']['code'] );
		$this->assertNull( Contacts::find_by_phone( '+393470000001' ) );
		$this->assertSame( 400, $this->signed( array( 'nope' => true ) )->get_status() );
	}
}
