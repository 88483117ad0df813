<?php
/**
 * The configuration the storefront widget reads.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Turns the settings into the widget's JSON configuration (widget/src/types.ts `Config`). It depends only on the
 * settings and the page, never on the visitor, so a page cache can serve it to everyone.
 */
final class Config {

	/**
	 * The configuration for a page.
	 *
	 * @param array<string,mixed>                             $settings Chat button settings.
	 * @param array{name:string,price:string,sku:string}|null $product  The page's product, when WooCommerce knows it.
	 * @return array<string,mixed>
	 */
	public static function build( array $settings, ?array $product ): array {
		return array(
			'agents'      => array_map(
				static function ( $agent ) {
					return array(
						'name'  => $agent['name'],
						'phone' => $agent['phone'],
						'photo' => $agent['photo'],
						'role'  => $agent['role'],
						'hours' => WorkingHours::to_minutes( $agent['hours'] ),
					);
				},
				$settings['agents']
			),
			'greeting'    => $settings['greeting'],
			'cta'         => $settings['cta'],
			'message'     => $settings['message'],
			'fullUrl'     => (bool) ( $settings['full_url'] ?? false ),
			'keyword'     => $settings['keyword'],
			'position'    => $settings['position'],
			'color'       => $settings['color'],
			'textColor'   => self::text_color( $settings['color'] ),
			'delay'       => (int) $settings['delay'],
			'scroll'      => (int) $settings['scroll'],
			'device'      => $settings['device'],
			'productOnly' => (bool) $settings['product_only'],
			'offHours'    => $settings['off_hours'],
			'laterNote'   => $settings['later_note'],
			'consent'     => $settings['consent_required'] ? $settings['consent_text'] : '',
			'offsets'     => self::utc_offsets( time() ),
			'site'        => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
			'product'     => $product,
			'price'       => Price::format_settings(),
			'panel'       => self::asset_url( 'rondine-chat-panel.js' ),
			'beacon'      => rest_url( 'rondine/v1/chat-button/click' ),
			'i18n'        => array(
				'open'   => __( 'Open chat', 'rondine' ),
				'close'  => __( 'Close chat', 'rondine' ),
				'title'  => '' !== (string) ( $settings['title'] ?? '' ) ? (string) $settings['title'] : __( 'Chat with us on WhatsApp', 'rondine' ),
				'online' => __( 'Online', 'rondine' ),
				'away'   => __( 'Away', 'rondine' ),
			),
		);
	}

	/**
	 * The JSON for a `<script type="application/json">`: `<`, `>`, `&` and quotes escaped, so no text can close the
	 * script element or become markup.
	 *
	 * @param array<string,mixed> $config Configuration.
	 */
	public static function to_json( array $config ): string {
		return (string) wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
	}

	/**
	 * The URL of a built widget file, versioned by its content so caches refresh after an update.
	 *
	 * @param string $file File in build/widget/.
	 */
	public static function asset_url( string $file ): string {
		$path = RONDINE_DIR . 'build/widget/' . $file;
		$ver  = is_readable( $path ) ? substr( (string) md5_file( $path ), 0, 10 ) : RONDINE_VERSION;
		return add_query_arg( 'ver', $ver, RONDINE_URL . 'build/widget/' . $file );
	}

	/**
	 * The shop's UTC offsets for the widget: `[ from (Unix seconds), minutes east of UTC ]`, the one in force now
	 * (from 0) then each daylight-saving change of the next two years, so that a page kept in a cache stays right.
	 * The browser then needs no time zone database (an Intl.DateTimeFormat with a time zone costs 15-50 ms of main
	 * thread on its first use in a page). WordPress's bare UTC offsets ("UTC+5:30") have no changes.
	 *
	 * @param int $now Unix time.
	 * @return array<int,array{0:int,1:int}>
	 */
	public static function utc_offsets( int $now ): array {
		$zone        = wp_timezone();
		$transitions = $zone->getTransitions( $now, $now + 2 * YEAR_IN_SECONDS );
		if ( ! $transitions ) {
			return array( array( 0, intdiv( $zone->getOffset( new \DateTimeImmutable( '@' . $now ) ), 60 ) ) );
		}
		$offsets = array();
		foreach ( $transitions as $index => $transition ) {
			$offsets[] = array( 0 === $index ? 0 : (int) $transition['ts'], intdiv( (int) $transition['offset'], 60 ) );
		}
		return $offsets;
	}

	/**
	 * Near-black or white, whichever contrasts more with the background (WCAG relative luminance).
	 *
	 * @param string $hex Background, #rrggbb.
	 */
	public static function text_color( string $hex ): string {
		$channels  = array_map(
			static function ( $pair ) {
				$c = hexdec( $pair ) / 255;
				return $c <= 0.03928 ? $c / 12.92 : ( ( $c + 0.055 ) / 1.055 ) ** 2.4;
			},
			str_split( substr( $hex, 1, 6 ), 2 )
		);
		$luminance = 0.2126 * $channels[0] + 0.7152 * $channels[1] + 0.0722 * $channels[2];
		// Contrast with white: 1.05 / (L + 0.05); with #1e1e1e (L ~ 0.013): (L + 0.05) / 0.063.
		return ( 1.05 / ( $luminance + 0.05 ) ) >= ( ( $luminance + 0.05 ) / 0.063 ) ? '#ffffff' : '#1e1e1e';
	}
}
