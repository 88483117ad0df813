/**
 * Issue 16, "e2e": the owner builds the keyword automation in the editor, activates it and sets the chat button's
 * keyword; a visitor's message with that keyword (simulated inbound from the emulator) gets the reply within a second,
 * and the per-step numbers show it.
 *
 * Its first runs found two real faults: the emulator refused interactive (reply-button) messages, which the engine's
 * tests never saw because their messenger did not check bodies (both fixed: the emulator checks free-form messages
 * as Meta does, and the engine tests' messenger runs the same checks); and the editor showed per-step numbers loaded
 * before the run (it now reloads them while open).
 */

/**
 * External dependencies
 */
import { expect, test } from '@playwright/test';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { loadEnv } from '../lib/env';
import { login } from '../lib/login';

const env = loadEnv();

const emulator = ( path: string, init?: RequestInit ) =>
	fetch( `${ env.emulatorUrl }/_control${ path }`, {
		...init,
		headers: {
			'content-type': 'application/json',
			authorization: `Bearer ${ env.sandboxControlToken ?? '' }`,
		},
	} ).then( async ( response ) => {
		expect( response.ok, await response.clone().text() ).toBe( true );
		return response.status === 204 ? null : response.json();
	} );

test( 'the owner builds a keyword automation, activates it and the chat button sends its keyword', async ( {
	page,
} ) => {
	expect( env.emulatorUrl, 'the test stack runs the emulator' ).toBeTruthy();
	const suffix = Date.now().toString( 36 ).toUpperCase();
	const keyword = `PROMO${ suffix }`;
	const name = `Risposta ${ suffix }`;
	const visitor = `+39347${ String( Date.now() ).slice( -7 ) }`;
	await login( page );
	const api = apiIn( page );

	await test.step( 'builds the flow from the keyword starting point', async () => {
		await page.goto( `${ env.rondineUrl }#/automations` );
		await page
			.getByRole( 'button', {
				name: 'Start from Keyword auto-reply with buttons',
			} )
			.click();
		await page.getByLabel( 'Automation name' ).fill( name );
		await page.getByLabel( 'Keyword', { exact: true } ).fill( keyword );
		const first = page.getByTestId( 'rondine-step-s1' );
		await first
			.getByLabel( 'Message', { exact: true } )
			.fill( 'Ciao! Vuoi lo sconto?' );
		await first.getByLabel( 'Button 1', { exact: true } ).fill( 'Sì' );
		await first.getByLabel( 'Button 2', { exact: true } ).fill( 'No' );
		const wait = page.getByTestId( 'rondine-step-s2' );
		await expect(
			wait.getByLabel( 'Wait for a reply for (hours)' )
		).toHaveValue( '24' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await expect( page ).toHaveURL( /#\/automations\/[0-9a-f-]{36}$/ );
	} );

	const id = page.url().split( '/' ).pop() ?? '';

	await test.step( 'activates it', async () => {
		await page.getByRole( 'button', { name: 'Activate' } ).click();
		await expect( page.getByText( /^State: Active/ ) ).toBeVisible();
		const saved = await api( `/rondine/v1/automations/${ id }` );
		expect( saved.ok ).toBe( true );
		expect( saved.body.state ).toBe( 'active' );
		expect( saved.body.trigger ).toEqual( { type: 'keyword', keyword } );
	} );

	await test.step( "sets the chat button's keyword by picking the automation", async () => {
		await page.goto( `${ env.rondineUrl }#/chat-button` );
		const picker = page.getByLabel(
			'Automation started by the chat button'
		);
		await picker.selectOption( {
			label: `${ name } (keyword ${ keyword }, Active)`,
		} );
		await expect(
			page.getByLabel( 'Keyword before the message' )
		).toHaveValue( keyword );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await expect
			.poll(
				async () =>
					( await api( '/rondine/v1/chat-button' ) ).body.keyword
			)
			.toBe( keyword );
	} );

	await test.step( 'a message with the keyword gets the reply within a second', async () => {
		const status = await api( '/rondine/v1/status' );
		const phoneNumberId = (
			status.body as {
				bridge?: {
					status?: { whatsapp?: { phone_number_id?: string } };
				};
			}
		 ).bridge?.status?.whatsapp?.phone_number_id;
		expect( phoneNumberId ).toBeTruthy();
		const sentAt = Date.now();
		await emulator( '/inbound', {
			method: 'POST',
			body: JSON.stringify( {
				phoneNumberId,
				from: visitor,
				kind: 'text',
				text: ` ${ keyword.toLowerCase() } `,
			} ),
		} );
		await expect
			.poll(
				async () =>
					(
						( await emulator(
							`/received?phone=${ encodeURIComponent( visitor ) }`
						) ) as { count: number }
					 ).count,
				{ timeout: 1000, intervals: [ 50 ] }
			)
			.toBe( 1 );
		expect( Date.now() - sentAt ).toBeLessThan( 1000 );
	} );

	await test.step( 'the per-step numbers show the run', async () => {
		await page.goto( `${ env.rondineUrl }#/automations/${ id }` );
		const numbers = page.getByTestId( 'rondine-step-numbers-s1' );
		await expect(
			numbers.getByText( 'Entered' ).locator( '+ dd' )
		).toHaveText( '1' );
		await expect(
			numbers.getByText( 'Sent' ).locator( '+ dd' )
		).toHaveText( '1' );
		const waiting = page.getByTestId( 'rondine-step-numbers-s2' );
		await expect(
			waiting.getByText( 'Waiting now' ).locator( '+ dd' )
		).toHaveText( '1' );
		await page.goto( `${ env.rondineUrl }#/automations` );
		const row = page.getByRole( 'row', { name: new RegExp( name ) } );
		await expect( row.getByRole( 'cell' ).nth( 2 ) ).toHaveText( '1' );
	} );

	await test.step( 'clean up: archived, deleted, the chat button without keyword', async () => {
		expect(
			(
				await api( `/rondine/v1/automations/${ id }/state`, 'POST', {
					state: 'archived',
				} )
			).ok
		).toBe( true );
		expect(
			( await api( `/rondine/v1/automations/${ id }`, 'DELETE' ) ).ok
		).toBe( true );
		const settings = await api( '/rondine/v1/chat-button' );
		expect(
			(
				await api( '/rondine/v1/chat-button', 'PUT', {
					...settings.body,
					keyword: '',
				} )
			).ok
		).toBe( true );
	} );
} );
