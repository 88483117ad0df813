<?php
/**
 * Error messages of the audience API, the CSV import and the connection code, escaped and still read as written.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Audience;
use Rondine\Audience\Importer;
use Rondine\Audience\Tags;
use Rondine\Bridge\Connection;

/**
 * Exception messages are escaped with esc_html() where they are thrown (WordPress.org's Plugin Check asks for it), and
 * they reach the admin app as JSON text. So they are worded with typographic quotes and apostrophes (“ ” ’), which
 * HTML escaping leaves alone: the owner reads “match”, never &quot;match&quot;, in English and in Italian.
 */
final class ErrorMessagesTest extends TestCase {

	/**
	 * The locale filter in place, if any.
	 *
	 * @var \Closure|null
	 */
	private ?\Closure $locale = null;

	/**
	 * Switches the plugin's translations to a locale (en_US: none).
	 *
	 * @param string $locale Locale.
	 */
	private function use_locale( string $locale ): void {
		if ( $this->locale ) {
			remove_filter( 'locale', $this->locale );
			remove_filter( 'determine_locale', $this->locale );
			$this->locale = null;
		}
		if ( 'en_US' !== $locale ) {
			$this->locale = static fn() => $locale;
			add_filter( 'locale', $this->locale );
			add_filter( 'determine_locale', $this->locale );
		}
		// Reloadable: WordPress loads the domain again, just in time, in the new locale (a plain unload would keep it
		// unloaded for the tests that follow).
		unload_textdomain( 'rondine', true );
		\Rondine\I18n::load();
	}

	/**
	 * Back to English for the next tests.
	 */
	protected function tearDown(): void {
		$this->use_locale( 'en_US' );
		parent::tearDown();
	}

	/**
	 * The messages of bad requests, in a locale: what the API answers, keyed by case.
	 *
	 * @param string $locale Locale.
	 * @return array<string,string>
	 */
	private function messages( string $locale ): array {
		$this->use_locale( $locale );
		wp_set_current_user( $this->user( 'administrator' ) );
		$out = array();

		$response = $this->rest(
			'POST',
			'/rondine/v1/segments',
			array(
				'name'       => 'Bad match',
				'definition' => array(
					'match'         => 'both',
					'groups' => array(),
				),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$out['match'] = $response->get_data()['message'];

		$response = $this->rest(
			'POST',
			'/rondine/v1/segments',
			array(
				'name'       => 'Bad between',
				'definition' => array(
					'groups' => array(
						array(
							'match'         => 'all',
							'filters' => array(
								array(
									'field' => 'total_spent',
									'op'    => 'between',
									'value' => array( 10 ),
								),
							),
						),
					),
				),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$out['between'] = $response->get_data()['message'];

		$response = $this->rest(
			'POST',
			'/rondine/v1/audience/count',
			array(
				'definition' => array(
					'statuses'      => array( 'completed' ),
					'groups'   => array(),
				),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$out['statuses'] = $response->get_data()['message'];

		$response = $this->rest( 'POST', '/rondine/v1/tags', array( 'name' => '!!!' ) );
		$this->assertSame( 400, $response->get_status() );
		$out['tag_name'] = $response->get_data()['message'];

		Tags::ensure( 'Rondine test alpha' );
		$beta     = Tags::ensure( 'Rondine test beta' );
		$response = $this->rest( 'PUT', '/rondine/v1/tags/' . $beta, array( 'name' => 'Rondine test alpha' ) );
		$this->assertSame( 409, $response->get_status() );
		$out['tag_taken'] = $response->get_data()['message'];

		try {
			Audience::validate( array( 'segments' => 'all' ) );
			$this->fail( 'segments that are not a list were accepted' );
		} catch ( \InvalidArgumentException $invalid ) {
			$out['ids'] = $invalid->getMessage();
		}

		try {
			Connection::parse( 'hello' );
			$this->fail( 'a code without the prefix was accepted' );
		} catch ( \InvalidArgumentException $invalid ) {
			$out['code_prefix'] = $invalid->getMessage();
		}

		$csv = "phone,name\n+39 333 1234567,Ada\n";
		try {
			Importer::run( 0, $csv, array( 'shoe_size' => 'phone' ), 'IT', 'none', '', true );
			$this->fail( 'an unknown contact field was accepted' );
		} catch ( \InvalidArgumentException $invalid ) {
			$out['import_field'] = $invalid->getMessage();
		}
		try {
			Importer::run( 0, $csv, array( 'phone' => 'Telefono' ), 'IT', 'none', '', true );
			$this->fail( 'a missing column was accepted' );
		} catch ( \InvalidArgumentException $invalid ) {
			$out['import_column'] = $invalid->getMessage();
		}
		return $out;
	}

	/**
	 * English: the messages as written, typographic quotes and apostrophes included, no HTML entity.
	 */
	public function test_english_messages_read_as_written(): void {
		$this->assertSame(
			array(
				'match'         => 'The segment’s “match” must be “all” or “any”.',
				'between'       => 'Group 1, filter 1: “between” needs two numbers.',
				'statuses'      => 'Order statuses must look like “wc-completed”.',
				'tag_name'      => 'A tag needs a name.',
				'tag_taken'     => 'Another tag already has this name.',
				'ids'           => '“segments” must be a list of ids.',
				'code_prefix'   => 'This is not a Rondine connection code: it should start with “rondine_”.',
				'import_field'  => '“shoe_size” is not a contact field that can be imported.',
				'import_column' => 'The file has no column “Telefono”. Its columns are: phone, name.',
			),
			$this->messages( 'en_US' )
		);
	}

	/**
	 * Italian: the same, with the Italian apostrophe (’), which esc_html() leaves as it is.
	 */
	public function test_italian_messages_read_as_written(): void {
		$this->assertSame(
			array(
				'match'         => 'Il “match” del segmento deve essere “all” o “any”.',
				'between'       => 'Gruppo 1, filtro 1: “tra” richiede due numeri.',
				'statuses'      => 'Gli stati d’ordine devono avere la forma “wc-completed”.',
				'tag_name'      => 'Un’etichetta deve avere un nome.',
				'tag_taken'     => 'Un’altra etichetta ha già questo nome.',
				'ids'           => '“segments” deve essere un elenco di id.',
				'code_prefix'   => 'Questo non è un codice di collegamento di Rondine: dovrebbe iniziare con “rondine_”.',
				'import_field'  => '“shoe_size” non è un campo del contatto che si può importare.',
				'import_column' => 'Il file non ha la colonna “Telefono”. Le sue colonne sono: phone, name.',
			),
			$this->messages( 'it_IT' )
		);
	}
}
