<?php
/**
 * Chat button: settings validation, the storefront output, page rules, time zone offsets, REST routes.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Widget\Clicks;
use Rondine\Widget\Config;
use Rondine\Widget\PageRules;
use Rondine\Widget\Price;
use Rondine\Widget\Settings;
use Rondine\Widget\Storefront;

/**
 * Tests of plugin/src/Widget and Rest\ChatButtonController.
 */
final class ChatButtonTest extends TestCase {

	/**
	 * Valid settings with one agent.
	 *
	 * @param array<string,mixed> $changes Overrides.
	 * @return array<string,mixed>
	 */
	private static function valid( array $changes = array() ): array {
		return array_merge(
			array(
				'enabled' => true,
				'agents'  => array(
					array(
						'name'  => 'Giulia',
						'phone' => '+39 333 123 4567',
						'role'  => 'Vendite',
						'photo' => '',
						'hours' => null,
					),
				),
			),
			$changes
		);
	}

	/**
	 * Bad values, each with the field its message is given for.
	 *
	 * @return array<string,array{0:array<string,mixed>,1:string,2:string}>
	 */
	public function refused(): array {
		$agent = self::valid()['agents'][0];
		return array(
			'number with letters'  => array( array( 'agents' => array( array_merge( $agent, array( 'phone' => '+39 333 CALL ME' ) ) ) ), 'agents[0].phone', 'contains letters' ),
			'number too short'     => array( array( 'agents' => array( array_merge( $agent, array( 'phone' => '+39 12' ) ) ) ), 'agents[0].phone', 'too short' ),
			'agent without a name' => array( array( 'agents' => array( array_merge( $agent, array( 'name' => '  ' ) ) ) ), 'agents[0].name', 'name is required' ),
			'photo not http'       => array( array( 'agents' => array( array_merge( $agent, array( 'photo' => 'javascript:alert(1)' ) ) ) ), 'agents[0].photo', 'http(s)' ),
			'hours end before start' => array(
				array( 'agents' => array( array_merge( $agent, array( 'hours' => array( array(), array( array( 'from' => '18:00', 'to' => '09:00' ) ), array(), array(), array(), array(), array() ) ) ) ) ),
				'agents[0].hours',
				'start before its end',
			),
			'hours not a week'     => array( array( 'agents' => array( array_merge( $agent, array( 'hours' => array( array() ) ) ) ) ), 'agents[0].hours', 'seven days' ),
			'colour not hex'       => array( array( 'color' => 'red' ), 'color', 'hex colour' ),
			'colour as CSS'        => array( array( 'color' => '#fff;background:url(x)' ), 'color', 'hex colour' ),
			'delay too long'       => array( array( 'delay' => 301 ), 'delay', '0 to 300' ),
			'delay not whole'      => array( array( 'delay' => 1.5 ), 'delay', '0 to 300' ),
			'scroll over 100'      => array( array( 'scroll' => 150 ), 'scroll', '0 to 100' ),
			'page rule not a path' => array( array( 'exclude_pages' => "/ok/\ncheckout" ), 'exclude_pages', 'start it with /' ),
			'keyword with spaces'  => array( array( 'keyword' => 'two words' ), 'keyword', 'single word' ),
			'on without agents'    => array( array( 'agents' => array() ), 'agents', 'at least one agent' ),
			'position unknown'     => array( array( 'position' => 'top' ), 'position', 'right, left' ),
			'consent without text' => array( array( 'consent_required' => true, 'consent_text' => '' ), 'consent_text', 'consent text' ),
			'greeting too long'    => array( array( 'greeting' => str_repeat( 'a', 501 ) ), 'greeting', '500 characters' ),
		);
	}

	/**
	 * Each bad value is refused with a message for its field, and nothing is saved.
	 *
	 * @dataProvider refused
	 * @param array<string,mixed> $changes  Bad settings.
	 * @param string              $field    Field the message is for.
	 * @param string              $fragment Part of the message.
	 */
	public function test_bad_settings_are_refused_with_a_message_and_nothing_saved( array $changes, string $field, string $fragment ): void {
		$this->assertIsArray( Settings::update( self::valid( array( 'greeting' => 'Before' ) ) ) );
		$result = Settings::update( self::valid( $changes ) );
		$this->assertWPError( $result );
		$this->assertSame( 'rondine_invalid_chat_button', $result->get_error_code() );
		$this->assertSame( 400, $result->get_error_data()['status'] );
		$this->assertArrayHasKey( $field, $result->get_error_data()['errors'] );
		$this->assertStringContainsString( $fragment, $result->get_error_data()['errors'][ $field ] );
		$this->assertSame( 'Before', Settings::get()['greeting'] );
		$this->assertSame( '393331234567', Settings::get()['agents'][0]['phone'] );
	}

