<?php
/**
 * The site tells the bridge when a contact is given a tag or joins a list, through the outbox.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Importer;
use Rondine\Audience\Lists;
use Rondine\Audience\Tags;
use Rondine\Bridge\Outbox;
use Rondine\Bridge\Signer;
use Rondine\Tests\Fixtures\BridgeReceiver;

require_once __DIR__ . '/Fixtures/BridgeReceiver.php';

/**
 * Every way a tag or a list reaches a contact (the owner in wp-admin, one at a time or in bulk, a CSV import, an
 * automation's own step) queues one `contact.tagged` / `contact.list_added` event with the contact's values, in the
 * same request; nothing is queued for a tag the contact had or a list it was in. The outbox delivers the events signed
 * to a receiver that checks `POST /v1/events`' schema and handles each id once, as the bridge does: queued twice is one
 * row, a bridge down for a while gets everything later with backoff through Action Scheduler, an answer lost on its way
 * back duplicates nothing, and an import of thousands goes in calls of 500.
 */
final class AutomationEventsTest extends TestCase {

	private const SECRET = 'events-test-secret-0123456789abcd';

	/**
	 * Receiver.
	 *
	 * @var BridgeReceiver
	 */
	private BridgeReceiver $bridge;

	/**
	 * Site id.
	 *
	 * @var string
	 */
	private string $site;

	/**
	 * Connects to the receiver, with an empty outbox.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'DELETE FROM ' . Outbox::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the outbox table's name.
		$this->site   = $this->connect_locally( self::SECRET );
		$this->bridge = ( new BridgeReceiver( 'http://127.0.0.1:9', $this->site, self::SECRET ) )->start();
	}

	/**
	 * Stops the receiver.
	 */
	protected function tearDown(): void {
		$this->bridge->stop();
		parent::tearDown();
	}

	/**
	 * The queued events, in order.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	private function queued(): array {
		global $wpdb;
		$rows = $wpdb->get_col( $wpdb->prepare( "SELECT payload FROM %i WHERE kind = 'event' ORDER BY id", Outbox::table() ) );
		return array_map( static fn( $p ) => json_decode( (string) $p, true ), $rows ?: array() );
	}

	/**
	 * "type subject phone" of each queued event (subject: the tag, or the list id).
	 *
	 * @return string[]
	 */
	private function seen(): array {
		return array_map(
			static fn( $e ) => $e['type'] . ' ' . ( $e['data']['tag'] ?? $e['data']['list_id'] ?? '' ) . ' ' . $e['phone'],
			$this->queued()
		);
	}

