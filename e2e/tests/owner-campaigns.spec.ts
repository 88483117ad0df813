/**
 * Issue 13, defects 1, 3, 5 and 7, through the screens as the owner would: an image-header template filled with a
 * Media Library image, a test sent to the owner's phone (seen in the emulator), a campaign that waits for the daily
 * window and says so, and a cancel confirmed with the mouse that counts the rest as cancelled.
 *
 * It uses up the test stack's daily limit (TIER_250): it stays the last spec that sends campaigns.
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { loadEnv } from '../lib/env';
import { sql as sqlRows } from '../lib/sql';
import { login } from '../lib/login';

const env = loadEnv() as ReturnType< typeof loadEnv > & {
	database?: { name: string; user: string; password: string };
};
const rondine = ( hash: string ) =>
	`/wp-admin/admin.php?page=rondine#/${ hash }`;
const SHOTS = join(
	dirname( fileURLToPath( import.meta.url ) ),
	'../../docs/screenshots'
);
const OWNER_PHONE = '+39 340 000 0777';

const emulator = ( path: string ) =>
	fetch( `${ env.emulatorUrl }/_control${ path }`, {
		headers: {
			authorization: `Bearer ${ env.sandboxControlToken ?? '' }`,
		},
	} ).then( async ( response ) => {
		expect( response.ok, await response.clone().text() ).toBe( true );
		return response.json();
	} );

function shopTimeZone(): string {
	return (
		sqlRows(
			"SELECT option_value FROM wp_options WHERE option_name = 'timezone_string'"
		)[ 0 ]?.[ 0 ] || 'UTC'
	);
}

/** A start `minutes` from now, rounded up to the next minute, as the datetime-local field of the shop's timezone. */
function shopClock( timeZone: string, minutes: number ): string {
	const at = new Date( Date.now() + minutes * 60_000 );
	at.setUTCSeconds( 0, 0 );
	at.setUTCMinutes( at.getUTCMinutes() + 1 );
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat( 'en-CA', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
		} )
			.formatToParts( at )
			.map( ( part ) => [ part.type, part.value ] )
	);
	return `${ parts.year }-${ parts.month }-${ parts.day }T${ parts.hour }:${ parts.minute }`;
}

/** A 1×1 PNG uploaded into the Media Library (test setup, as the owner would have done before). */
async function uploadImage( page: Page, name: string ): Promise< number > {
	const id = await page.evaluate( async ( fileName ) => {
		const png = Uint8Array.from(
			atob(
				'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
			),
			( c ) => c.charCodeAt( 0 )
		);
		const body = new FormData();
		body.append(
			'file',
			new Blob( [ png ], { type: 'image/png' } ),
			fileName
		);
		const media = await (
			window as unknown as {
				wp: {
					apiFetch: ( o: object ) => Promise< { id: number } >;
				};
			}
		 ).wp.apiFetch( { path: '/wp/v2/media', method: 'POST', body } );
		return media.id;
	}, name );
	return id;
}

/** The admin app's screen is drawn and has nothing left loading. */
async function settled( page: Page ) {
	await expect(
		page.locator( '[data-testid^="rondine-screen-"]' )
	).toBeVisible();
	await expect( page.locator( '.components-spinner' ) ).toHaveCount( 0 );
}

/**
 * Screenshots of a screen in English and Italian (the user's locale switched through the REST API; `prepare` puts a
 * form back after the reload).
 */
async function shoot(
	page: Page,
	name: string,
	url?: string,
	prepare: () => Promise< void > = async () => {}
) {
	mkdirSync( SHOTS, { recursive: true } );
	await prepare();
	await page.screenshot( {
		path: join( SHOTS, `${ name }-en.png` ),
		fullPage: true,
	} );
	const api = apiIn( page );
	const italian = await api( '/wp/v2/users/me', 'POST', {
		locale: 'it_IT',
	} );
	if ( ! italian.ok ) {
		return;
	}
	await page.goto( url ?? page.url() );
	await settled( page );
	await prepare();
	await page.screenshot( {
		path: join( SHOTS, `${ name }-it.png` ),
		fullPage: true,
	} );
	await api( '/wp/v2/users/me', 'POST', { locale: 'en_US' } );
	await page.goto( url ?? page.url() );
	await settled( page );
}