	/**
	 * Assertion helper.
	 *
	 * @param mixed $value Value.
	 */
	private function assertWPError( $value ): void {
		$this->assertInstanceOf( \WP_Error::class, $value );
	}

	/**
	 * Numbers are stored as E.164 digits; national numbers take the shop's default country; hours are sorted;
	 * a full URL in a page rule becomes its path; markup in texts is kept as typed (it is output as text).
	 */
	public function test_good_settings_are_normalised_and_texts_kept_as_typed(): void {
		$hostile = '<img src=x onerror="alert(1)"> & <b>ciao</b>';
		$saved   = Settings::update(
			self::valid(
				array(
					'greeting'      => $hostile,
					'include_pages' => home_url( '/shop/' ) . "\n/product/*\n\n/product/*",
					'agents'        => array(
						array(
							'name'  => 'Marco',
							'phone' => '(333) 765-4321',
							'role'  => '',
							'photo' => 'https://example.test/marco.jpg',
							'hours' => array( array(), array( array( 'from' => '15:00', 'to' => '19:00' ), array( 'from' => '09:00', 'to' => '13:00' ) ), array(), array(), array(), array(), array( array( 'from' => '22:00', 'to' => '24:00' ) ) ),
						),
					),
				)
			)
		);
		$this->assertIsArray( $saved );
		$this->assertSame( $hostile, $saved['greeting'] );
		$this->assertSame( "/shop/\n/product/*", $saved['include_pages'] );
		$agent = $saved['agents'][0];
		$this->assertMatchesRegularExpression( '/^\d{8,15}$/', $agent['phone'] );
		$this->assertSame( '09:00', $agent['hours'][1][0]['from'] );
		$this->assertSame( '24:00', $agent['hours'][6][0]['to'] );
	}

	/**
	 * The page JSON cannot be closed or turned into markup by any text, and is the same whoever asks.
	 */
	public function test_config_json_is_inert_and_the_same_for_every_visitor(): void {
		Settings::update( self::valid( array( 'greeting' => '</script><script>alert(1)</script>', 'cta' => "it's \"quoted\" & <b>" ) ) );
		$as_visitor = Config::to_json( Config::build( Settings::get(), null ) );
		wp_set_current_user( $this->user( 'administrator' ) );
		$as_admin = Config::to_json( Config::build( Settings::get(), null ) );
		$this->assertSame( $as_visitor, $as_admin );
		$this->assertStringNotContainsString( '<', $as_visitor );
		$this->assertStringNotContainsString( '>', $as_visitor );
		$decoded = json_decode( $as_visitor, true );
		$this->assertSame( '</script><script>alert(1)</script>', $decoded['greeting'] );
		$this->assertSame( "it's \"quoted\" & <b>", $decoded['cta'] );
		$this->assertStringNotContainsString( 'nonce', strtolower( $as_visitor ) );
	}

	/**
	 * The storefront gets the config and the first stage only when the button is on and the page is allowed.
	 */
	public function test_storefront_output_follows_on_off_and_page_rules(): void {
		$this->assertFileExists( RONDINE_DIR . 'build/widget/rondine-chat.js', 'npm run build -w widget first' );
		$print = static function ( string $path ): string {
			$_SERVER['REQUEST_URI'] = $path;
			ob_start();
			Storefront::print_widget();
			return (string) ob_get_clean();
		};
		Settings::update( self::valid( array( 'enabled' => false ) ) );
		$this->assertSame( '', $print( '/' ) );

		Settings::update( self::valid( array( 'exclude_pages' => "/checkout/\n/account/*" ) ) );
		$page = $print( '/contatti/' );
		$this->assertStringContainsString( '<script type="application/json" id="rondine-chat-config">', $page );
		$this->assertStringContainsString( '<script type="module" id="rondine-chat">', $page );
		$this->assertSame( '', $print( '/checkout' ) );
		$this->assertSame( '', $print( '/account/orders/?x=1' ) );
		$_SERVER['REQUEST_URI'] = '/';
	}

