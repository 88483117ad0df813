#!/usr/bin/env node
/**
 * Campaigns list with 5,000 campaigns, rendered in Debian's Chromium in the real wp-admin page.
 *
 * The REST answers for `GET /rondine/v1/campaigns` are served by Playwright from 5,000 generated campaigns in the
 * bridge's shape (pages of 200, as the bridge gives them), so the figure is the admin app's own work: fetching the 25
 * pages through apiFetch, normalising, the store, DataViews filtering, sorting, paginating and rendering. Everything
 * else (WordPress, the other routes, the bundle) is the real stack of RONDINE_ENV_FILE (default: .rondine/dev).
 *
 * Prints, as medians over the runs:
 *  - cold: from the hash change to the first rows on screen, DataViews chunk loaded for the first time;
 *  - warm: the same with the campaigns already in the store (going back to the list);
 *  - sort and search: from the click or keystroke to the re-rendered table.
 *
 * Usage: node bench/admin-list-render.mjs [--runs=5] [--campaigns=5000] [--screenshot=/tmp/list.png]
 */

/**
 * External dependencies
 */
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const arg = ( name, fallback ) =>
	Number(
		process.argv
			.find( ( a ) => a.startsWith( `--${ name }=` ) )
			?.split( '=' )[ 1 ] ?? fallback
	);
const RUNS = arg( 'runs', 5 );
// --screenshot=<file.png>: a picture of the list (first run, after the cold render) and <file>-menu.png with a row's actions open.
const SCREENSHOT = process.argv
	.find( ( a ) => a.startsWith( '--screenshot=' ) )
	?.slice( '--screenshot='.length );
const COUNT = arg( 'campaigns', 5000 );
const envFile =
	process.env.RONDINE_ENV_FILE ??
	new URL( '../.rondine/dev/env.json', import.meta.url ).pathname;
const env = JSON.parse( readFileSync( envFile, 'utf8' ) );

const STATES = [
	'draft',
	'scheduled',
	'running',
	'paused',
	'completed',
	'cancelled',
	'failed',
];
const campaigns = Array.from( { length: COUNT }, ( _, i ) => {
	const total = 100 + ( ( i * 7919 ) % 20000 );
	const sent = Math.floor( total * 0.9 );
	return {
		id: `00000000-0000-4000-8000-${ String( i ).padStart( 12, '0' ) }`,
		name: `Campaign ${ String( COUNT - i ).padStart( 5, '0' ) } <b>&amp; "quotes"</b>`,
		state: STATES[ i % STATES.length ],
		audience: { segments: [ 1 ], lists: [] },
		template: { name: 'promo_autunno', language: 'it', components: [] },
		start_at: new Date(
			Date.UTC( 2026, 0, 1 ) + i * 3_600_000
		).toISOString(),
		options: {},
		state_reason: null,
		state_message: null,
		source_campaign_id: null,
		created_at: new Date(
			Date.UTC( 2025, 11, 1 ) + i * 60_000
		).toISOString(),
		updated_at: new Date( Date.UTC( 2026, 0, 1 ) ).toISOString(),
		counters: {
			total,
			automations: {
				to_start: 0,
				in_progress: 0,
				completed: sent,
				failed: total - sent,
				unknown: 0,
			},
			messages: {
				sent,
				delivered: Math.floor( sent * 0.95 ),
				read: Math.floor( sent * 0.6 ),
				failed: total - sent,
			},
			interactions: Math.floor( sent * 0.05 ),
		},
	};
} );

const median = ( values ) => {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	return sorted[ Math.floor( sorted.length / 2 ) ];
};

