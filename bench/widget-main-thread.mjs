#!/usr/bin/env node
/**
 * Main-thread cost of the chat button on a real storefront page in Chromium: the same product page loaded with the
 * button off and on, alternately, in fresh browser contexts.
 *
 *   npm start   (in another terminal: a running site)   then   node bench/widget-main-thread.mjs
 *   RONDINE_ENV_FILE=.rondine/test/env.json RONDINE_BENCH_RUNS=30 RONDINE_BENCH_CPU_THROTTLE=4 node bench/widget-main-thread.mjs
 *
 * Per load, 1 s after the load event (the button shows right away, delay 0): Chromium's main-thread task and script
 * time for the whole page (Performance.getMetrics: TaskDuration, ScriptDuration), the long tasks seen by a
 * PerformanceObserver, and the page's own Performance API timings (domContentLoaded, load); with the button, the first
 * stage's own execution, timed by performance.measure between module scripts put around it. Then, with the button
 * on, the first open: click to dialog on screen, measured in the page with performance.now(), the panel module
 * fetched on demand. Prints medians; the chat button settings are restored at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..' );
const envFile =
	process.env.RONDINE_ENV_FILE ?? join( root, '.rondine', 'dev', 'env.json' );
const runs = Number( process.env.RONDINE_BENCH_RUNS ?? 15 );
const throttle = Number( process.env.RONDINE_BENCH_CPU_THROTTLE ?? 1 );
const env = JSON.parse( readFileSync( envFile, 'utf8' ) );
const fixture = ( ...args ) =>
	execFileSync(
		'php',
		[ join( root, 'e2e', 'fixtures', 'chat-button.php' ), ...args ],
		{
			env: { ...process.env, RONDINE_WP_DIR: env.wordpressDir },
			encoding: 'utf8',
		}
	).trim();

const median = ( values ) => {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	const middle = Math.floor( sorted.length / 2 );
	return sorted.length % 2
		? sorted[ middle ]
		: ( sorted[ middle - 1 ] + sorted[ middle ] ) / 2;
};

const original = fixture( 'get' );
const productUrl = fixture( 'product-page' );
const settings = ( enabled ) =>
	fixture(
		'settings',
		JSON.stringify( {
			enabled,
			agents: [
				{
					name: 'Giulia',
					phone: '+39 333 123 4567',
					role: 'Vendite',
					photo: '',
					hours: null,
				},
			],
			delay: 0,
			scroll: 0,
			device: 'all',
			product_only: false,
			include_pages: '',
			exclude_pages: '',
			message: 'Vorrei {PRODUCT} a {PRICE}',
		} )
	);

const browser = await chromium.launch( {
	executablePath: '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
	],
} );

async function load( withWidget, instrumented = false ) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const cdp = await context.newCDPSession( page );
	await cdp.send( 'Performance.enable' );
	if ( throttle > 1 ) {
		await cdp.send( 'Emulation.setCPUThrottlingRate', { rate: throttle } );
	}
	await page.addInitScript( () => {
		window[ '__longTasks' ] = 0;
		new PerformanceObserver( ( list ) => {
			for ( const entry of list.getEntries() ) {
				window[ '__longTasks' ] += entry.duration;
			}
		} ).observe( { type: 'longtask', buffered: true } );
	} );
	if ( instrumented ) {
		// Module scripts run in document order: marks in a module just before and just after the inlined first
		// stage time its own execution (config parsed, rules applied, button built and appended).
		await page.route( productUrl, async ( route ) => {
			const response = await route.fetch();
			const body = ( await response.text() ).replace(
				/(<script type="module" id="rondine-chat">[\s\S]*?<\/script>)/,
				'<script type="module">performance.mark("rondine-start")</script>$1' +
					'<script type="module">performance.measure("rondine-first-stage","rondine-start")</script>'
			);
			await route.fulfill( { response, body } );
		} );
	}
	const html = await (
		await page.goto( productUrl, { waitUntil: 'load' } )
	).text();
	// No Playwright locator before the metrics are read: its polling would run on the page's main thread too.
	await page.waitForTimeout( 1000 );
	const { metrics } = await cdp.send( 'Performance.getMetrics' );
	const shown = await page.locator( '.rondine-chat-button' ).count();
	if ( shown !== ( withWidget ? 1 : 0 ) ) {
		throw new Error(
			`expected the button ${ withWidget ? 'shown' : 'absent' }, found ${ shown }`
		);
	}
	const metric = ( name ) =>
		metrics.find( ( m ) => m.name === name ).value * 1000;
	const timing = await page.evaluate( () => {
		const navigation = /** @type {PerformanceNavigationTiming} */ (
			performance.getEntriesByType( 'navigation' )[ 0 ]
		);
		const [ firstStage ] = performance.getEntriesByName(
			'rondine-first-stage'
		);
		return {
			firstStage: firstStage ? firstStage.duration : null,
			domContentLoaded: navigation.domContentLoadedEventEnd,
			load: navigation.loadEventEnd,
			longTasks: window[ '__longTasks' ],
		};
	} );
	let open = null;
	if ( withWidget ) {
		open = await page.evaluate(
			() =>
				new Promise( ( resolve ) => {
					const start = performance.now();
					new window.MutationObserver( ( _records, observer ) => {
						if ( document.querySelector( '[role="dialog"]' ) ) {
							observer.disconnect();
							// The frame after the dialog is in the DOM: it is on screen.
							window.requestAnimationFrame( () =>
								resolve( performance.now() - start )
							);
						}
					} ).observe( document.body, {
						childList: true,
						subtree: true,
					} );
					/** @type {HTMLElement} */ ( document.querySelector( '.rondine-chat-button' ) ).click();
				} )
		);
	}
	await context.close();
	return {
		task: metric( 'TaskDuration' ),
		script: metric( 'ScriptDuration' ),
		longTasks: timing.longTasks,
		firstStage: timing.firstStage,
		domContentLoaded: timing.domContentLoaded,
		load: timing.load,
		html: Buffer.byteLength( html ),
		open,
	};
}

