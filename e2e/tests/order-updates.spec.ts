/**
 * Issue 17, "Order updates": the owner creates the "Order shipped" automation from its starting point in the editor
 * (a utility template with the order's number), activates it, and marks an order completed in WooCommerce's own order
 * screen; the emulator receives the template at the order's billing phone, once, and the order's notes in WooCommerce
 * show the message delivered and read (the emulator's status webhooks → the bridge → the site's contact actions).
 *
 * The order is made with WooCommerce's API (e2e/fixtures/woocommerce.php `order`); the shop's rule for order messages
 * is set to every customer who gave a phone for the test (the billing phone has no WhatsApp consent) and put back.
 */

/**
 * External dependencies
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { loadEnv } from '../lib/env';
import { login } from '../lib/login';

const env = loadEnv();
const FIXTURE = resolve( import.meta.dirname, '../fixtures/woocommerce.php' );

function fixture( ...args: string[] ): string {
	return execFileSync( 'php', [ FIXTURE, ...args ], {
		env: { ...process.env, RONDINE_WP_DIR: env.wordpressDir },
		encoding: 'utf8',
	} ).trim();
}

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

test.afterAll( async () => {
	await emulator( '/config', {
		method: 'POST',
		body: JSON.stringify( {
			statuses: { deliveredRate: 0.97, readRate: 0.6 },
		} ),
	} );
} );

test( 'an order marked completed in WooCommerce sends the "order shipped" template once and its notes show the delivery', async ( {
	page,
} ) => {
	test.setTimeout( 3 * 60_000 );
	expect( env.emulatorUrl, 'the test stack runs the emulator' ).toBeTruthy();
	const run = Date.now().toString( 36 );
	const name = `Ordine spedito ${ run }`;
	const digits = String( Date.now() % 10_000_000 ).padStart( 7, '0' );
	const phone = `+39348${ digits }`;
	await login( page );
	const api = apiIn( page );
	// Every status delivered and read, so that the note's contents are known.
	await emulator( '/config', {
		method: 'POST',
		body: JSON.stringify( {
			statuses: { deliveredRate: 1, readRate: 1 },
		} ),
	} );
	let before = 'consented';

	await test.step( 'the shop sends order messages to every customer who gave a phone', async () => {
		await page.goto( `${ env.rondineUrl }#/settings` );
		before = ( await api( '/rondine/v1/settings' ) ).body
			.order_messages_to as string;
		await page
			.getByLabel( 'Every customer who gave a phone number at checkout' )
			.check();
		await page
			.getByRole( 'button', { name: 'Save', exact: true } )
			.first()
			.click();
		await expect
			.poll(
				async () =>
					( await api( '/rondine/v1/settings' ) ).body
						.order_messages_to
			)
			.toBe( 'customers' );
	} );

	let orderId = 0;

	await test.step( 'a customer’s order is in processing', async () => {
		fixture( 'product', `E2E-ORD-${ run }`, `Tazza ${ run }`, '18.00' );
		orderId = Number(
			fixture(
				'order',
				`E2E-ORD-${ run }`,
				`348 ${ digits }`,
				`ordini-${ run }@example.test`
			)
		);
		expect( orderId ).toBeGreaterThan( 0 );
	} );

	let id = '';

	await test.step( 'the owner builds "Order shipped" from its starting point and activates it', async () => {
		await page.goto( `${ env.rondineUrl }#/automations` );
		await page
			.getByRole( 'button', { name: 'Start from Order shipped' } )
			.click();
		await page.getByLabel( 'Automation name' ).fill( name );
		await expect( page.getByLabel( 'Starts with' ) ).toHaveValue(
			'order_status'
		);
		await expect( page.getByLabel( 'New status' ) ).toHaveValue(
			'completed'
		);
		const step = page.getByTestId( 'rondine-step-s1' );
		await step
			.getByRole( 'combobox', { name: 'Approved template' } )
			.selectOption( 'aggiornamento_ordine|it' );
		await step
			.getByRole( 'combobox', { name: 'Value of Body {{first_name}}' } )
			.selectOption( 'event.first_name' );
		await step
			.getByRole( 'combobox', {
				name: 'Value of Body {{order_number}}',
			} )
			.selectOption( 'event.order_number' );
		await step
			.getByLabel( 'Text for Body {{delivery_date}}' )
			.fill( 'due giorni' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await expect( page ).toHaveURL( /#\/automations\/[0-9a-f-]{36}$/ );
		id = page.url().split( '/' ).pop() ?? '';
		await page.getByRole( 'button', { name: 'Activate' } ).click();
		await expect( page.getByText( /^State: Active/ ) ).toBeVisible();
		const saved = await api( `/rondine/v1/automations/${ id }` );
		expect( saved.body.trigger ).toEqual( {
			type: 'event',
			event: 'order.status.completed',
		} );
	} );

	const orderScreen = `${ env.adminUrl }admin.php?page=wc-orders&action=edit&id=${ orderId }`;

	await test.step( 'the owner marks the order completed in WooCommerce’s order screen', async () => {
		await page.goto( orderScreen );
		await page
			.locator( 'select#order_status' )
			.selectOption( 'wc-completed' );
		await page.locator( 'button[name="save"]' ).click();
		await expect( page.locator( 'select#order_status' ) ).toHaveValue(
			'wc-completed'
		);
	} );

	await test.step( 'the emulator receives the template at the billing phone, once', async () => {
		await expect
			.poll(
				async () =>
					(
						( await emulator(
							`/received?phone=${ encodeURIComponent( phone ) }`
						) ) as { count: number }
					 ).count,
				{ timeout: 30_000 }
			)
			.toBe( 1 );
		const received = ( await emulator(
			`/received?phone=${ encodeURIComponent( phone ) }`
		) ) as { callbacks: Record< string, number > };
		expect( Object.keys( received.callbacks ) ).toEqual( [
			expect.stringMatching( new RegExp( `^a:${ id }:\\d+:0$` ) ),
		] );
	} );

	await test.step( 'the order’s notes show the message delivered and read', async () => {
		await expect
			.poll(
				async () => {
					await page.goto( orderScreen );
					return (
						( await page
							.locator( 'ul.order_notes li .note_content' )
							.allTextContents() ) as string[]
					 )
						.map( ( text ) => text.trim() )
						.find( ( text ) => text.includes( name ) );
				},
				{ timeout: 60_000, intervals: [ 2_000 ] }
			)
			.toMatch(
				new RegExp(
					`^WhatsApp [“«]${ name }[”»]: (delivered at|consegnato alle) .+, (read at|letto alle) .+$`
				)
			);
	} );

	await test.step( 'clean up: archived, deleted, the rule put back', async () => {
		await page.goto( `${ env.rondineUrl }#/automations` );
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
		expect(
			(
				await api( '/rondine/v1/settings', 'POST', {
					order_messages_to: before,
				} )
			).ok
		).toBe( true );
	} );
} );
