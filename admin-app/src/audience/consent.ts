/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * A consent state in the owner's words.
 * @param consent granted, revoked or none (true for granted).
 */
export function consentLabel( consent: boolean | string | undefined ): string {
	if ( consent === true || consent === 'granted' ) {
		return __( 'Opted in', 'rondine' );
	}
	if ( consent === 'revoked' ) {
		return __( 'Opted out', 'rondine' );
	}
	return __( 'Not asked', 'rondine' );
}
