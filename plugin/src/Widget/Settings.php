<?php
/**
 * Chat button settings.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

use Rondine\Phone\Normalizer;
use Rondine\Settings as PluginSettings;

/**
 * The `rondine_chat_button` option: stored sanitised, validated as a whole before saving.
 *
 * Texts are kept as the shop owner typed them (a `<b>` typed in the greeting shows as `<b>` to visitors) and are
 * only ever output as text: JSON with `<`, `>` and `&` escaped in the page, textContent in the widget.
 */
final class Settings {

	public const OPTION = 'rondine_chat_button';

	public const MAX_AGENTS = 20;

	/**
	 * Longest accepted text per field, in characters.
	 */
	private const TEXT_LIMITS = array(
		'title'        => 80,
		'greeting'     => 500,
		'cta'          => 60,
		'message'      => 1000,
		'keyword'      => 40,
		'later_note'   => 300,
		'consent_text' => 500,
	);

	/**
	 * The settings of a fresh install.
	 *
	 * @return array<string,mixed>
	 */
	public static function defaults(): array {
		return array(
			'enabled'          => false,
			'agents'           => array(),
			'title'            => __( 'Chat with us on WhatsApp', 'rondine' ),
			'greeting'         => __( 'Hi! How can we help you?', 'rondine' ),
			'cta'              => __( 'Chat with us', 'rondine' ),
			/* translators: {SITE} {TITLE} {URL} are replaced in the visitor's browser; keep them as they are. */
			'message'          => __( 'Hello {SITE}, I have a question about {TITLE} {URL}', 'rondine' ),
			'keyword'          => '',
			'position'         => 'right',
			'color'            => '#25d366',
			'delay'            => 0,
			'scroll'           => 0,
			'include_pages'    => '',
			'exclude_pages'    => '',
			'product_only'     => false,
			'full_url'         => false,
			'device'           => 'all',
			'off_hours'        => 'note',
			'later_note'       => __( "We are away right now: write to us and we'll reply as soon as we are back.", 'rondine' ),
			'consent_required' => false,
			'consent_text'     => __( 'I agree that my message is sent through WhatsApp (Meta) and that the shop replies to me there.', 'rondine' ),
		);
	}