	/**
	 * Include and exclude patterns.
	 */
	public function test_page_rules(): void {
		$this->assertTrue( PageRules::matches( '/shop/', array( '/shop' ) ) );
		$this->assertTrue( PageRules::matches( '/product/borsa/', array( '/product/*' ) ) );
		$this->assertFalse( PageRules::matches( '/products', array( '/product' ) ) );
		$this->assertTrue( PageRules::allows( '/any/', array( 'include_pages' => '', 'exclude_pages' => '' ) ) );
		$this->assertFalse( PageRules::allows( '/blog/', array( 'include_pages' => "/shop/*\n/product/*", 'exclude_pages' => '' ) ) );
		$this->assertFalse( PageRules::allows( '/shop/cart/', array( 'include_pages' => '/shop/*', 'exclude_pages' => '/shop/cart' ) ) );
		$this->assertWPError( PageRules::parse( 'shop' ) );
		$this->assertWPError( PageRules::parse( '/a b' ) );
	}

	/**
	 * The widget's UTC offset table follows daylight saving time, and fixed offsets work.
	 */
	public function test_utc_offsets_follow_daylight_saving_time(): void {
		$string = get_option( 'timezone_string' );
		$offset = get_option( 'gmt_offset' );
		try {
			update_option( 'timezone_string', 'Europe/Rome' );
			$winter  = gmmktime( 12, 0, 0, 1, 15, 2026 );
			$offsets = Config::utc_offsets( $winter );
			$this->assertSame( array( 0, 60 ), $offsets[0] );
			// Summer time starts on the last Sunday of March at 01:00 UTC.
			$this->assertSame( array( gmmktime( 1, 0, 0, 3, 29, 2026 ), 120 ), $offsets[1] );
			$this->assertSame( array( gmmktime( 1, 0, 0, 10, 25, 2026 ), 60 ), $offsets[2] );

			update_option( 'timezone_string', '' );
			update_option( 'gmt_offset', 5.5 );
			$this->assertSame( array( array( 0, 330 ) ), Config::utc_offsets( $winter ) );
		} finally {
			update_option( 'timezone_string', $string );
			update_option( 'gmt_offset', $offset );
		}
	}

	/**
	 * Black or white text, whichever reads better on the chosen colour.
	 */
	public function test_text_colour_contrasts_with_the_button_colour(): void {
		$this->assertSame( '#1e1e1e', Config::text_color( '#25d366' ) );
		$this->assertSame( '#ffffff', Config::text_color( '#128c7e' ) );
		$this->assertSame( '#ffffff', Config::text_color( '#1e1e1e' ) );
		$this->assertSame( '#1e1e1e', Config::text_color( '#ffeb3b' ) );
	}

	/**
	 * Settings through REST: a refused PUT says why per field; a good one is saved; the preview validates too.
	 */
	public function test_rest_settings_preview_and_errors(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$bad = $this->rest( 'PUT', '/rondine/v1/chat-button', self::valid( array( 'agents' => array( array( 'name' => 'A', 'phone' => '333abc' ) ) ) ) );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertArrayHasKey( 'agents[0].phone', $bad->get_data()['data']['errors'] );

		$good = $this->rest( 'PUT', '/rondine/v1/chat-button', self::valid( array( 'delay' => 5 ) ) );
		$this->assertSame( 200, $good->get_status() );
		$this->assertSame( 5, $this->rest( 'GET', '/rondine/v1/chat-button' )->get_data()['delay'] );

		$preview = $this->rest( 'POST', '/rondine/v1/chat-button/preview', array( 'delay' => 30, 'device' => 'mobile', 'greeting' => 'Anteprima' ) );
		$this->assertSame( 200, $preview->get_status() );
		$config = $preview->get_data()['config'];
		$this->assertSame( 0, $config['delay'] );
		$this->assertSame( 'all', $config['device'] );
		$this->assertSame( '', $config['beacon'] );
		$this->assertSame( 'Anteprima', $config['greeting'] );
		// Previewing saves nothing.
		$this->assertSame( 5, Settings::get()['delay'] );

		// A form being typed is previewed with what is valid, and what is not is said without a failed request.
		$typing = $this->rest(
			'POST',
			'/rondine/v1/chat-button/preview',
			array(
				'color'  => 'nope',
				'title'  => 'Scrivici!',
				'agents' => array(
					array(
						'name'  => 'Giulia',
						'phone' => '+39 333 1234567',
					),
					array(
						'name'  => 'Marco',
						'phone' => '+39 3',
					),
				),
			)
		);
		$this->assertSame( 200, $typing->get_status() );
		$problems = (array) $typing->get_data()['problems'];
		$this->assertArrayHasKey( 'color', $problems );
		$this->assertArrayHasKey( 'agents[1].phone', $problems );
		$this->assertSame( Settings::get()['color'], $typing->get_data()['config']['color'] );
		$this->assertSame( array( 'Giulia' ), array_column( $typing->get_data()['config']['agents'], 'name' ) );
		$this->assertSame( 'Scrivici!', $typing->get_data()['config']['i18n']['title'] );
	}

