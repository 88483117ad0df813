/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Route } from '../router';

export function AudienceScreen( {}: { route: Route } ) {
	return (
		<p>
			{ __(
				'The audience screens are coming in the next step.',
				'rondine'
			) }
		</p>
	);
}
