<?php
/**
 * Meta's limits for template media headers, as the bridge checks them (bridge-server/src/campaigns/media.ts is the
 * authority; this copy refuses a wrong file before it leaves WordPress).
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Media header rules.
 */
final class MediaRules {

	/**
	 * Accepted MIME types and largest size in bytes, per header kind.
	 */
	public const RULES = array(
		'image'    => array(
			'types'     => array( 'image/jpeg', 'image/png' ),
			'max_bytes' => 5242880,
		),
		'video'    => array(
			'types'     => array( 'video/mp4', 'video/3gpp' ),
			'max_bytes' => 16777216,
		),
		'document' => array(
			'types'     => array(
				'application/pdf',
				'text/plain',
				'application/msword',
				'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				'application/vnd.ms-excel',
				'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				'application/vnd.ms-powerpoint',
				'application/vnd.openxmlformats-officedocument.presentationml.presentation',
			),
			'max_bytes' => 104857600,
		),
	);

	/**
	 * Why a campaign's media header parameters cannot be sent, or null.
	 *
	 * @param mixed $components The campaign's template components.
	 */
	public static function problem( $components ): ?string {
		if ( ! is_array( $components ) ) {
			return null;
		}
		foreach ( $components as $component ) {
			if ( ! is_array( $component ) || ! isset( $component['parameters'] ) || ! is_array( $component['parameters'] ) ) {
				continue;
			}
			foreach ( $component['parameters'] as $parameter ) {
				$kind = is_array( $parameter ) ? (string) ( $parameter['type'] ?? '' ) : '';
				if ( ! isset( self::RULES[ $kind ] ) ) {
					continue;
				}
				$rule = self::RULES[ $kind ];
				if ( isset( $parameter['mime_type'] ) && ! in_array( $parameter['mime_type'], $rule['types'], true ) ) {
					return sprintf(
						/* translators: 1: file type such as image/gif, 2: accepted types. */
						__( 'WhatsApp does not accept this file type for the header (%1$s). Accepted: %2$s.', 'rondine' ),
						(string) $parameter['mime_type'],
						implode( ', ', $rule['types'] )
					);
				}
				if ( isset( $parameter['size'] ) && (int) $parameter['size'] > $rule['max_bytes'] ) {
					return sprintf(
						/* translators: %s: largest size, e.g. 5 MB. */
						__( 'The header file is too large: WhatsApp accepts at most %s.', 'rondine' ),
						size_format( $rule['max_bytes'] )
					);
				}
				$link = isset( $parameter['link'] ) ? (string) $parameter['link'] : '';
				if ( ! isset( $parameter['id'] ) && '' === $link ) {
					return __( 'The template has a media header: choose the image, video or document to send.', 'rondine' );
				}
				// The bridge checks the rest (https, a public host; development stacks relax it by an explicit setting).
				if ( '' !== $link && ! in_array( wp_parse_url( $link, PHP_URL_SCHEME ), array( 'http', 'https' ), true ) ) {
					return __( 'The link of the header file must be a public https:// address.', 'rondine' );
				}
			}
		}
		return null;
	}
}
