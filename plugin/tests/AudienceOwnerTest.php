<?php
/**
 * What a shop owner does with contacts, segments and a campaign's recipients (issue 13, defects 6, 8 and 9).
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Fields;
use Rondine\Audience\Lists;
use Rondine\Audience\Recipients;
use Rondine\Audience\Segments;
use Rondine\Audience\Tags;
use Rondine\Consent\Consent;

/**
 * Spreadsheets in the owner's locale, the contact page's data, search by digits, filters and bulk actions, consent
 * changed by the owner with a note, countries by name, and segment counts in the list.
 */
final class AudienceOwnerTest extends TestCase {

	/**
	 * Locale filter in use.
	 *
	 * @var callable|null
	 */
	private $locale = null;

	/**
	 * An administrator; the shop in Rome.
	 */
	protected function setUp(): void {
		parent::setUp();
		wp_set_current_user( $this->user( 'administrator' ) );
		update_option( 'timezone_string', 'Europe/Rome' );
	}

	/**
	 * Back to English.
	 */
	protected function tearDown(): void {
		if ( null !== $this->locale ) {
			remove_filter( 'locale', $this->locale );
			remove_filter( 'determine_locale', $this->locale );
			$this->locale = null;
			unload_textdomain( 'rondine', true ); // Reloadable: loaded again, just in time, in the new locale.
			\Rondine\I18n::load();
		}
		parent::tearDown();
	}

	/**
	 * Works in a locale, as a user of that language does in wp-admin.
	 *
	 * @param string $locale Locale.
	 */
	private function in_locale( string $locale ): void {
		$this->locale = static fn() => $locale;
		add_filter( 'locale', $this->locale );
		add_filter( 'determine_locale', $this->locale );
		unload_textdomain( 'rondine', true ); // Reloadable: loaded again, just in time, in the new locale.
		\Rondine\I18n::load();
	}

	/**
	 * Rows of a CSV file written by the plugin, split as a spreadsheet of that locale does.
	 *
	 * @param string $csv       File.
	 * @param string $separator Separator.
	 * @return array<int,array<int,string>>
	 */
	private function parse( string $csv, string $separator ): array {
		$rows = array();
		foreach ( preg_split( '/\r\n/', trim( substr( $csv, 3 ) ) ) as $line ) {
			$rows[] = str_getcsv( $line, $separator, '"', '' );
		}
		return $rows;
	}