	/**
	 * The panel title is the shop owner's; left empty, it is the translated default.
	 */
	public function test_panel_title_is_configurable_with_a_translated_default(): void {
		$this->assertSame( 'Chat with us on WhatsApp', Settings::defaults()['title'] );
		$saved = Settings::update( self::valid( array( 'title' => 'Parla con Bottega' ) ) );
		$this->assertIsArray( $saved );
		$this->assertSame( 'Parla con Bottega', Config::build( Settings::get(), null )['i18n']['title'] );
		$this->assertSame( 'Chat with us on WhatsApp', Config::build( array_merge( Settings::get(), array( 'title' => '' ) ), null )['i18n']['title'] );
		$this->assertInstanceOf( \WP_Error::class, Settings::update( array( 'title' => str_repeat( 'x', 81 ) ) ) );
	}

	/**
	 * Prices follow the shop's WooCommerce price settings, as wc_price() writes them.
	 */
	public function test_prices_follow_the_shops_price_format(): void {
		$options = array(
			'woocommerce_currency'           => 'EUR',
			'woocommerce_currency_pos'       => 'right_space',
			'woocommerce_price_decimal_sep'  => ',',
			'woocommerce_price_thousand_sep' => '.',
			'woocommerce_price_num_decimals' => '2',
		);
		$before  = array();
		foreach ( $options as $name => $value ) {
			$before[ $name ] = get_option( $name, null );
			update_option( $name, $value );
		}
		try {
			$this->assertSame( '49,90 €', Price::format( 49.9 ) );
			$this->assertSame( '1.249,00 €', Price::format( 1249 ) );
			$this->assertSame(
				array(
					'currency'          => 'EUR',
					'decimals'          => 2,
					'decimalSeparator'  => ',',
					'thousandSeparator' => '.',
					'pattern'           => '%s €',
				),
				Config::build( Settings::get(), null )['price']
			);
			update_option( 'woocommerce_currency_pos', 'left' );
			update_option( 'woocommerce_currency', 'USD' );
			update_option( 'woocommerce_price_decimal_sep', '.' );
			update_option( 'woocommerce_price_thousand_sep', ',' );
			$this->assertSame( '$1,249.00', Price::format( 1249 ) );
			delete_option( 'woocommerce_currency' );
			$this->assertNull( Price::format_settings() );
		} finally {
			foreach ( $before as $name => $value ) {
				null === $value ? delete_option( $name ) : update_option( $name, $value );
			}
		}
	}

	/**
	 * The public beacon counts a click on a known agent of an enabled button, and nothing else.
	 */
	public function test_click_beacon_counts_only_real_agents(): void {
		Settings::update( self::valid() );
		$before = Clicks::summary( 1 )['total'];
		$this->assertSame( 204, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 0 ) )->get_status() );
		$this->assertSame( 404, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 3 ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 'x' ) )->get_status() );
		$this->assertSame( $before + 1, Clicks::summary( 1 )['total'] );

		Settings::update( self::valid( array( 'enabled' => false ) ) );
		$this->assertSame( 404, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 0 ) )->get_status() );
		$this->assertSame( $before + 1, Clicks::summary( 1 )['total'] );

		wp_set_current_user( $this->user( 'shop_manager' ) );
		$stats = $this->rest( 'GET', '/rondine/v1/chat-button/stats' )->get_data();
		$this->assertSame( $before + 1, $stats['total'] );
		$this->assertSame( 'Giulia', $stats['by_agent'][0]['name'] );
	}
}
