/**
 * Going live: credentials are checked against the Cloud API (here the emulator, which answers as Meta does) before
 * they are saved, with the number's display number and verified name shown back, or an error code per thing the
 * shop owner can fix.
 */

/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';

const NUMBER = {
	phone_number_id: '106540352242922',
	waba_id: '102290129340398',
	access_token: 'EAAG-bottega-live-token-0001',
};

describe.each( dialects() )(
	'checking WhatsApp credentials on %s',
	( dialect ) => {
		let store: TestStore;
		/** Meta, played by a bridge's emulator. */
		let meta: TestBridge;
		/** The bridge under test, whose Graph API is that emulator. */
		let t: TestBridge;
		let shop: TestTenant;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			meta = await startTestBridge( { store, engine: false } );
			meta.sandbox.ensureAccount( {
				tenantId: 'meta-side',
				phoneNumberId: NUMBER.phone_number_id,
				wabaId: NUMBER.waba_id,
				token: NUMBER.access_token,
				appSecret: 'bottega-app-secret',
				displayPhoneNumber: '+39 02 1234 5678',
				verifiedName: 'Bottega Demo',
				qualityRating: 'GREEN',
				tier: 'TIER_2K',
			} );
			t = await startTestBridge( {
				store,
				engine: false,
				bridge: { graphUrl: `${ meta.url }/sandbox` },
			} );
			shop = await t.addTenant( { name: 'Bottega' } );
		} );

		afterAll( async () => {
			await t?.close();
			await meta?.close();
			await store?.drop();
		} );

		const mode = async () =>
			( await t.call( shop, 'GET', '/v1/status' ) ).json().whatsapp.mode;

		it( 'answers the number as Meta shows it, and saves nothing', async () => {
			const response = await t.call(
				shop,
				'POST',
				'/v1/whatsapp/check',
				NUMBER
			);
			expect( response.statusCode ).toBe( 200 );
			expect( response.json() ).toEqual( {
				phone_number_id: NUMBER.phone_number_id,
				display_phone_number: '+39 02 1234 5678',
				verified_name: 'Bottega Demo',
				quality: 'GREEN',
				messaging_limit_tier: 'TIER_2K',
				throughput_mps: 80,
			} );
			expect( await mode() ).toBe( 'sandbox' );
		} );

		it.each( [
			[
				'a wrong token',
				{ access_token: 'EAAG-someone-elses-token' },
				'whatsapp_token_rejected',
			],
			[
				'a phone number id of no number',
				{ phone_number_id: '999999999999' },
				'whatsapp_phone_number_id_unknown',
			],
			[
				'a business account id of no account',
				{ waba_id: '888888888888' },
				'whatsapp_waba_id_unknown',
			],
		] )( 'says which value is wrong: %s', async ( _, change, code ) => {
			const response = await t.call( shop, 'POST', '/v1/whatsapp/check', {
				...NUMBER,
				...change,
			} );
			expect( response.statusCode ).toBe( 422 );
			expect( response.json().error.code ).toBe( code );
			expect( await mode() ).toBe( 'sandbox' );
		} );

		it( 'says when the Cloud API cannot be reached', async () => {
			// The emulator's own bridge has an unreachable Graph API.
			const tenant = await meta.addTenant( { name: 'Offline' } );
			const response = await meta.call(
				tenant,
				'POST',
				'/v1/whatsapp/check',
				NUMBER
			);
			expect( response.statusCode ).toBe( 422 );
			expect( response.json().error.code ).toBe( 'whatsapp_unreachable' );
		} );

		it( 'saves checked credentials and answers the verified name too', async () => {
			const response = await t.call( shop, 'PUT', '/v1/whatsapp', {
				...NUMBER,
				app_secret: 'bottega-app-secret',
			} );
			expect( response.statusCode ).toBe( 200 );
			expect( response.json() ).toMatchObject( {
				display_phone_number: '+39 02 1234 5678',
				verified_name: 'Bottega Demo',
				quality: 'GREEN',
			} );
			expect( await mode() ).toBe( 'live' );
		} );
	}
);