const results = { off: [], on: [], firstStage: [] };
try {
	for ( let i = 0; i < runs + 1; i++ ) {
		for ( const mode of i % 2 ? [ 'off', 'on' ] : [ 'on', 'off' ] ) {
			settings( mode === 'on' );
			const result = await load( mode === 'on' );
			// The first pair warms PHP's opcache and Chromium's caches.
			if ( i > 0 ) {
				results[ mode ].push( result );
			}
		}
	}
	// Separate loads for the instrumented page: intercepting the HTML delays it, which must not count above.
	settings( true );
	for ( let i = 0; i < runs; i++ ) {
		results.firstStage.push( ( await load( true, true ) ).firstStage );
	}
} finally {
	fixture( 'settings', original );
	await browser.close();
}

const row = ( label, key, unit = 'ms' ) => {
	const off = median( results.off.map( ( r ) => r[ key ] ) );
	const on = median( results.on.map( ( r ) => r[ key ] ) );
	const fmt = ( v ) =>
		( unit === 'B' ? String( Math.round( v ) ) : v.toFixed( 1 ) ).padStart(
			9
		) +
		' ' +
		unit;
	console.log(
		`  ${ label.padEnd( 34 ) }${ fmt( off ) }${ fmt( on ) }${ fmt( on - off ) }`
	);
};
console.log(
	`Chat button main-thread cost on ${ productUrl } (${ runs } loads each, medians${
		throttle > 1 ? `, CPU ${ throttle }x slower` : ''
	})`
);
console.log(
	`  ${ ''.padEnd( 34 ) }${ 'without'.padStart( 12 ) }${ 'with'.padStart( 12 ) }${ 'difference'.padStart( 12 ) }`
);
row( 'main-thread tasks (TaskDuration)', 'task' );
row( 'script (ScriptDuration)', 'script' );
row( 'long tasks (PerformanceObserver)', 'longTasks' );
row( 'DOMContentLoaded', 'domContentLoaded' );
row( 'load event', 'load' );
row( 'HTML size (uncompressed)', 'html', 'B' );
console.log(
	`  first stage's own execution (performance.measure around it): ${ median(
		results.firstStage
	).toFixed( 2 ) } ms`
);
console.log(
	`  first open, click to dialog on screen (panel fetched then): ${ median(
		results.on.map( ( r ) => r.open )
	).toFixed( 1 ) } ms`
);
