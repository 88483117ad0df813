/**
 * Issue 16, items 1 and 7, through the screens: the owner builds an automation started by a campaign (the "no answer
 * in 24 hours: reminder" starting point), activates it, creates a campaign that launches it for a small list, sends
 * it, and sees its runs in progress, then each step's numbers under the campaign; a reply ends one run.
 *
 * PENDING: outside playwright.config.ts's testDir (./tests) until it has passed against a stack; the lead moves it.
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

const CONTACTS = 3;

test( 'a campaign launches an automation: runs in progress, then per-step numbers under the campaign', async ( {
	page,
} ) => {
	test.setTimeout( 240_000 );
	expect( env.emulatorUrl, 'the test stack runs the emulator' ).toBeTruthy();
	const stamp = Date.now().toString( 36 );
	const automationName = `Promemoria ${ stamp }`;
	const campaignName = `Lancio ${ stamp }`;
	const listName = `Lancio ${ stamp } lista`;
	const base = ( Date.now() % 9_000 ) * 1_000;
	const phones = Array.from(
		{ length: CONTACTS },
		( _, i ) => `+39348${ String( base + i ).padStart( 7, '0' ) }`
	);
	await login( page );
	// The app's page first: the setup requests go through its wp.apiFetch.
	await page.goto( `${ env.rondineUrl }#/campaigns` );
	await expect(
		page.getByTestId( 'rondine-screen-campaigns' )
	).toBeVisible();
	const api = apiIn( page );

	// Setup only: a small list of opted-in contacts (the campaign's audience).
	const list = await api( '/rondine/v1/lists', 'POST', { name: listName } );
	expect( list.ok, JSON.stringify( list.body ) ).toBe( true );
	const imported = await api(
		`/rondine/v1/lists/${ ( list.body as { id: number } ).id }/import`,
		'POST',
		{
			csv: [
				'Nome;Telefono',
				...phones.map( ( phone, i ) => `Ospite${ i };${ phone }` ),
			].join( '\n' ),
			mapping: { first_name: 'Nome', phone: 'Telefono' },
			default_country: 'IT',
			consent_mode: 'attest',
			attestation: true,
		}
	);
	expect( imported.ok, JSON.stringify( imported.body ) ).toBe( true );

	let automationId = '';

	await test.step( 'builds and activates an automation started by a campaign', async () => {
		await page.goto( `${ env.rondineUrl }#/automations` );
		await page
			.getByRole( 'button', {
				name: 'Start from No answer in 24 hours: reminder',
			} )
			.click();
		await page.getByLabel( 'Automation name' ).fill( automationName );
		await expect( page.getByLabel( 'Starts with' ) ).toHaveValue(
			'campaign'
		);
		for ( const step of [ 's1', 's3' ] ) {
			await page
				.getByTestId( `rondine-step-${ step }` )
				.getByLabel( 'Approved template' )
				.selectOption( { label: 'hello_world (en_US)' } );
		}
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await expect( page ).toHaveURL( /#\/automations\/[0-9a-f-]{36}$/ );
		automationId = page.url().split( '/' ).pop() ?? '';
		await page.getByRole( 'button', { name: 'Activate' } ).click();
		await expect( page.getByText( /^State: Active/ ) ).toBeVisible();
	} );

	let campaignId = '';

	await test.step( 'creates a campaign that launches it, for the list', async () => {
		await page.goto( `${ env.rondineUrl }#/campaigns/new` );
		await page.getByLabel( 'Campaign name' ).fill( campaignName );
		await page.getByLabel( new RegExp( `^${ listName }` ) ).check();
		await page
			.getByLabel( 'An automation (several steps: replies, reminders…)' )
			.check();
		await page
			.getByLabel( 'Automation', { exact: true } )
			.selectOption( { label: automationName } );
		await expect(
			page.getByTestId( 'rondine-automation-summary' )
		).toHaveText(
			`When the campaign starts, each recipient enters “${ automationName }”, an automation of 3 steps, at its first step.`
		);
		await page.getByRole( 'button', { name: 'Save as draft' } ).click();
		await expect( page ).toHaveURL( /#\/campaigns\/[0-9a-f-]{36}\/edit$/ );
		campaignId = /campaigns\/([0-9a-f-]{36})\//.exec( page.url() )![ 1 ]!;
		const saved = await api( `/rondine/v1/campaigns/${ campaignId }` );
		expect( saved.body.template ).toBeNull();
		expect( ( saved.body.automation as { id: string } | null )?.id ).toBe(
			automationId
		);
	} );

	await test.step( 'sends it now: the runs are in progress, each waiting for a reply', async () => {
		// Now rather than at a minute from now (the editor's start is in the future): the same schedule route.
		const scheduled = await api(
			`/rondine/v1/campaigns/${ campaignId }/schedule`,
			'POST',
			{ start_at: new Date().toISOString() }
		);
		expect( scheduled.ok, JSON.stringify( scheduled.body ) ).toBe( true );
		await page.goto(
			`${ env.rondineUrl }#/campaigns/${ campaignId }/stats`
		);
		await expect(
			page.getByText( `Runs of “${ automationName }”` )
		).toBeVisible();
		await expect(
			page.getByTestId( 'rondine-stat-in-progress' )
		).toContainText( String( CONTACTS ), { timeout: 60_000 } );
		await expect(
			page.getByTestId( 'rondine-stat-in-progress' )
		).toContainText( 'In progress (steps still ahead)' );
		const received = () =>
			emulator(
				`/received?callbackPrefix=${ encodeURIComponent( `${ campaignId }:` ) }`
			) as Promise< { messages: number; duplicates: number } >;
		await expect
			.poll( async () => ( await received() ).messages, {
				timeout: 30_000,
			} )
			.toBe( CONTACTS );
		expect( ( await received() ).duplicates ).toBe( 0 );
	} );

	await test.step( 'each step shows the numbers of this campaign’s runs; a reply ends one run', async () => {
		const first = page.getByTestId( 'rondine-step-numbers-s1' );
		await expect(
			first.getByText( 'Entered' ).locator( '+ dd' )
		).toHaveText( String( CONTACTS ) );
		await expect(
			first.getByText( 'Sent', { exact: true } ).locator( '+ dd' )
		).toHaveText( String( CONTACTS ), { timeout: 30_000 } );
		const wait = page.getByTestId( 'rondine-step-numbers-s2' );
		await expect(
			wait.getByText( 'Waiting now' ).locator( '+ dd' )
		).toHaveText( String( CONTACTS ) );

		const status = await api( '/rondine/v1/status' );
		const phoneNumberId = (
			status.body as {
				bridge?: {
					status?: { whatsapp?: { phone_number_id?: string } };
				};
			}
		 ).bridge?.status?.whatsapp?.phone_number_id;
		expect( phoneNumberId ).toBeTruthy();
		await emulator( '/inbound', {
			method: 'POST',
			body: JSON.stringify( {
				phoneNumberId,
				from: phones[ 0 ],
				kind: 'text',
				text: 'Grazie, ci penso',
			} ),
		} );
		// The live view refreshes every few seconds.
		await expect(
			wait.getByText( 'Waiting now' ).locator( '+ dd' )
		).toHaveText( String( CONTACTS - 1 ), { timeout: 30_000 } );
		await expect(
			wait.getByText( 'Replied' ).locator( '+ dd' )
		).toContainText( '1' );
		await expect(
			page.getByTestId( 'rondine-stat-completed' )
		).toContainText( 'Went through the automation' );
		await expect(
			page.getByTestId( 'rondine-stat-in-progress' )
		).toContainText( String( CONTACTS - 1 ) );
		await expect( page.getByTestId( 'rondine-campaign-state' ) ).toHaveText(
			'Running'
		);
	} );

	await test.step( 'clean up: the campaign cancelled (its runs stop), the automation archived', async () => {
		const cancelled = await api(
			`/rondine/v1/campaigns/${ campaignId }/cancel`,
			'POST'
		);
		expect( cancelled.ok, JSON.stringify( cancelled.body ) ).toBe( true );
		expect(
			( cancelled.body.automation as { runs: { cancelled: number } } )
				.runs.cancelled
		).toBe( CONTACTS - 1 );
		expect(
			(
				await api(
					`/rondine/v1/automations/${ automationId }/state`,
					'POST',
					{ state: 'archived' }
				)
			).ok
		).toBe( true );
	} );
} );