test.describe( 'campaigns the owner can trust', () => {
	test( 'image header from the Media Library, a test to my phone, waiting for the daily window, cancel with the right counts', async ( {
		page,
	} ) => {
		test.setTimeout( 6 * 60_000 );
		const timeZone = shopTimeZone();
		await login( page );
		await page.goto( rondine( 'campaigns' ) );
		await expect(
			page.getByTestId( 'rondine-screen-campaigns' )
		).toBeVisible();

		// Setup only: an image in the Media Library, and a segment of every opted-in contact (more than the 250 a day
		// of the sandbox number's tier, with what earlier specs sent).
		const stamp = Date.now().toString( 36 );
		await uploadImage( page, `collezione-${ stamp }.png` );
		const api = apiIn( page );
		const segmentName = `Everyone ${ stamp }`;
		const segment = await api( '/rondine/v1/segments', 'POST', {
			name: segmentName,
			definition: { match: 'all', groups: [] },
		} );
		expect( segment.ok, JSON.stringify( segment.body ) ).toBe( true );
		// And 300 new opted-in contacts (imported into a list; the segment has them too), so the audience is over the
		// 250 a day whatever the shop's size.
		const listName = `Fiera ${ stamp }`;
		const list = await api( '/rondine/v1/lists', 'POST', {
			name: listName,
		} );
		expect( list.ok, JSON.stringify( list.body ) ).toBe( true );
		const base = ( Date.now() % 9_000 ) * 1_000;
		const csv = [
			'Nome;Cognome;Telefono',
			...Array.from(
				{ length: 300 },
				( _, i ) =>
					`Ospite;Fiera${ stamp }x${ i };+39347${ String(
						base + i
					).padStart( 7, '0' ) }`
			),
		].join( '\n' );
		const imported = await api(
			`/rondine/v1/lists/${ ( list.body as { id: number } ).id }/import`,
			'POST',
			{
				csv,
				mapping: {
					first_name: 'Nome',
					last_name: 'Cognome',
					phone: 'Telefono',
				},
				default_country: 'IT',
				consent_mode: 'attest',
				attestation: true,
			}
		);
		expect( imported.ok, JSON.stringify( imported.body ) ).toBe( true );
		const campaignName = `Nuova collezione ${ stamp }`;

		await test.step( 'an image-header template asks for its image; the Media Library fills it', async () => {
			await page.goto( rondine( 'campaigns/new' ) );
			await page.getByLabel( 'Campaign name' ).fill( campaignName );
			await page.getByLabel( segmentName, { exact: true } ).check();
			await page
				.getByLabel( 'Approved template' )
				.selectOption( { label: 'nuova_collezione (it)' } );
			await page
				.getByLabel( 'Value of Body {{1}}' )
				.selectOption( 'first_name' );
			await page
				.getByLabel( 'Fallback for Body {{1}}' )
				.fill( 'cliente' );
			await page
				.getByLabel( /^Start \(shop time/ )
				.fill( shopClock( timeZone, 1 ) );
			await page
				.getByLabel( 'Wait until the 24 h window frees up' )
				.check();
			await page.getByRole( 'button', { name: 'Schedule' } ).click();
			await expect(
				page.getByTestId( 'rondine-editor-problems' )
			).toContainText(
				'The template has an image, video or document at the top'
			);

			await page
				.getByRole( 'button', {
					name: 'Choose from the Media Library',
				} )
				.click();
			const frame = page.locator( '.media-modal' ).last();
			await expect( frame ).toBeVisible();
			await frame
				.getByRole( 'tab', { name: 'Media Library' } )
				.click()
				.catch( () => {} );
			await frame.locator( 'li.attachment' ).first().click();
			await frame
				.getByRole( 'button', { name: 'Use this file' } )
				.click();
			await expect( page.getByLabel( 'Header file (link)' ) ).toHaveValue(
				/\/wp-content\/uploads\/.*collezione-.*\.png$/
			);
			await expect(
				page.getByTestId( 'rondine-forecast' )
			).toContainText( 'will wait for the window' );
		} );

		await test.step( 'previewed as a real contact, the variable shows the contact’s name', async () => {
			const contacts = await api( '/rondine/v1/contacts?per_page=20' );
			// The list is the body (its total in X-WP-Total), as WordPress's own collections answer.
			const contact = (
				contacts.body as unknown as Array< {
					first_name?: string;
					last_name?: string;
				} >
			 ).find( ( c ) => c.first_name && c.last_name );
			expect( contact ).toBeDefined();
			const name = `${ contact!.first_name } ${ contact!.last_name }`;
			await page.getByLabel( 'Preview as a contact' ).fill( name );
			await page
				.getByTestId( 'rondine-preview-as' )
				.getByRole( 'button', { name, exact: true } )
				.first()
				.click();
			await expect( page.getByTestId( 'rondine-bubble' ) ).toContainText(
				`Ciao ${ contact!.first_name },`
			);
		} );

		await test.step( 'a test reaches my phone (seen in the emulator), outside the campaign', async () => {
			const before = await emulator(
				`/received?phone=${ encodeURIComponent( OWNER_PHONE ) }`
			);
			await page
				.getByLabel( 'Your phone, for a test' )
				.fill( OWNER_PHONE );
			await page
				.getByRole( 'button', { name: 'Send a test to my phone' } )
				.click();
			await expect(
				page
					.locator( '.components-snackbar' )
					.getByText( 'Test sent to +393400000777.' )
			).toBeVisible();
			const after = await emulator(
				`/received?phone=${ encodeURIComponent( OWNER_PHONE ) }`
			);
			expect( after.count ).toBe( before.count + 1 );
			expect( after.callbacks[ 'rondine-test' ] ).toBe(
				( before.callbacks[ 'rondine-test' ] ?? 0 ) + 1
			);
			mkdirSync( SHOTS, { recursive: true } );
			await page.screenshot( {
				path: join( SHOTS, 'campaign-editor-test-sent-en.png' ),
				fullPage: true,
			} );
		} );

		let campaignId = '';

		await test.step( 'scheduled, it sends what the window allows and then says it waits', async () => {
			await page.getByRole( 'button', { name: 'Schedule' } ).click();
			await expect( page ).toHaveURL( /#\/campaigns$/ );
			const row = page.getByRole( 'row' ).filter( {
				hasText: campaignName,
			} );
			await expect(
				row.getByTestId( 'rondine-state-detail' )
			).toContainText(
				/Waiting for the daily limit: [\d,]+ left, resumes around /,
				{ timeout: 150_000 }
			);
			await expect( row ).not.toContainText( 'left ·' );
			const link = row.getByRole( 'link', { name: campaignName } );
			campaignId = /campaigns\/([0-9a-f-]+)\//.exec(
				( await link.getAttribute( 'href' ) ) ?? ''
			)![ 1 ]!;
			const received = await emulator(
				`/received?callbackPrefix=${ encodeURIComponent( `${ campaignId }:` ) }`
			);
			expect( received.messages ).toBeGreaterThan( 0 );
			expect( received.duplicates ).toBe( 0 );
			await shoot(
				page,
				'campaigns-list-waiting',
				rondine( 'campaigns' )
			);
		} );

		await test.step( 'cancel asks first, says how many will not be sent, and counts them as cancelled', async () => {
			type Counters = {
				counters: {
					automations: {
						to_start: number;
						completed: number;
						cancelled: number;
					};
				};
			};
			const read = async () =>
				(
					( await api( `/rondine/v1/campaigns/${ campaignId }` ) )
						.body as Counters
				 ).counters.automations;
			expect( ( await read() ).to_start ).toBeGreaterThan( 0 );
			const question = ( n: number ) =>
				`Cancel “${ campaignName }”? ${ n.toLocaleString( 'en-US' ) } ${
					n === 1 ? 'message' : 'messages'
				} will not be sent. Messages already sent stay sent.`;
			const row = page.getByRole( 'row' ).filter( {
				hasText: campaignName,
			} );
			await row.getByRole( 'button', { name: 'Actions' } ).click();
			await page.getByRole( 'menuitem', { name: 'Cancel' } ).click();
			const dialog = page.getByRole( 'dialog' );
			await expect( dialog ).toHaveCount( 1 );
			// The question follows the campaign (the list is read again every few seconds): phones already reached
			// in the 24 h window are still being sent to (they take no new unit of the limit) until only new ones wait.
			await expect
				.poll(
					async () =>
						( await dialog
							.getByTestId( 'rondine-cancel-question' )
							.textContent() ) ===
						question( ( await read() ).to_start ),
					{ timeout: 60_000 }
				)
				.toBe( true );
			await page.screenshot( {
				path: join( SHOTS, 'campaign-cancel-dialog-en.png' ),
			} );
			await dialog
				.getByRole( 'button', { name: 'Cancel campaign' } )
				.click();
			await expect( dialog ).toHaveCount( 0 );
			// Sends already under way when the owner cancelled finish normally; the rest is cancelled.
			await expect
				.poll( async () => ( await read() ).cancelled )
				.toBeGreaterThan( 0 );
			const final = await read();
			expect( final.to_start ).toBe( 0 );
			const left = final.cancelled;
			await expect(
				row.getByTestId( 'rondine-state-detail' )
			).toContainText( `${ left.toLocaleString( 'en-US' ) } cancelled` );

			await page.goto( rondine( `campaigns/${ campaignId }/stats` ) );
			await expect(
				page.getByTestId( 'rondine-campaign-state' )
			).toHaveText( 'Cancelled' );
			await expect(
				page.getByTestId( 'rondine-progress-text' )
			).toContainText(
				`${ final.completed.toLocaleString(
					'en-US'
				) } sent, ${ left.toLocaleString( 'en-US' ) } cancelled`
			);
			await expect(
				page.getByTestId( 'rondine-stat-automations-failed' )
			).toContainText( '0' );
			await expect(
				page.getByTestId( 'rondine-stat-cancelled' )
			).toContainText( left.toLocaleString( 'en-US' ) );
			await expect(
				page.getByRole( 'button', { name: 'Retry failed' } )
			).toHaveCount( 0 );
			await shoot(
				page,
				'campaign-stats-cancelled',
				rondine( `campaigns/${ campaignId }/stats` )
			);
			// The editor with an image header, in Italian too.
			await page.goto( rondine( 'campaigns/new' ) );
			await shoot(
				page,
				'campaign-editor-image-header',
				undefined,
				async () => {
					await page
						.getByTestId( 'rondine-campaign-editor' )
						.locator( 'select' )
						.filter( {
							has: page.locator(
								'option[value="nuova_collezione|it"]'
							),
						} )
						.selectOption( 'nuova_collezione|it' );
					await expect(
						page.getByTestId( 'rondine-header-media' )
					).toBeVisible();
				}
			);
		} );
	} );
} );