	/**
	 * The stored settings, completed with the defaults.
	 *
	 * @return array<string,mixed>
	 */
	public static function get(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? array_intersect_key( $stored, self::defaults() ) : array() );
	}

	/**
	 * Validates changes over the current settings and saves them; nothing is saved when anything is wrong.
	 *
	 * @param array<string,mixed> $changes Fields to change.
	 * @return array<string,mixed>|\WP_Error The saved settings, or every problem found (data.errors: field => message).
	 */
	public static function update( array $changes ) {
		$clean = self::sanitize( array_merge( self::get(), array_intersect_key( $changes, self::defaults() ) ) );
		if ( is_wp_error( $clean ) ) {
			return $clean;
		}
		update_option( self::OPTION, $clean, true );
		return $clean;
	}

	/**
	 * Checks and cleans a complete settings array.
	 *
	 * @param array<string,mixed> $input Settings.
	 * @return array<string,mixed>|\WP_Error
	 */
	public static function sanitize( array $input ) {
		$errors = array();
		$clean  = array(
			'enabled'          => (bool) $input['enabled'],
			'product_only'     => (bool) $input['product_only'],
			'full_url'         => (bool) ( $input['full_url'] ?? false ),
			'consent_required' => (bool) $input['consent_required'],
		);

		foreach ( self::TEXT_LIMITS as $field => $limit ) {
			$text = self::text( $input[ $field ] ?? '', 'message' === $field || 'greeting' === $field || 'consent_text' === $field || 'later_note' === $field );
			if ( mb_strlen( $text ) > $limit ) {
				/* translators: %d: maximum number of characters. */
				$errors[ $field ] = sprintf( __( 'Please keep this under %d characters.', 'rondine' ), $limit );
			}
			$clean[ $field ] = $text;
		}
		if ( preg_match( '/\s/u', $clean['keyword'] ) ) {
			$errors['keyword'] = __( 'The keyword must be a single word, without spaces.', 'rondine' );
		}
		if ( $clean['consent_required'] && '' === $clean['consent_text'] ) {
			$errors['consent_text'] = __( 'Write the consent text visitors must accept.', 'rondine' );
		}

		$choices = array(
			'position'  => array( 'right', 'left' ),
			'device'    => array( 'all', 'mobile', 'desktop' ),
			'off_hours' => array( 'note', 'hide' ),
		);
		foreach ( $choices as $field => $allowed ) {
			$clean[ $field ] = (string) $input[ $field ];
			if ( ! in_array( $clean[ $field ], $allowed, true ) ) {
				/* translators: %s: the allowed values, comma separated. */
				$errors[ $field ] = sprintf( __( 'Choose one of: %s.', 'rondine' ), implode( ', ', $allowed ) );
			}
		}

		$color = sanitize_hex_color( (string) $input['color'] );
		if ( ! $color || 7 !== strlen( $color ) ) {
			$errors['color'] = __( 'The colour must be a hex colour such as #25d366.', 'rondine' );
		}
		$clean['color'] = strtolower( (string) $color );

		foreach ( array(
			'delay'  => 300,
			'scroll' => 100,
		) as $field => $max ) {
			$value = $input[ $field ];
			if ( ! is_numeric( $value ) || (int) $value != $value || $value < 0 || $value > $max ) { // phpcs:ignore Universal.Operators.StrictComparisons.LooseNotEqual -- "5" and 5.0 are fine.
				/* translators: %d: the largest value allowed. */
				$errors[ $field ] = sprintf( __( 'Enter a whole number from 0 to %d.', 'rondine' ), $max );
				$value            = 0;
			}
			$clean[ $field ] = (int) $value;
		}

		foreach ( array( 'include_pages', 'exclude_pages' ) as $field ) {
			$patterns = PageRules::parse( (string) $input[ $field ] );
			if ( is_wp_error( $patterns ) ) {
				$errors[ $field ] = $patterns->get_error_message();
				$patterns         = array();
			}
			$clean[ $field ] = implode( "\n", $patterns );
		}

		$clean['agents'] = array();
		$agents          = is_array( $input['agents'] ) ? array_values( $input['agents'] ) : array();
		if ( count( $agents ) > self::MAX_AGENTS ) {
			/* translators: %d: maximum number of agents. */
			$errors['agents'] = sprintf( __( 'At most %d agents.', 'rondine' ), self::MAX_AGENTS );
			$agents           = array_slice( $agents, 0, self::MAX_AGENTS );
		}
		foreach ( $agents as $index => $agent ) {
			$result = self::agent( is_array( $agent ) ? $agent : array() );
			foreach ( $result['errors'] as $field => $message ) {
				$errors[ "agents[$index].$field" ] = sprintf(
					/* translators: 1: agent number (1, 2, ...), 2: what is wrong. */
					__( 'Agent %1$d: %2$s', 'rondine' ),
					$index + 1,
					$message
				);
			}
			$clean['agents'][] = $result['agent'];
		}
		if ( $clean['enabled'] && ! $clean['agents'] ) {
			$errors['agents'] = __( 'Add at least one agent with a WhatsApp number before turning the chat button on.', 'rondine' );
		}

		if ( $errors ) {
			return new \WP_Error(
				'rondine_invalid_chat_button',
				implode( ' ', array_unique( $errors ) ),
				array(
					'status' => 400,
					'errors' => $errors,
				)
			);
		}
		return array_replace( self::defaults(), $clean );
	}

	/**
	 * One agent.
	 *
	 * @param array<string,mixed> $agent As sent.
	 * @return array{agent:array<string,mixed>,errors:array<string,string>}
	 */
	private static function agent( array $agent ): array {
		$errors = array();
		$clean  = array(
			'name'  => self::text( $agent['name'] ?? '', false ),
			'phone' => '',
			'photo' => '',
			'role'  => self::text( $agent['role'] ?? '', false ),
			'hours' => null,
		);
		if ( '' === $clean['name'] || mb_strlen( $clean['name'] ) > 60 ) {
			$errors['name'] = __( 'the name is required (up to 60 characters).', 'rondine' );
		}
		if ( mb_strlen( $clean['role'] ) > 60 ) {
			$errors['role'] = __( 'the role can be up to 60 characters.', 'rondine' );
		}

		$raw   = trim( (string) ( $agent['phone'] ?? '' ) );
		$phone = Normalizer::normalize( $raw, PluginSettings::default_country() );
		if ( $phone['ok'] ) {
			$clean['phone'] = substr( (string) $phone['e164'], 1 );
		} elseif ( preg_match( '/[^\d\s+().\-\/]/u', $raw ) ) {
			$errors['phone'] = sprintf(
				/* translators: %s: the number as typed. */
				__( 'the WhatsApp number "%s" contains letters or symbols: use digits only, with the country code (for example +39 333 1234567).', 'rondine' ),
				$raw
			);
		} else {
			$errors['phone'] = Normalizer::explain( (string) $phone['reason'] );
		}

		$photo = trim( (string) ( $agent['photo'] ?? '' ) );
		if ( '' !== $photo ) {
			$clean['photo'] = esc_url_raw( $photo, array( 'http', 'https' ) );
			if ( '' === $clean['photo'] ) {
				$errors['photo'] = __( 'the photo must be an http(s) address.', 'rondine' );
			}
		}

		if ( isset( $agent['hours'] ) && null !== $agent['hours'] ) {
			$hours = WorkingHours::parse( $agent['hours'] );
			if ( is_wp_error( $hours ) ) {
				$errors['hours'] = $hours->get_error_message();
			} else {
				$clean['hours'] = $hours;
			}
		}
		return array(
			'agent'  => $clean,
			'errors' => $errors,
		);
	}

	/**
	 * Plain text as typed: valid UTF-8, no control characters, trimmed. Markup is kept as characters.
	 *
	 * @param mixed $value     Input.
	 * @param bool  $multiline Whether line breaks are kept.
	 */
	private static function text( $value, bool $multiline ): string {
		$text = wp_check_invalid_utf8( is_scalar( $value ) ? (string) $value : '', true );
		$text = str_replace( array( "\r\n", "\r" ), "\n", $text );
		$text = (string) preg_replace( $multiline ? '/[\x00-\x09\x0B-\x1F\x7F]/u' : '/[\x00-\x1F\x7F]/u', '', $text );
		return trim( $text );
	}
}
