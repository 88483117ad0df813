<?php
/**
 * Bad input on the admin routes.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Audience\Tags;

/**
 * Each refusal says what is wrong and changes nothing.
 */
final class BadInputTest extends TestCase {

	/**
	 * As an administrator.
	 */
	protected function setUp(): void {
		parent::setUp();
		wp_set_current_user( $this->user( 'administrator' ) );
	}

	/**
	 * Lists and tags need a name; unknown lists are 404.
	 */
	public function test_lists_and_tags(): void {
		$before = count( Lists::all() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/lists', array( 'name' => '   ' ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/lists', array() )->get_status() );
		$this->assertCount( $before, Lists::all() );
		$this->assertSame( 404, $this->rest( 'GET', '/rondine/v1/lists/999999999' )->get_status() );
		$this->assertSame( 404, $this->rest( 'POST', '/rondine/v1/lists/999999999/members', array( 'contact_ids' => array( 1 ) ) )->get_status() );
		$tags = count( Tags::all() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/tags', array( 'name' => '<b></b>' ) )->get_status() );
		$this->assertCount( $tags, Tags::all() );
		$this->assertSame( 404, $this->rest( 'DELETE', '/rondine/v1/tags/999999999' )->get_status() );
	}

	/**
	 * A contact's tags must exist; granting consent by hand needs a note; nothing changes otherwise.
	 */
	public function test_contact_updates(): void {
		$id       = Contacts::upsert_by_phone( '+393336660001', array( 'source' => 'import' ) )['id'];
		$response = $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'tags' => array( 999999999 ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rondine_tag_not_found', $response->get_data()['code'] );
		$response = $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'consent' => 'granted' ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rondine_consent_note_required', $response->get_data()['code'] );
		$this->assertSame( 'none', Contacts::find( $id )['consent'] );
		$ok = $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'consent' => 'granted', 'note' => 'Asked at the counter on 3 May' ) );
		$this->assertSame( 200, $ok->get_status() );
		$this->assertSame( 'granted', $ok->get_data()['consent'] );
		$this->assertStringContainsString( 'Asked at the counter', $ok->get_data()['consent_log'][0]['wording'] );
		$this->assertSame( 404, $this->rest( 'GET', '/rondine/v1/contacts/999999999' )->get_status() );
	}

	/**
	 * Audience counts and campaigns refuse references to lists or segments that do not exist.
	 */
	public function test_audience_references(): void {
		$response = $this->rest( 'POST', '/rondine/v1/audience/count', array( 'lists' => array( 999999999 ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertStringContainsString( '999999999', $response->get_data()['message'] );
		$response = $this->rest( 'POST', '/rondine/v1/audience/count', array( 'definition' => array( 'groups' => 'all' ) ) );
		$this->assertSame( 400, $response->get_status() );
		$response = $this->rest(
			'POST',
			'/rondine/v1/campaigns',
			array(
				'name'     => 'Ghost audience',
				'audience' => array( 'segments' => array( 999999999 ) ),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rondine_invalid_audience', $response->get_data()['code'] );
		$this->assertSame( 404, $this->rest( 'GET', '/rondine/v1/campaigns/not-a-uuid' )->get_status() );
	}

	/**
	 * Contacts sort by a known column only; anything else is refused, not put in the SQL.
	 */
	public function test_contacts_sorting(): void {
		Contacts::upsert_by_phone( '+393336660011', array( 'last_name' => 'Zeta', 'source' => 'import' ) );
		Contacts::upsert_by_phone( '+393336660012', array( 'last_name' => 'Alfa', 'source' => 'import' ) );
		$names = array_column( $this->rest( 'GET', '/rondine/v1/contacts', array(), array( 'search' => '39333666001', 'orderby' => 'name', 'order' => 'asc' ) )->get_data(), 'last_name' );
		$this->assertSame( array( 'Alfa', 'Zeta' ), $names );
		$this->assertSame( 400, $this->rest( 'GET', '/rondine/v1/contacts', array(), array( 'orderby' => 'id; DROP TABLE x' ) )->get_status() );
	}
}
