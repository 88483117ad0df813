/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import {
	campaignStateLabels,
	contactFieldLabels,
	errorReasonLabel,
	errorReasonLabels,
	messageStatusLabels,
	recipientStateLabels,
	recipientStatusLabel,
} from '../labels';
import type { CampaignState } from '../../store/types';

// Jest runs in Node: the bridge's committed OpenAPI document, read as data.
declare const require: ( id: string ) => unknown;
const schemas = (
	require( '../../../../bridge-server/openapi.json' ) as {
		components: { schemas: Record< string, { enum?: string[] } > };
	}
 ).components.schemas;

describe( 'labels keyed by the bridge’s enums', () => {
	it.each( [
		[ 'CampaignState', campaignStateLabels ],
		[ 'RecipientState', recipientStateLabels ],
		[ 'MessageStatus', messageStatusLabels ],
		[ 'ErrorReason', errorReasonLabels ],
		[ 'ContactField', contactFieldLabels ],
	] as const )(
		'%s: one label for every value of the OpenAPI document',
		( name, labels ) => {
			expect( Object.keys( labels() ).sort() ).toEqual(
				[ ...( schemas[ name ]?.enum ?? [ 'missing' ] ) ].sort()
			);
		}
	);

	it( 'fail to compile with a value missing or one the bridge does not have', () => {
		// @ts-expect-error -- every state needs its label.
		const missing: Record< CampaignState, string > = { draft: 'Draft' };
		const extra: Record< CampaignState, string > = {
			...campaignStateLabels(),
			// @ts-expect-error -- the bridge has no "starting" state.
			starting: 'Starting',
		};
		expect( missing ).toBeTruthy();
		expect( extra ).toBeTruthy();
	} );

	it( 'show a message’s status once sent, and a free technical detail as it is', () => {
		expect(
			recipientStatusLabel( {
				state: 'completed',
				message_status: 'read',
			} )
		).toBe( 'Read' );
		expect(
			recipientStatusLabel( { state: 'retry', message_status: null } )
		).toBe( 'Waiting to retry' );
		expect( errorReasonLabel( 'template_paused' ) ).toBe(
			'Template paused by WhatsApp'
		);
		expect( errorReasonLabel( 'http_502_not_json' ) ).toBe(
			'http_502_not_json'
		);
	} );
} );