	/**
	 * A contact with orders and consent.
	 *
	 * @param string $phone Phone.
	 * @param string $first First name.
	 * @param string $last  Last name.
	 */
	private function contact( string $phone, string $first = 'Niccolò', string $last = 'Rossi' ): int {
		global $wpdb;
		$id = Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => $first,
				'last_name'  => $last,
				'email'      => 'n' . substr( $phone, -4 ) . '@example.test',
				'country'    => 'IT',
				'source'     => 'import',
			)
		)['id'];
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- test data.
		$wpdb->update(
			Contacts::table(),
			array(
				'orders_count'  => 3,
				'total_spent'   => 1249.9,
				'last_order_at' => '2026-07-01 22:30:00',
			),
			array( 'id' => $id )
		);
		Consent::record( $id, Consent::GRANTED, 'import', 'Fiera 2026', '2026-12-07 13:05:00' );
		return $id;
	}

	/**
	 * The contacts export opens in Italian Excel: BOM, `;`, Italian headers, no internal columns, shop time, decimal
	 * comma.
	 */
	public function test_contacts_export_opens_right_in_italian(): void {
		$list = Lists::save( null, 'Export IT', '' )['id'];
		$id   = $this->contact( '+393331112233' );
		Lists::add( $list, array( $id ) );
		Contacts::set_tags( $id, array( Tags::ensure( 'vip' ) ) );
		$this->in_locale( 'it_IT' );

		$response = $this->rest( 'GET', '/rondine/v1/contacts/export', array(), array( 'list' => $list ) );
		$this->assertSame( 200, $response->get_status() );
		$csv = $response->get_data();
		$this->assertStringStartsWith( "\xEF\xBB\xBF", $csv, 'a UTF-8 byte-order mark, for Excel' );
		$rows = $this->parse( $csv, ';' );
		$this->assertCount( 2, $rows );
		$this->assertSame( 'Nome', $rows[0][0] );
		$this->assertContains( 'Telefono', $rows[0] );
		$this->assertContains( 'Consenso', $rows[0] );
		foreach ( array( 'id', 'phone_raw', 'customer_id', 'user_id', 'source' ) as $internal ) {
			$this->assertNotContains( $internal, $rows[0] );
		}
		$row = array_combine( $rows[0], $rows[1] );
		$this->assertSame( 'Niccolò', $row['Nome'] );
		$this->assertSame( '+393331112233', $row['Telefono'] );
		$this->assertSame( 'Consenso dato', $row['Consenso'] );
		$this->assertSame( '2026-12-07 14:05', $row['Consenso modificato'], 'consent time in the shop\'s time zone' );
		$this->assertSame( '1249,90', $row['Totale speso'] );
		$this->assertSame( '2026-07-02 00:30', $row['Ultimo ordine'] );
		$this->assertSame( 'vip', $row['Etichette'] );
	}

	/**
	 * In English the same export splits on commas with English headers.
	 */
	public function test_contacts_export_in_english_uses_commas(): void {
		$list = Lists::save( null, 'Export EN', '' )['id'];
		Lists::add( $list, array( $this->contact( '+393331112244' ) ) );
		$csv  = $this->rest( 'GET', '/rondine/v1/contacts/export', array(), array( 'list' => $list ) )->get_data();
		$rows = $this->parse( $csv, ',' );
		$this->assertSame( 'First name', $rows[0][0] );
		$row = array_combine( $rows[0], $rows[1] );
		$this->assertSame( '1249.90', $row['Total spent'] );
		$this->assertSame( 'Opted in', $row['Consent'] );
	}

	/**
	 * A campaign's recipients get the contact's name and id (by id while it still has that phone, else by phone), and
	 * their CSV is in the owner's language and time zone.
	 */
	public function test_recipients_get_names_and_an_italian_csv(): void {
		$ada   = $this->contact( '+393331110001', 'Ada', 'Lovelace' );
		$bruno = $this->contact( '+393331110002', 'Bruno', 'Munari' );
		$rows  = Recipients::with_contacts(
			array(
				array(
					'id'             => 1,
					'contact_id'     => (string) $ada,
					'phone'          => '+393331110001',
					'state'          => 'completed',
					'message_status' => 'read',
					'sent_at'        => '2026-12-07T13:05:00.000Z',
					'read_at'        => '2026-12-07T13:06:00.000Z',
					'updated_at'     => '2026-12-07T13:06:00.000Z',
				),
				array(
					'id'         => 2,
					'contact_id' => (string) $ada,
					'phone'      => '+393331110002',
					'state'      => 'failed',
					'error_reason' => 'not_on_whatsapp',
					'error_code' => 131026,
					'updated_at' => '2026-12-07T13:07:00.000Z',
				),
				array(
					'id'         => 3,
					'contact_id' => null,
					'phone'      => '+393339999999',
					'state'      => 'pending',
					'updated_at' => '2026-12-07T13:07:00.000Z',
				),
			)
		);
		$this->assertSame( array( $ada, 'Ada Lovelace' ), array( $rows[0]['contact_id'], $rows[0]['name'] ) );
		$this->assertSame( array( $bruno, 'Bruno Munari' ), array( $rows[1]['contact_id'], $rows[1]['name'] ), 'an id that no longer has this phone is not trusted' );
		$this->assertSame( array( null, '' ), array( $rows[2]['contact_id'], $rows[2]['name'] ) );

		$this->in_locale( 'it_IT' );
		$csv = Recipients::csv( $rows );
		$this->assertStringStartsWith( "\xEF\xBB\xBF", $csv );
		$parsed = $this->parse( $csv, ';' );
		$this->assertSame( array( 'Nome', 'Telefono', 'Stato', 'Errore', 'Inviato', 'Consegnato', 'Letto', 'Risposta o tocco', 'Aggiornato' ), $parsed[0] );
		$this->assertSame( array( 'Ada Lovelace', '+393331110001', 'Letto', '', '2026-12-07 14:05', '', '2026-12-07 14:06', '', '2026-12-07 14:06' ), $parsed[1] );
		$this->assertSame( 'Non è su WhatsApp (131026)', $parsed[2][3] );
	}

	/**
	 * A phone typed as people write it finds the contact: "333 123", "+39 333-123", "(0039) 333 1".
	 */
	public function test_search_matches_the_digits_of_the_phone(): void {
		$id = $this->contact( '+393331234567' );
		foreach ( array( '333 123', '+39 333-123', '(0039) 333 12', '3331234567' ) as $typed ) {
			$ids = array_column( Contacts::query( array( 'search' => $typed ) )['items'], 'id' );
			$this->assertContains( $id, $ids, $typed );
		}
		$this->assertNotContains( $id, array_column( Contacts::query( array( 'search' => '444 555' ) )['items'], 'id' ) );
	}

	/**
	 * The import takes "(+39) 328-111-2222" and says what a refused number has wrong.
	 */
	public function test_import_accepts_a_bracketed_country_code(): void {
		$list     = Lists::save( null, 'Brackets', '' )['id'];
		$response = $this->rest(
			'POST',
			"/rondine/v1/lists/{$list}/import",
			array(
				'csv'             => "Telefono;Nome\n(+39) 328-111-2222;Carla\n328 +111 2223;Dario\n",
				'mapping'         => array(
					'phone'      => 'Telefono',
					'first_name' => 'Nome',
				),
				'default_country' => 'IT',
				'consent_mode'    => 'none',
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$report = $response->get_data();
		$this->assertSame( 1, $report['imported'] );
		$this->assertNotNull( Contacts::find_by_phone( '+393281112222' ) );
		$this->assertCount( 1, $report['rejected'] );
		$this->assertSame( \Rondine\Phone\Normalizer::explain( 'misplaced_plus' ), $report['rejected'][0]['message'], 'the reason names what is wrong (a + inside the number), not a rule the refused number meets' );
		$this->assertStringContainsString( '(+39)', $report['rejected'][0]['message'] );
	}

	/**
	 * Filters by country and consent; bulk tag, untag, add to list and delete; never a consent change in bulk.
	 */
	public function test_filters_and_bulk_actions(): void {
		$a   = $this->contact( '+393331110101' );
		$b   = $this->contact( '+393331110102' );
		$de  = Contacts::upsert_by_phone( '+4915123456789', array( 'country' => 'DE' ) )['id'];
		$tag = Tags::ensure( 'fiera' );
		$ids = array_column( Contacts::query( array( 'country' => 'de', 'per_page' => 0 ) )['items'], 'id' );
		$this->assertContains( $de, $ids );
		$this->assertNotContains( $a, $ids );
		$this->assertNotContains( $de, array_column( Contacts::query( array( 'consent' => 'granted', 'per_page' => 0 ) )['items'], 'id' ) );
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/contacts', array(), array( 'country' => 'Italia' ) )->get_status() );

		$response = $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $a, $b ), 'action' => 'add_tag', 'tag' => $tag ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 2, $response->get_data()['changed'] );
		$this->assertSame( array( $a, $b ), array_values( array_intersect( array( $a, $b ), array_column( Contacts::query( array( 'tag' => $tag, 'per_page' => 0 ) )['items'], 'id' ) ) ) );
		$this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $b ), 'action' => 'remove_tag', 'tag' => $tag ) );
		$this->assertSame( array( $a ), array_column( Contacts::query( array( 'tag' => $tag, 'per_page' => 0 ) )['items'], 'id' ) );

		$list = Lists::save( null, 'Bulk', '' )['id'];
		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $a, $de ), 'action' => 'add_to_list', 'list' => $list ) )->get_status() );
		$this->assertSame( 2, Lists::find( $list )['members'] );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $a ), 'action' => 'add_tag', 'tag' => 999999 ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $a ), 'action' => 'consent' ) )->get_status(), 'consent is not a bulk action' );

		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $de ), 'action' => 'delete' ) )->get_status() );
		$this->assertNull( Contacts::find( $de ) );
		$this->assertSame( 1, Lists::find( $list )['members'] );
	}

	/**
	 * Deleting contacts is an erasure, for administrators only: a shop manager is refused and nothing changes; an
	 * administrator's delete leaves a tombstone (orders and imports do not bring the contact back), the consent log's
	 * rows without the identity, and the bridge's erasure queued. (Before: any shop manager deleted contacts with no
	 * tombstone and no erasure at the bridge, so the next sync brought them back as "not asked".)
	 */
	public function test_bulk_delete_is_an_erasure_for_administrators(): void {
		global $wpdb;
		$id = $this->contact( '+393331110301' );
		wp_set_current_user( $this->user( 'shop_manager' ) );
		$refused = $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $id ), 'action' => 'delete' ) );
		$this->assertSame( 403, $refused->get_status() );
		$this->assertNotNull( Contacts::find( $id ) );
		$this->assertSame( 200, $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $id ), 'action' => 'add_tag', 'tag' => Tags::ensure( 'ok' ) ) )->get_status(), 'tags stay the shop manager\'s' );

		wp_set_current_user( $this->user( 'administrator' ) );
		// What the plugin sends to the stack's real bridge (observed, not answered for it).
		$sent  = array();
		$watch = static function ( $pre, $args, $url ) use ( &$sent ) {
			if ( str_contains( (string) $url, '/v1/privacy/erase' ) ) {
				$sent[] = (string) ( $args['body'] ?? '' );
			}
			return $pre;
		};
		add_filter( 'pre_http_request', $watch, 10, 3 );
		$erased = $this->rest( 'POST', '/rondine/v1/contacts/bulk', array( 'ids' => array( $id ), 'action' => 'delete' ) );
		remove_filter( 'pre_http_request', $watch, 10 );
		$this->assertSame( 200, $erased->get_status() );
		$this->assertSame( 1, $erased->get_data()['changed'] );
		$this->assertNull( Contacts::find( $id ) );
		$this->assertTrue( \Rondine\Consent\Erased::phone( '+393331110301' ), 'a tombstone keeps the contact from coming back' );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- test reads.
		$log = $wpdb->get_results( $wpdb->prepare( 'SELECT phone, email, status FROM %i WHERE contact_id = %d', $wpdb->prefix . 'rondine_consent_log', $id ), ARRAY_A );
		$this->assertNotEmpty( $log, 'the consent events are kept' );
		foreach ( $log as $row ) {
			$this->assertSame( array( '', '' ), array( $row['phone'], $row['email'] ), 'without the identity' );
		}
		$this->assertNotEmpty( array_filter( $sent, static fn( $body ) => str_contains( $body, '+393331110301' ) ), 'the bridge is asked to erase the phone' );
		$this->assertSame( array(), $erased->get_data()['messages'], 'the bridge answered' );
	}

	/**
	 * The owner records a consent given outside the site, but never overturns the person's own "no" (WhatsApp STOP,
	 * My Account): only the person's new act lifts it. The owner's own withdrawal can be undone with a note.
	 */
	public function test_owner_cannot_overturn_the_persons_own_revocation(): void {
		foreach ( array( 'whatsapp_stop', 'my_account' ) as $i => $source ) {
			$id = $this->contact( '+39333111040' . $i );
			Consent::record( $id, Consent::REVOKED, $source, 'the person said no' );
			$refused = $this->rest( 'PUT', "/rondine/v1/contacts/{$id}", array( 'consent' => 'granted', 'note' => 'they told me in the shop' ) );
			$this->assertSame( 409, $refused->get_status(), $source );
			$this->assertSame( 'rondine_consent_revoked_by_person', $refused->get_data()['code'] );
			$this->assertSame( 'revoked', Contacts::find( $id )['consent'], $source );
			$this->assertSame( $source, Consent::last_revocation_source( $id ) );
		}
	}

	/**
	 * The owner withdraws consent on a contact's behalf, or records it with a mandatory note; both are logged with
	 * who did it and why. The contact page has the log, the tags and the lists.
	 */
	public function test_owner_changes_consent_with_a_note_and_the_page_shows_it(): void {
		$id   = $this->contact( '+393331110201' );
		$list = Lists::save( null, 'Negozio', '' )['id'];
		Lists::add( $list, array( $id ) );
		$login = wp_get_current_user()->user_login;

		$withdrawn = $this->rest( 'PUT', "/rondine/v1/contacts/{$id}", array( 'consent' => 'revoked', 'note' => 'asked by phone' ) );
		$this->assertSame( 200, $withdrawn->get_status() );
		$this->assertSame( 'revoked', $withdrawn->get_data()['consent'] );
		$this->assertSame( 'admin', $withdrawn->get_data()['consent_log'][0]['source'] );
		$this->assertStringContainsString( $login, $withdrawn->get_data()['consent_log'][0]['wording'] );
		$this->assertStringContainsString( 'asked by phone', $withdrawn->get_data()['consent_log'][0]['wording'] );

		$refused = $this->rest( 'PUT', "/rondine/v1/contacts/{$id}", array( 'consent' => 'granted', 'note' => '  ' ) );
		$this->assertSame( 400, $refused->get_status() );
		$this->assertSame( 'revoked', Contacts::find( $id )['consent'], 'no consent without a note of how the person agreed' );

		$granted = $this->rest( 'PUT', "/rondine/v1/contacts/{$id}", array( 'consent' => 'granted', 'note' => 'signed the form in the shop on 3 May' ) );
		$this->assertSame( 'granted', $granted->get_data()['consent'] );
		$this->assertStringContainsString( 'signed the form', $granted->get_data()['consent_log'][0]['wording'] );
		$this->assertSame( array( array( 'id' => $list, 'name' => 'Negozio' ) ), $granted->get_data()['lists'] );
	}

	/**
	 * The contact page's message history comes from the stack's real bridge, by the contact's phone.
	 */
	public function test_contact_messages_come_from_the_bridge(): void {
		$this->assertNotNull( \Rondine\Bridge\Connection::stored(), 'the test site is connected to the stack\'s bridge' );
		$id       = $this->contact( '+39333' . wp_rand( 1000000, 9999999 ) );
		$response = $this->rest( 'GET', "/rondine/v1/contacts/{$id}/messages" );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( array(), json_decode( (string) wp_json_encode( $response->get_data() ), true )['messages'], 'a phone no campaign wrote to has no messages' );
		$this->assertSame( 404, $this->rest( 'GET', '/rondine/v1/contacts/999999999/messages' )->get_status() );
		wp_set_current_user( $this->user( 'subscriber' ) );
		$this->assertSame( 403, $this->rest( 'GET', "/rondine/v1/contacts/{$id}/messages" )->get_status() );
	}

	/**
	 * Countries are offered by name in the user's language ("Italia" in Italian); money filters carry the currency.
	 */
	public function test_countries_by_name_in_the_users_language(): void {
		$this->in_locale( 'it_IT' );
		$fields  = Fields::describe();
		$country = array_values( array_filter( $fields['fields'], static fn( $f ) => 'billing_country' === $f['field'] ) )[0];
		$names   = array_column( $country['options'], 'label', 'value' );
		$this->assertSame( 'Italia', $names['IT'] );
		$this->assertSame( 'Germania', $names['DE'] );
		$this->assertGreaterThan( 200, count( $names ), 'every country, not a few codes' );
		$this->assertSame( '€', $fields['currency'], 'the shop\'s currency (EUR in the test shop)' );
	}

	/**
	 * The segments list gives each segment's count.
	 */
	public function test_segments_list_has_counts(): void {
		$this->contact( '+393331110301' );
		$segment = Segments::save(
			null,
			'Italians',
			array(
				'match'  => 'all',
				'groups' => array(
					array(
						'match'   => 'all',
						'filters' => array(
							array(
								'field' => 'billing_country',
								'op'    => 'in',
								'value' => array( 'IT' ),
							),
						),
					),
				),
			)
		);
		$listed = array_values( array_filter( $this->rest( 'GET', '/rondine/v1/segments' )->get_data(), static fn( $s ) => $s['id'] === $segment['id'] ) )[0];
		$this->assertIsInt( $listed['count'] );
		$this->assertGreaterThanOrEqual( 1, $listed['count'] );
		$this->assertSame( $this->rest( 'GET', '/rondine/v1/segments/' . $segment['id'] )->get_data()['count'], $listed['count'] );
	}
}
