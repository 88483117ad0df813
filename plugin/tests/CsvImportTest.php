<?php
/**
 * CSV import into a list.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Consent\Consent;

/**
 * POST /lists/{id}/import: column mapping, default country, consent only from a column or an attestation, and a
 * row-level report of what was rejected and why. Rejected rows write nothing.
 */
final class CsvImportTest extends TestCase {

	/**
	 * List id.
	 *
	 * @var int
	 */
	private int $list;

	/**
	 * An administrator and a list.
	 */
	protected function setUp(): void {
		parent::setUp();
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->list = Lists::save( null, 'Fiera 2026', '' )['id'];
	}

	/**
	 * Import.
	 *
	 * @param string              $csv  CSV.
	 * @param array<string,mixed> $args Extra args.
	 */
	private function import( string $csv, array $args ): \WP_REST_Response {
		return $this->rest( 'POST', "/rondine/v1/lists/{$this->list}/import", array( 'csv' => $csv ) + $args );
	}

	/**
	 * Three bad rows are reported with line and reason; the good ones are imported with consent from the column.
	 */
	public function test_report_names_each_rejected_row(): void {
		$csv      = "Telefono;Nome;Cognome;Email;Consenso\n"
			. "333 111 2222;Giulia;Bianchi;giulia@example.test;sì\n"
			. "0151 23456789;Hans;Müller;hans@example.test;ja\n"  // No prefix: read as Italian (default IT), and not a valid Italian number.
			. "+49 151 23456789;Hans;Müller;hans@example.test;ja\n"
			. "abc;Nope;Nope;;yes\n"
			. "+39 333 111 2222;Giulia;Dup;;yes\n"
			. "+33 6 12 34 56 78;Claire;\"Dupont, \"\"Cla\"\"\";claire@example.test;no\n"
			. "+34 612 345 678;<script>alert(1)</script>;O'Neil;pepe@example.test;maybe\n";
		$response = $this->import(
			$csv,
			array(
				'mapping'         => array(
					'phone'      => 'Telefono',
					'first_name' => 'Nome',
					'last_name'  => 'Cognome',
					'email'      => 'Email',
					'consent'    => 'Consenso',
				),
				'default_country' => 'IT',
				'consent_mode'    => 'column',
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$report = $response->get_data();
		$this->assertSame( 7, $report['rows'] );
		$this->assertSame( 3, $report['imported'] );
		$this->assertSame( 2, $report['consent_granted'] );
		$rejected = array_map( static fn( $r ) => array( $r['row'], $r['reason'] ), $report['rejected'] );
		$this->assertSame(
			array(
				array( 3, 'invalid_phone' ),
				array( 5, 'invalid_phone' ),
				array( 6, 'duplicate' ),
				array( 8, 'invalid_consent' ),
			),
			$rejected
		);
		$this->assertSame( 4, $report['rejected_count'] );
		$this->assertStringContainsString( 'line 2', $report['rejected'][2]['message'] );
		$this->assertSame( 'maybe', $report['rejected'][3]['value'] );

		$giulia = Contacts::find_by_phone( '+393331112222' );
		$this->assertSame( 'granted', $giulia['consent'] );
		$this->assertSame( 'import', Consent::log( $giulia['id'] )[0]['source'] );
		$this->assertStringContainsString( 'Consenso', Consent::log( $giulia['id'] )[0]['wording'] );
		$this->assertSame( 'granted', Contacts::find_by_phone( '+4915123456789' )['consent'] );
		$claire = Contacts::find_by_phone( '+33612345678' );
		$this->assertSame( 'none', $claire['consent'], '"no" does not grant' );
		$this->assertSame( 'Dupont, "Cla"', $claire['last_name'] );
		$this->assertNull( Contacts::find_by_phone( '+34612345678' ), 'a rejected row writes nothing' );
		$this->assertSame( 3, Lists::find( $this->list )['members'] );
		$this->assertSame( 2, Lists::find( $this->list )['opted_in'] );
	}

	/**
	 * Consent needs a column or an explicit attestation; without either, contacts are imported without consent.
	 */
	public function test_consent_only_from_column_or_attestation(): void {
		$csv = "phone,name\n+39 333 000 1111,Anna\n+39 333 000 2222,Bea\n";
		$map = array(
			'phone'      => 'phone',
			'first_name' => 'name',
		);
		$missing_column = $this->import( $csv, array( 'mapping' => $map, 'consent_mode' => 'column' ) );
		$this->assertSame( 400, $missing_column->get_status() );
		$this->assertSame( 'rondine_invalid_import', $missing_column->get_data()['code'] );

		$unticked = $this->import( $csv, array( 'mapping' => $map, 'consent_mode' => 'attest', 'attestation' => false ) );
		$this->assertSame( 400, $unticked->get_status() );
		$this->assertNull( Contacts::find_by_phone( '+393330001111' ), 'a refused import writes nothing' );

		$none = $this->import( $csv, array( 'mapping' => $map, 'consent_mode' => 'none' ) );
		$this->assertSame( 2, $none->get_data()['imported'] );
		$this->assertSame( 'none', Contacts::find_by_phone( '+393330001111' )['consent'] );

		$attested = $this->import( $csv, array( 'mapping' => $map, 'consent_mode' => 'attest', 'attestation' => true ) );
		$this->assertSame( 2, $attested->get_data()['consent_granted'] );
		$anna = Contacts::find_by_phone( '+393330001111' );
		$this->assertSame( 'granted', $anna['consent'] );
		$this->assertStringContainsString( 'I confirm that every person in this file agreed', Consent::log( $anna['id'] )[0]['wording'] );
		$this->assertSame( 2, Lists::find( $this->list )['members'], 'importing twice adds each contact once' );
	}

	/**
	 * A dry run reports without writing; a mapping to a missing column says which columns exist.
	 */
	public function test_dry_run_and_unknown_column(): void {
		$csv     = "\xEF\xBB\xBFphone\tcity\n+39 333 000 3333\tRoma\n";
		$dry     = $this->import( $csv, array( 'mapping' => array( 'phone' => 'phone', 'city' => 'city' ), 'dry_run' => true ) );
		$this->assertSame( 200, $dry->get_status() );
		$this->assertSame( array( 'phone', 'city' ), $dry->get_data()['headers'], 'BOM and tab delimiter handled' );
		$this->assertSame( 1, $dry->get_data()['imported'] );
		$this->assertNull( Contacts::find_by_phone( '+393330003333' ) );

		$bad = $this->import( $csv, array( 'mapping' => array( 'phone' => 'Phone Number' ) ) );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertStringContainsString( 'phone, city', $bad->get_data()['message'] );

		$empty = $this->import( '', array( 'mapping' => array( 'phone' => 'phone' ) ) );
		$this->assertSame( 400, $empty->get_status() );
	}

	/**
	 * The admin app uploads the file as multipart form data with mapping[field] fields.
	 */
	public function test_multipart_upload(): void {
		$file = wp_tempnam( 'rondine-import.csv' );
		file_put_contents( $file, "Cellulare;Nome;OK\n+39 333 000 5555;Lia;1\n12;Bad;1\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$request = new \WP_REST_Request( 'POST', "/rondine/v1/lists/{$this->list}/import" );
		$request->set_body_params(
			array(
				'mapping'      => array(
					'phone'      => 'Cellulare',
					'first_name' => 'Nome',
					'consent'    => 'OK',
				),
				'consent_mode' => 'column',
			)
		);
		$request->set_file_params(
			array(
				'file' => array(
					'name'     => 'fiera.csv',
					'type'     => 'text/csv',
					'tmp_name' => $file,
					'error'    => 0,
					'size'     => filesize( $file ),
				),
			)
		);
		$response = rest_get_server()->dispatch( $request );
		unlink( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 1, $response->get_data()['imported'] );
		$this->assertSame( 'invalid_phone', $response->get_data()['rejected'][0]['reason'] );
		$this->assertSame( 'granted', Contacts::find_by_phone( '+393330005555' )['consent'] );

		$failed = new \WP_REST_Request( 'POST', "/rondine/v1/lists/{$this->list}/import" );
		$failed->set_body_params( array( 'mapping' => array( 'phone' => 'Cellulare' ) ) );
		$failed->set_file_params( array( 'file' => array( 'name' => 'x.csv', 'tmp_name' => '/nonexistent', 'error' => UPLOAD_ERR_PARTIAL, 'size' => 0 ) ) );
		$this->assertSame( 'rondine_upload_failed', rest_get_server()->dispatch( $failed )->get_data()['code'] );
	}

	/**
	 * The contacts export is CSV, with formula-looking cells neutralised.
	 */
	public function test_export_is_safe_csv(): void {
		$id = Contacts::upsert_by_phone( '+393330004444', array( 'first_name' => '=HYPERLINK("http://evil")', 'last_name' => 'Rossi', 'source' => 'import' ) )['id'];
		Lists::add( $this->list, array( $id ) );
		$response = $this->rest( 'GET', '/rondine/v1/contacts/export', array(), array( 'list' => $this->list ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertStringStartsWith( 'text/csv', $response->get_headers()['Content-Type'] );
		$csv = $response->get_data();
		$this->assertStringContainsString( '"+393330004444"', $csv );
		$this->assertStringContainsString( '"\'=HYPERLINK(""http://evil"")"', $csv );
		$this->assertSame( 2, substr_count( trim( $csv ), "\n" ) + 1 );
	}
}