	/**
	 * A contact with a phone.
	 *
	 * @param string $phone E.164.
	 * @param string $name  First name.
	 */
	private static function contact( string $phone, string $name = 'Ada' ): int {
		return Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => $name,
				'source'     => 'import',
			)
		)['id'];
	}

	/**
	 * The owner's tags and lists, one contact or many, queue one event per new tag or list, with the contact's values;
	 * a tag the contact had, a list it was in, or a contact without a phone queue nothing.
	 */
	public function test_the_owners_tags_and_lists_queue_one_event_each(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$ada  = self::contact( '+393478880001', 'Ada' );
		$bea  = self::contact( '+393478880002', 'Bea' );
		$vip  = Tags::ensure( 'Clienti VIP' );
		$news = Tags::ensure( 'newsletter' );
		$list = (int) Lists::save( null, 'Fiera di maggio', '' )['id'];
		Contacts::set_birthday( $ada, '1990-05-31' );

		$this->assertSame( 200, $this->rest( 'PUT', "/rondine/v1/contacts/$ada", array( 'tags' => array( $vip ) ) )->get_status() );
		$this->assertSame( 200, $this->rest( 'PUT', "/rondine/v1/contacts/$ada", array( 'tags' => array( $vip ) ) )->get_status(), 'the same tags again' );
		$this->rest( 'PUT', "/rondine/v1/contacts/$ada", array( 'tags' => array( $vip, $news ) ) );
		$this->rest(
			'POST',
			'/rondine/v1/contacts/bulk',
			array(
				'ids'    => array( $ada, $bea ),
				'action' => 'add_tag',
				'tag'    => $vip,
			)
		);
		$this->rest( 'POST', "/rondine/v1/lists/$list/members", array( 'contact_ids' => array( $ada, $bea ) ) );
		$this->rest( 'POST', "/rondine/v1/lists/$list/members", array( 'contact_ids' => array( $ada ) ) );
		// A contact whose number is not valid: nothing an automation could send to.
		global $wpdb;
		$wpdb->insert( // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery
			Contacts::table(),
			array(
				'phone'      => null,
				'phone_raw'  => 'n/a',
				'consent'    => 'none',
				'created_at' => gmdate( 'Y-m-d H:i:s' ),
				'updated_at' => gmdate( 'Y-m-d H:i:s' ),
			)
		);
		Contacts::add_tags( (int) $wpdb->insert_id, array( $vip ) );

		$this->assertSame(
			array(
				'contact.tagged Clienti VIP +393478880001',
				'contact.tagged newsletter +393478880001',
				'contact.tagged Clienti VIP +393478880002',
				"contact.list_added $list +393478880001",
				"contact.list_added $list +393478880002",
			),
			$this->seen()
		);
		$first = $this->queued()[0];
		$this->assertMatchesRegularExpression( "/^tag:$ada:$vip:\\d+$/", $first['id'] );
		$this->assertSame( (string) $ada, $first['contact_id'] );
		$this->assertSame( 'Ada', $first['data']['contact']['first_name'] );
		$this->assertSame( 'none', $first['data']['contact']['consent'], 'the bridge reads the consent it was given' );
		$this->assertSame( 'Clienti VIP', $first['data']['contact']['tags'] );
		$this->assertSame( '1990-05-31', $first['data']['contact']['birthday'] );
		$this->assertArrayNotHasKey( 'caused_by', $first['data'], 'the owner did it, not an automation' );
		$this->assertSame( 'Fiera di maggio', $this->queued()[3]['data']['list'] );
		$this->assertNotNull( Outbox::next_retry(), 'a retry is planned in case the delivery at the end of the request fails' );
		$this->assertSame( 10, has_action( 'shutdown', array( Outbox::class, 'deliver_at_shutdown' ) ) );
	}

	/**
	 * A CSV import queues its tags and list in bulk (one INSERT per 500), and an automation's tag and list steps carry
	 * the run that made them, so that the bridge never restarts that automation with them.
	 */
	public function test_imports_and_automation_steps_queue_their_events(): void {
		$list   = (int) Lists::save( null, 'Importati', '' )['id'];
		$report = Importer::run( $list, "telefono,nome,tag\n+39 347 888 0011,Ciro,vip\n+39 347 888 0012,Dora,\"vip, fiera\"\n", array( 'phone' => 'telefono', 'first_name' => 'nome', 'tags' => 'tag' ), 'IT', 'none', '', false );
		$this->assertSame( 2, $report['imported'] );
		$this->assertSame(
			array(
				'contact.tagged vip +393478880011',
				'contact.tagged vip +393478880012',
				'contact.tagged fiera +393478880012',
				"contact.list_added $list +393478880011",
				"contact.list_added $list +393478880012",
			),
			$this->seen()
		);

		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Outbox::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the outbox table's name.
		$other = (int) Lists::save( null, 'Ha risposto', '' )['id'];
		$body  = (string) wp_json_encode(
			array(
				'actions' => array(
					array(
						'id'            => '41:2',
						'phone'         => '+393478880011',
						'type'          => 'tag',
						'add'           => array( 'caldo' ),
						'automation_id' => 'a1b2c3',
						'run_id'        => 41,
					),
					array(
						'id'            => '41:3',
						'phone'         => '+393478880011',
						'type'          => 'list',
						'add'           => array( $other ),
						'automation_id' => 'a1b2c3',
						'run_id'        => 41,
					),
				),
			)
		);
		$route   = '/rondine/v1/bridge/contact-actions';
		$request = new \WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $body );
		$request->set_header( 'X-Rondine-Site', $this->site );
		$request->set_header( 'X-Rondine-Timestamp', (string) time() );
		$request->set_header( 'X-Rondine-Signature', Signer::sign( self::SECRET, 'POST', $route, time(), $body ) );
		$this->assertSame( array( '41:2', '41:3' ), rest_get_server()->dispatch( $request )->get_data()['applied'] );
		$this->assertSame( array( 'contact.tagged caldo +393478880011', "contact.list_added $other +393478880011" ), $this->seen() );
		foreach ( $this->queued() as $event ) {
			$this->assertSame(
				array(
					'automation_id' => 'a1b2c3',
					'run_id'        => 41,
				),
				$event['data']['caused_by']
			);
		}
	}

	/**
	 * The same event queued twice is one row; delivered, it reaches the bridge signed in the contract's body.
	 */
	public function test_an_event_id_is_queued_once_and_delivered_signed(): void {
		$event = array(
			'id'         => 'tag:7:3:1700000000',
			'type'       => 'contact.tagged',
			'phone'      => '+393478880021',
			'contact_id' => '7',
			'data'       => array( 'tag' => 'vip' ),
		);
		$this->assertSame( 1, Outbox::push_events( array( $event ) ) );
		$this->assertSame( 0, Outbox::push_events( array( $event ) ), 'already queued' );
		$this->assertSame( 0, Outbox::push_events( array( array( 'phone' => '333' ) + $event ) ), 'not E.164: refused' );
		$this->assertCount( 1, $this->queued() );

		$result = Outbox::deliver();
		$this->assertSame( array(), $this->bridge->refused, 'signature and schema accepted' );
		$this->assertSame( 1, $result['sent'] );
		$this->assertSame( array( '/v1/events' ), $this->bridge->paths() );
		$this->assertSame( array( $event ), $this->bridge->events );
		$this->assertSame( 0, Outbox::pending_count() );
	}

	/**
	 * A bridge down for ten minutes loses nothing: attempts back off through Action Scheduler (WooCommerce's), and the
	 * events go in one call once it answers; an answer lost on its way back makes the outbox send again, and the
	 * bridge's dedupe by id keeps each event once.
	 */
	public function test_a_bridge_down_then_up_loses_and_duplicates_nothing(): void {
		global $wpdb;
		$table = Outbox::table();
		$ada   = self::contact( '+393478880031' );
		Contacts::add_tags( $ada, array( Tags::ensure( 'uno' ), Tags::ensure( 'due' ) ) );
		Lists::add( (int) Lists::save( null, 'Tre', '' )['id'], array( $ada ) );
		$this->assertCount( 3, $this->queued() );
		$this->assertTrue( Outbox::uses_action_scheduler(), 'WooCommerce ships Action Scheduler: retries go through it' );

		$this->bridge->down = true;
		$minutes            = array();
		for ( $attempt = 1; $attempt <= 4; $attempt++ ) {
			$result = Outbox::deliver();
			$this->assertSame( 3, $result['retry'] );
			$row       = $wpdb->get_row( $wpdb->prepare( 'SELECT attempts, next_attempt_at FROM %i ORDER BY id LIMIT 1', $table ), ARRAY_A );
			$minutes[] = (int) round( ( strtotime( $row['next_attempt_at'] . ' UTC' ) - time() ) / 60 );
			$this->assertSame( (string) $attempt, (string) $row['attempts'] );
			$this->assertSame( $minutes[ $attempt - 1 ] * 60, (int) round( ( Outbox::next_retry() - time() ) / 60 ) * 60, 'the Action Scheduler action is due when the rows are' );
			$this->assertNotFalse( as_next_scheduled_action( Outbox::HOOK, array( 'retry' ), Outbox::GROUP ) );
			// The time passes: the rows are due again.
			$wpdb->query( $wpdb->prepare( "UPDATE %i SET next_attempt_at = '2000-01-01 00:00:00'", $table ) );
		}
		$this->assertSame( array( 1, 2, 4, 8 ), $minutes, 'a minute, doubled each time: 15 minutes down are 4 attempts' );
		$this->assertSame( array(), $this->bridge->events );

		// Back, but the first answer is lost: the events are handled, the outbox does not know and sends them again.
		$this->bridge->down        = false;
		$this->bridge->lose_answer = true;
		$this->assertSame( 3, Outbox::deliver()['retry'] );
		$this->bridge->lose_answer = false;
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET next_attempt_at = '2000-01-01 00:00:00'", $table ) );
		do_action( Outbox::HOOK, 'retry' ); // What Action Scheduler runs.
		$this->assertSame( 0, Outbox::pending_count() );
		$this->assertCount( 2, $this->bridge->received, 'each time in one call' );
		$this->assertCount( 3, $this->bridge->received[1][1]['events'] );
		$this->assertSame(
			array( 'contact.tagged', 'contact.tagged', 'contact.list_added' ),
			array_map( static fn( $e ) => $e['type'], $this->bridge->events ),
			'each event handled once, in order'
		);
		$this->assertSame( 0, Outbox::deliver()['sent'], 'nothing left' );
	}

	/**
	 * An import that tags 1,200 contacts and adds them to a list makes 2,400 events, sent in calls of 500, not one
	 * request each.
	 */
	public function test_a_big_import_goes_in_calls_of_500(): void {
		$list = (int) Lists::save( null, 'Grande', '' )['id'];
		$csv  = "phone,tags\n";
		for ( $i = 0; $i < 1200; $i++ ) {
			$csv .= sprintf( "+39347%07d,grande\n", 7000000 + $i );
		}
		$report = Importer::run( $list, $csv, array( 'phone' => 'phone', 'tags' => 'tags' ), 'IT', 'none', '', false );
		$this->assertSame( 1200, $report['imported'] );
		$this->assertSame( 2400, Outbox::pending_count() );
		$result = Outbox::deliver();
		$this->assertSame( 2400, $result['sent'] );
		$this->assertSame( array( 500, 500, 500, 500, 400 ), array_map( static fn( $r ) => count( $r[1]['events'] ), $this->bridge->received ) );
		$this->assertCount( 2400, $this->bridge->events );
	}

	/**
	 * An erasure also drops the person's events not sent yet: they name them.
	 */
	public function test_an_erasure_drops_the_persons_queued_events(): void {
		$ada = self::contact( '+393478880041' );
		$bea = self::contact( '+393478880042' );
		Contacts::add_tags( $ada, array( Tags::ensure( 'uno' ) ) );
		Contacts::add_tags( $bea, array( Tags::ensure( 'uno' ) ) );
		$this->bridge->down = true;
		\Rondine\Consent\Privacy::erase_contacts( array( Contacts::find( $ada ) ) );
		$this->assertSame( array( 'contact.tagged uno +393478880042' ), $this->seen() );
	}
}
