/**
 * WordPress dependencies
 */
import { Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, isRTL } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { fetchPreview } from './api';
import { previewDocument } from './preview-document';
import type { ChatButtonSettings, SettingsError } from './types';

/**
 * The real widget, rendered from the unsaved settings: the plugin turns them into the storefront configuration
 * (so the preview cannot drift from what visitors get), then the built widget runs in an iframe.
 *
 * @param props          Props.
 * @param props.settings The settings being edited.
 * @param props.complete Whether the form passes the browser's checks: an incomplete one is not sent, and the
 *                       preview keeps showing the last complete one.
 */
export function LivePreview( {
	settings,
	complete,
}: {
	settings: ChatButtonSettings;
	complete: boolean;
} ) {
	const [ html, setHtml ] = useState< string | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ hidden, setHidden ] = useState( false );

	useEffect( () => {
		if ( ! complete ) {
			return;
		}
		let current = true;
		// Typing should not send a request per key.
		const timer = setTimeout( () => {
			fetchPreview( settings ).then(
				( preview ) => {
					if ( current ) {
						const problems = Object.values(
							preview.problems ?? {}
						);
						setError(
							problems.length
								? [ ...new Set( problems ) ].join( ' ' )
								: null
						);
						setHtml(
							previewDocument(
								preview.config,
								preview.script,
								isRTL() ? 'rtl' : 'ltr',
								document.documentElement.lang || 'en'
							)
						);
					}
				},
				( failure: SettingsError ) => {
					if ( current ) {
						setError( failure.message );
					}
				}
			);
		}, 400 );
		return () => {
			current = false;
			clearTimeout( timer );
		};
	}, [ settings, complete ] );

	return (
		<div className="rondine-chat-settings__preview">
			<h2>{ __( 'Preview', 'rondine' ) }</h2>
			<p className="rondine-chat-settings__hint">
				{ __(
					'The button as visitors see it, with a sample product; click it to open the panel. Delay, scroll and page rules are not applied here.',
					'rondine'
				) }
			</p>
			{ ! complete && (
				<Notice status="info" isDismissible={ false }>
					{ __(
						'The preview follows your changes again once the form is complete.',
						'rondine'
					) }
				</Notice>
			) }
			{ complete && error && (
				<Notice status="warning" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ hidden && ! error && (
				<Notice status="info" isDismissible={ false }>
					{ __(
						'Nobody is working now and the button is set to hide outside working hours: visitors do not see it at the moment.',
						'rondine'
					) }
				</Notice>
			) }
			{ html === null ? (
				<Spinner />
			) : (
				<iframe
					title={ __( 'Chat button preview', 'rondine' ) }
					srcDoc={ html }
					data-testid="rondine-chat-button-preview"
					onLoad={ ( event ) => {
						const frame = event.currentTarget;
						// The widget decides after the page is parsed; give it a moment.
						setTimeout( () => {
							setHidden(
								! frame.contentDocument?.querySelector(
									'.rondine-chat-button'
								)
							);
						}, 300 );
					} }
				/>
			) }
		</div>
	);
}
