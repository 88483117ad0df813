/**
 * WordPress dependencies
 */
import { Button, TextControl } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { CampaignTemplateRef } from '../store/types';
import type { Slot, SlotValue } from './mapping';

const PHONE_KEY = 'rondine-test-phone';

/**
 * "Send a test to my phone": the template as the campaign fills it (contact fields take their fallback), sent through
 * the bridge to the Cloud API or the emulator, outside every campaign's counters.
 */
export function TestSend( {
	template,
	variables,
}: {
	template: CampaignTemplateRef;
	slots: Slot[];
	values: Record< string, SlotValue >;
	/** The contact fields of the contact previewed (none: every field takes its fallback). */
	variables: Record< string, string >;
} ) {
	const { sendTestMessage } = useDispatch( store );
	const [ phone, setPhone ] = useState(
		() => window.localStorage?.getItem( PHONE_KEY ) ?? ''
	);
	const [ busy, setBusy ] = useState( false );
	const send = async () => {
		setBusy( true );
		try {
			window.localStorage?.setItem( PHONE_KEY, phone );
			await sendTestMessage( { to: phone, template, variables } );
		} catch {
			// The notice says why.
		} finally {
			setBusy( false );
		}
	};
	return (
		<div className="rondine-editor__test" data-testid="rondine-test-send">
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="tel"
				label={ __( 'Your phone, for a test', 'rondine' ) }
				help={ __(
					'The message as your customers will get it (filled from the contact previewed, or with the fallbacks). It is not counted in any campaign.',
					'rondine'
				) }
				value={ phone }
				onChange={ setPhone }
			/>
			<Button
				__next40pxDefaultSize
				variant="secondary"
				isBusy={ busy }
				disabled={ busy || ! phone.trim() }
				onClick={ send }
			>
				{ __( 'Send a test to my phone', 'rondine' ) }
			</Button>
		</div>
	);
}
