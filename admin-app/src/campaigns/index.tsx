/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Route } from '../router';

export function CampaignsScreen( {}: { route: Route } ) {
	return <p>{ __( 'Campaigns are coming in the next step.', 'rondine' ) }</p>;
}
