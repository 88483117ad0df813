/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

export function SettingsScreen() {
	return <p>{ __( 'Settings are coming in the next step.', 'rondine' ) }</p>;
}
