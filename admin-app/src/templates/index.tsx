/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

export function TemplatesScreen() {
	return <p>{ __( 'Templates are coming in the next step.', 'rondine' ) }</p>;
}