const browser = await chromium.launch( {
	executablePath: process.env.RONDINE_CHROMIUM ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
	],
} );
const results = { cold: [], warm: [], sort: [], search: [] };
for ( let run = 0; run < RUNS; run++ ) {
	const context = await browser.newContext( {
		viewport: { width: 1400, height: 1000 },
	} );
	const page = await context.newPage();
	await page.route(
		/rest_route=%2Frondine%2Fv1%2Fcampaigns(&|$)|\/wp-json\/rondine\/v1\/campaigns(\?|$)/,
		( route ) => {
			const url = new URL( route.request().url() );
			const query = url.searchParams.has( 'rest_route' )
				? new URLSearchParams(
						url.searchParams
							.get( 'rest_route' )
							.split( '?' )[ 1 ] ?? ''
					)
				: url.searchParams;
			const offset = Number(
				url.searchParams.get( 'offset' ) ?? query.get( 'offset' ) ?? 0
			);
			const limit = Number(
				url.searchParams.get( 'limit' ) ?? query.get( 'limit' ) ?? 50
			);
			return route.fulfill( {
				contentType: 'application/json',
				body: JSON.stringify( {
					campaigns: campaigns.slice( offset, offset + limit ),
				} ),
			} );
		}
	);
	await page.goto( `${ env.wpUrl }/wp-login.php` );
	// wp-login.php focuses the user field about 200 ms after load; typing earlier loses keystrokes.
	await page.locator( '#user_login:focus' ).waitFor();
	await page.fill( '#user_login', env.adminUser );
	await page.fill( '#user_pass', env.adminPassword );
	await Promise.all( [
		page.waitForNavigation(),
		page.click( '#wp-submit' ),
	] );
	await page.goto( `${ env.rondineUrl }#/templates` );
	await page.waitForSelector( '[data-testid="rondine-screen-templates"]' );

	const rows = '[data-testid="rondine-campaigns-list"] table tbody tr';
	const time = async ( action, done ) => {
		const start = Date.now();
		await action();
		await done();
		return Date.now() - start;
	};
	results.cold.push(
		await time(
			() =>
				page.evaluate( () => ( window.location.hash = '#/campaigns' ) ),
			() => page.waitForSelector( rows )
		)
	);
	if ( SCREENSHOT && run === 0 ) {
		await page.screenshot( { path: SCREENSHOT } );
		await page
			.locator( rows )
			.first()
			.getByRole( 'button', { name: 'Actions' } )
			.click();
		await page.screenshot( {
			path: SCREENSHOT.replace( /\.png$/, '' ) + '-menu.png',
		} );
		await page.keyboard.press( 'Escape' );
	}
	await page.evaluate( () => ( window.location.hash = '#/templates' ) );
	await page.waitForSelector( '[data-testid="rondine-screen-templates"]' );
	results.warm.push(
		await time(
			() =>
				page.evaluate( () => ( window.location.hash = '#/campaigns' ) ),
			() => page.waitForSelector( rows )
		)
	);
	const firstName = () => page.locator( rows ).first().innerText();
	const before = await firstName();
	results.sort.push(
		await time(
			() => page.getByRole( 'button', { name: 'Name' } ).first().click(),
			async () => {
				await page
					.getByRole( 'menuitemradio', {
						name: 'Sort descending',
					} )
					.first()
					.click();
				await page.waitForFunction(
					( [ selector, previous ] ) =>
						/** @type {HTMLElement | null} */ ( document.querySelector( selector ) )?.innerText !==
						previous,
					[ rows, before ]
				);
			}
		)
	);
	// DataViews keeps the column menu open after a sort choice; close it so the search box is reachable.
	await page.keyboard.press( 'Escape' );
	results.search.push(
		await time(
			() =>
				page.getByRole( 'searchbox' ).first().fill( 'Campaign 04999' ),
			() =>
				page.waitForFunction(
					( selector ) =>
						document.querySelectorAll( selector ).length === 1,
					rows
				)
		)
	);
	await context.close();
}
await browser.close();

console.log(
	`Campaigns list, ${ COUNT } campaigns, ${ RUNS } runs (median, ms):`
);
console.log(
	`  cold (fetch 25 pages + DataViews chunk + render): ${ median( results.cold ) }  [${ results.cold.join( ', ' ) }]`
);
console.log(
	`  warm (campaigns in the store, render):            ${ median( results.warm ) }  [${ results.warm.join( ', ' ) }]`
);
console.log(
	`  sort by name (menu click to re-rendered table):   ${ median( results.sort ) }  [${ results.sort.join( ', ' ) }]`
);
console.log(
	`  search (keystrokes to filtered table):            ${ median( results.search ) }  [${ results.search.join( ', ' ) }]`
);
console.log(
	`  target: rendered within 1000 ms: ${ median( results.cold ) <= 1000 ? 'met' : 'NOT met' } (cold)`
);
