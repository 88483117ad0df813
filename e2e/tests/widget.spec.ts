/**
 * The storefront chat button on the real site (WordPress + the plugin + the built widget) in Chromium.
 *
 * Settings are written through the plugin's own validation (e2e/fixtures/chat-button.php) except where the REST API
 * itself is under test; the product page carries WooCommerce's Product structured data.
 */

/**
 * External dependencies
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/**
 * Internal dependencies
 */
import { loadEnv } from '../lib/env';
import { login } from '../lib/login';

const env = loadEnv();
const FIXTURE = resolve( import.meta.dirname, '../fixtures/chat-button.php' );
const AGENT = {
	name: 'Giulia',
	phone: '+39 333 123 4567',
	role: 'Vendite',
	photo: '',
	hours: null,
};
const WEEK_OFF = [ [], [], [], [], [], [], [] ];

function fixture( ...args: string[] ) {
	return execFileSync( 'php', [ FIXTURE, ...args ], {
		env: { ...process.env, RONDINE_WP_DIR: env.wordpressDir },
		encoding: 'utf8',
	} ).trim();
}

function settings( values: Record< string, unknown > ) {
	fixture(
		'settings',
		JSON.stringify( {
			enabled: true,
			agents: [ AGENT ],
			delay: 0,
			scroll: 0,
			device: 'all',
			product_only: false,
			off_hours: 'note',
			consent_required: false,
			keyword: '',
			greeting: 'Ciao! Come possiamo aiutarti?',
			cta: 'Scrivici',
			message: 'Ciao {SITE}',
			include_pages: '',
			exclude_pages: '',
			...values,
		} )
	);
}

const chatButton = ( page: Page ) => page.locator( '.rondine-chat-button' );
const dialog = ( page: Page ) => page.getByRole( 'dialog' );
const isWidgetRequest = ( url: string ) =>
	url.includes( '/build/widget/' ) || url.includes( 'rondine/v1' );

let productUrl = '';
let original = '';

test.describe.configure( { mode: 'serial' } );

test.beforeAll( () => {
	original = fixture( 'get' );
	productUrl = fixture( 'product-page' );
} );

// The site keeps the chat button its owner (or dev/wp/setup-site.php) set up.
test.afterAll( () => {
	fixture( 'settings', original );
} );

test( 'the button appears after the configured delay and opens by mouse', async ( {
	page,
} ) => {
	settings( { delay: 2 } );
	await page.goto( env.wpUrl + '/' );
	const loaded = Date.now();
	await expect( chatButton( page ) ).toBeVisible( { timeout: 5000 } );
	expect( Date.now() - loaded ).toBeGreaterThanOrEqual( 1500 );
	await expect( chatButton( page ) ).toHaveAccessibleName( 'Scrivici' );

	await chatButton( page ).hover();
	await chatButton( page ).click();
	await expect( dialog( page ) ).toBeVisible();
	await expect( chatButton( page ) ).toHaveAttribute(
		'aria-expanded',
		'true'
	);
	const link = dialog( page ).getByRole( 'link', { name: /Giulia/ } );
	await expect( link ).toHaveAttribute(
		'href',
		'https://wa.me/393331234567?text=' +
			encodeURIComponent( 'Ciao Bottega Demo' )
	);
} );

test( 'opens by keyboard, keeps focus inside, closes with Escape and returns focus', async ( {
	page,
} ) => {
	settings( {} );
	await page.goto( env.wpUrl + '/' );
	await expect( chatButton( page ) ).toBeVisible();
	await chatButton( page ).focus();
	await page.keyboard.press( 'Enter' );
	await expect( dialog( page ) ).toBeVisible();
	const focusedInDialog = () =>
		page.evaluate(
			() => !! document.querySelector( '[role="dialog"] :focus' )
		);
	expect( await focusedInDialog() ).toBe( true );
	for ( let i = 0; i < 5; i++ ) {
		await page.keyboard.press( 'Tab' );
		expect( await focusedInDialog() ).toBe( true );
	}
	for ( let i = 0; i < 5; i++ ) {
		await page.keyboard.press( 'Shift+Tab' );
		expect( await focusedInDialog() ).toBe( true );
	}
	// Focus is visible: the focused element has an outline.
	const outline = await page.evaluate(
		() =>
			getComputedStyle( document.querySelector( ':focus' )! ).outlineStyle
	);
	expect( outline ).not.toBe( 'none' );
	await page.keyboard.press( 'Escape' );
	await expect( dialog( page ) ).toBeHidden();
	await expect( chatButton( page ) ).toBeFocused();
	await expect( chatButton( page ) ).toHaveAttribute(
		'aria-expanded',
		'false'
	);
} );

test( 'honours reduced motion and right-to-left pages', async ( { page } ) => {
	settings( {} );
	await page.emulateMedia( { reducedMotion: 'reduce' } );
	await page.goto( env.wpUrl + '/' );
	await page.evaluate( () => {
		document.documentElement.dir = 'rtl';
	} );
	await chatButton( page ).click();
	const panel = page.locator( '.rondine-chat-panel' );
	await expect( panel ).toBeVisible();
	expect(
		await panel.evaluate(
			( node ) => getComputedStyle( node ).animationName
		)
	).toBe( 'none' );
	// Right to left: the close button is on the left of the title, the status on the left of the name.
	const title = await page.locator( '#rondine-chat-title' ).boundingBox();
	const close = await page
		.getByRole( 'button', { name: 'Close chat' } )
		.boundingBox();
	expect( close!.x ).toBeLessThan( title!.x );
} );

test( 'opens by touch on a phone', async ( { browser } ) => {
	settings( {} );
	const context = await browser.newContext( {
		hasTouch: true,
		isMobile: true,
		viewport: { width: 390, height: 844 },
	} );
	const page = await context.newPage();
	await page.goto( env.wpUrl + '/' );
	await chatButton( page ).tap();
	await expect( dialog( page ) ).toBeVisible();
	// On a phone the button shows the icon only; its name stays for screen readers.
	await expect( chatButton( page ) ).toHaveAccessibleName( 'Scrivici' );
	await context.close();
} );

test( 'on a product page the link carries the product name and price', async ( {
	page,
} ) => {
	settings( {
		keyword: '#shop',
		message: 'Vorrei informazioni su {PRODUCT} a {PRICE} (codice {SKU})',
		product_only: true,
	} );
	await page.goto( env.wpUrl + '/' );
	await page.waitForTimeout( 500 );
	await expect( chatButton( page ) ).toHaveCount( 0 );

	await page.goto( productUrl );
	// The price as the shop shows it: WooCommerce's Italian format (decimal comma, the euro sign after a space).
	const price = '189,90 €';
	await chatButton( page ).click();
	const href = await dialog( page )
		.getByRole( 'link', { name: /Giulia/ } )
		.getAttribute( 'href' );
	const url = new URL( href! );
	expect( url.origin + url.pathname ).toBe( 'https://wa.me/393331234567' );
	expect( url.searchParams.get( 'text' )?.replace( /\u00a0/g, ' ' ) ).toBe(
		`#shop Vorrei informazioni su Borsa in pelle “Firenze” a ${ price } (codice BRS-FI-001)`
	);
} );

test( 'off a product page, product variables leave no trace in the message', async ( {
	page,
} ) => {
	settings( {
		message:
			'Ciao {SITE}, vorrei informazioni[ su {PRODUCT} a {PRICE} (codice {SKU})] su {PRODUCT|i vostri prodotti} ({PRICE})',
		title: 'Parla con Bottega',
	} );
	for ( const [ url, text ] of [
		[
			env.wpUrl + '/',
			'Ciao Bottega Demo, vorrei informazioni su i vostri prodotti',
		],
		[
			productUrl,
			'Ciao Bottega Demo, vorrei informazioni su Borsa in pelle “Firenze” a 189,90 € (codice BRS-FI-001) su Borsa in pelle “Firenze” (189,90 €)',
		],
	] as const ) {
		await page.goto( url );
		await chatButton( page ).click();
		await expect(
			dialog( page ).getByRole( 'heading', { name: 'Parla con Bottega' } )
		).toBeVisible();
		const href = await dialog( page )
			.getByRole( 'link', { name: /Giulia/ } )
			.getAttribute( 'href' );
		expect( new URL( href! ).searchParams.get( 'text' ) ).toBe( text );
	}
} );

test( 'no layout shift and no request because of the widget before intent', async ( {
	page,
} ) => {
	settings( { delay: 1 } );
	const requests: string[] = [];
	page.on( 'request', ( request ) => requests.push( request.url() ) );
	// Every layout shift, attributed: the page's own (WooCommerce's product gallery settles as its scripts start,
	// with or without the button) and those of the button's elements, which must be none.
	await page.addInitScript( () => {
		const shifts = { widget: 0, page: 0 };
		( window as unknown as { shifts: typeof shifts } ).shifts = shifts;
		new PerformanceObserver( ( list ) => {
			for ( const entry of list.getEntries() as unknown as Array< {
				value: number;
				sources?: Array< { node?: Node | null } >;
			} > ) {
				const ours = ( entry.sources ?? [] ).some( ( source ) => {
					const node = source.node;
					const element =
						node instanceof Element ? node : node?.parentElement;
					return !! element?.closest( '.rondine-chat' );
				} );
				shifts[ ours ? 'widget' : 'page' ] += entry.value;
			}
		} ).observe( { type: 'layout-shift', buffered: true } );
	} );
	// The theme's web fonts swap in after first paint and shift its header by ~0.002 whether the widget is there or
	// not.
	await page.route( /\.woff2?(\?.*)?$/, ( route ) => route.abort() );
	await page.goto( productUrl );
	await expect( chatButton( page ) ).toBeVisible();
	await page.waitForTimeout( 500 );
	expect( requests.filter( isWidgetRequest ) ).toEqual( [] );
	expect(
		await page.evaluate(
			() =>
				( window as unknown as { shifts: { widget: number } } ).shifts
					.widget
		)
	).toBe( 0 );
	// Nor can the button move the page's content: it takes no room in the page's flow.
	expect(
		await page
			.locator( '.rondine-chat' )
			.evaluate( ( root ) => getComputedStyle( root ).position )
	).toBe( 'fixed' );

	// Intent (the pointer over the button) loads the panel, and only the panel.
	await chatButton( page ).hover();
	await expect
		.poll( () => requests.filter( isWidgetRequest ) )
		.toEqual( [
			expect.stringContaining( '/build/widget/rondine-chat-panel.js' ),
		] );
	await chatButton( page ).click();
	await expect( dialog( page ) ).toBeVisible();
	expect(
		await page.evaluate(
			() =>
				( window as unknown as { shifts: { widget: number } } ).shifts
					.widget
		)
	).toBe( 0 );
} );

test( 'a panel that failed to load (offline for a moment) loads on the next click', async ( {
	page,
} ) => {
	settings( {} );
	let attempts = 0;
	await page.route( /rondine-chat-panel\.js/, ( route ) =>
		++attempts === 1
			? route.abort( 'internetdisconnected' )
			: route.continue()
	);
	await page.goto( env.wpUrl + '/' );
	await chatButton( page ).click();
	await expect.poll( () => attempts ).toBe( 1 );
	await expect( dialog( page ) ).toHaveCount( 0 );
	await chatButton( page ).click();
	await expect( dialog( page ) ).toBeVisible();
	expect( attempts ).toBe( 2 );
} );

/**
 * A product page without the two values WooCommerce itself makes different on every request (the quantity field's
 * uniqid() id and the Store API nonce's timestamp): what is left must not depend on the visitor.
 * @param html
 */
const withoutWooCommercePerRequestValues = ( html: string ) =>
	html
		.replace( /quantity_[0-9a-f]{10,}/g, 'quantity_ID' )
		.replace(
			/wcStoreApiNonceTimestamp: '\d+'/g,
			'wcStoreApiNonceTimestamp: ""'
		);

test( 'two visitors get byte-identical HTML', async ( { playwright } ) => {
	settings( { message: 'Vorrei {PRODUCT} a {PRICE}' } );
	const visitors = await Promise.all( [
		playwright.request.newContext( {
			userAgent: 'Visitor A (Windows; Chrome)',
		} ),
		playwright.request.newContext( {
			userAgent: 'Visitor B (iPhone; Safari)',
			extraHTTPHeaders: { 'Accept-Language': 'de-DE' },
		} ),
	] );
	const [ first, second ] = await Promise.all(
		visitors.map( async ( visitor ) =>
			( await visitor.get( productUrl ) ).text()
		)
	);
	expect( first ).toContain( 'id="rondine-chat-config"' );
	expect( withoutWooCommercePerRequestValues( second ?? '' ) ).toBe(
		withoutWooCommercePerRequestValues( first ?? '' )
	);
	await Promise.all( visitors.map( ( visitor ) => visitor.dispose() ) );
} );

test( 'outside working hours the button hides, or shows the we-will-reply-later note', async ( {
	page,
} ) => {
	settings( {
		off_hours: 'hide',
		agents: [ { ...AGENT, hours: WEEK_OFF } ],
	} );
	await page.goto( env.wpUrl + '/' );
	await page.waitForTimeout( 500 );
	await expect( chatButton( page ) ).toHaveCount( 0 );

	settings( {
		off_hours: 'note',
		later_note: 'Siamo fuori ufficio: ti rispondiamo appena possibile.',
		agents: [ { ...AGENT, hours: WEEK_OFF } ],
	} );
	await page.goto( env.wpUrl + '/' );
	await chatButton( page ).click();
	await expect( dialog( page ).getByRole( 'status' ) ).toHaveText(
		'Siamo fuori ufficio: ti rispondiamo appena possibile.'
	);
	await expect(
		dialog( page ).getByRole( 'link', { name: /Giulia/ } )
	).toContainText( 'Away' );

	// Working all day, every day, in the shop's time zone.
	const allDay = Array.from( { length: 7 }, () => [
		{ from: '00:00', to: '24:00' },
	] );
	settings( { off_hours: 'hide', agents: [ { ...AGENT, hours: allDay } ] } );
	await page.goto( env.wpUrl + '/' );
	await chatButton( page ).click();
	await expect(
		dialog( page ).getByRole( 'link', { name: /Giulia/ } )
	).toContainText( 'Online' );
} );

test( "working hours are the shop's, whatever the visitor's time zone", async ( {
	browser,
} ) => {
	const { day, minutes } = JSON.parse( fixture( 'shop-time' ) ) as {
		day: number;
		minutes: number;
	};
	const hhmm = ( m: number ) =>
		`${ String( Math.floor( m / 60 ) ).padStart( 2, '0' ) }:${ String(
			m % 60
		).padStart( 2, '0' ) }`;
	const today = ( from: number, to: number ) =>
		WEEK_OFF.map( ( _none, index ) =>
			index === day ? [ { from: hhmm( from ), to: hhmm( to ) } ] : []
		);
	// A visitor in New Zealand, 11-13 hours ahead of the shop.
	const context = await browser.newContext( {
		timezoneId: 'Pacific/Auckland',
	} );
	const page = await context.newPage();

	// Working now in the shop: shown.
	settings( {
		off_hours: 'hide',
		agents: [
			{
				...AGENT,
				hours: today(
					Math.max( 0, minutes - 30 ),
					Math.min( 1440, minutes + 30 )
				),
			},
		],
	} );
	await page.goto( env.wpUrl + '/' );
	await expect( chatButton( page ) ).toBeVisible();

	// The same hours read on the visitor's clock would match; on the shop's they are over: hidden.
	const visitorMinutes = await page.evaluate(
		() => new Date().getHours() * 60 + new Date().getMinutes()
	);
	const shifted = ( visitorMinutes - minutes + 1440 ) % 1440;
	expect( Math.abs( shifted ) ).toBeGreaterThan( 60 );
	settings( {
		off_hours: 'hide',
		agents: [
			{
				...AGENT,
				hours: WEEK_OFF.map( () => [
					{
						from: hhmm( Math.max( 0, visitorMinutes - 30 ) ),
						to: hhmm( Math.min( 1440, visitorMinutes + 30 ) ),
					},
				] ),
			},
		],
	} );
	await page.goto( env.wpUrl + '/' );
	await page.waitForTimeout( 500 );
	await expect( chatButton( page ) ).toHaveCount( 0 );
	await context.close();
} );

test( 'with consent required WhatsApp does not open before consent; the click is then counted', async ( {
	page,
} ) => {
	settings( {
		consent_required: true,
		consent_text: 'Accetto che il messaggio passi da WhatsApp (Meta).',
	} );
	await page.addInitScript( () => {
		( window as unknown as { dataLayer: unknown[] } ).dataLayer = [];
	} );
	// There is no Internet here: answer for wa.me so the opened tab keeps its address.
	await page
		.context()
		.route( 'https://wa.me/**', ( route ) =>
			route.fulfill( { contentType: 'text/html', body: 'WhatsApp' } )
		);
	const before = Number( fixture( 'clicks' ) );
	await page.goto( env.wpUrl + '/' );
	await chatButton( page ).click();
	const link = dialog( page ).getByRole( 'link', { name: /Giulia/ } );
	await expect( link ).toHaveAttribute( 'aria-disabled', 'true' );

	let popups = 0;
	page.on( 'popup', () => popups++ );
	// Playwright would wait for an aria-disabled link to become enabled: click it as a visitor would anyway.
	await link.click( { force: true } );
	await page.waitForTimeout( 700 );
	expect( popups ).toBe( 0 );
	await expect( dialog( page ).getByRole( 'checkbox' ) ).toBeFocused();

	await dialog( page )
		.getByRole( 'checkbox', { name: /Accetto che il messaggio/ } )
		.check();
	await expect( link ).not.toHaveAttribute( 'aria-disabled', 'true' );
	const popup = page.waitForEvent( 'popup' );
	await link.click();
	expect( ( await popup ).url() ).toContain( 'wa.me/393331234567' );
	expect(
		await page.evaluate( () =>
			JSON.stringify(
				( window as unknown as { dataLayer: unknown[] } ).dataLayer
			)
		)
	).toBe(
		JSON.stringify( [ { event: 'rondine_chat_click', rondine_agent: 0 } ] )
	);
	await expect.poll( () => Number( fixture( 'clicks' ) ) ).toBe( before + 1 );
} );

test( 'hostile settings: a number with letters is refused, markup in texts shows as text', async ( {
	page,
} ) => {
	settings( {} );
	await login( page );
	const nonce = await (
		await page.request.get(
			env.wpUrl + '/wp-admin/admin-ajax.php?action=rest-nonce'
		)
	).text();
	const put = ( data: Record< string, unknown > ) =>
		page.request.put( env.wpUrl + '/wp-json/rondine/v1/chat-button', {
			headers: { 'X-WP-Nonce': nonce },
			data,
		} );

	const refused = await put( {
		agents: [ { ...AGENT, phone: '+39 333 CALL ME' } ],
	} );
	expect( refused.status() ).toBe( 400 );
	const error = await refused.json();
	expect( error.code ).toBe( 'rondine_invalid_chat_button' );
	expect( error.message ).toContain( 'contains letters' );
	// Nothing was saved.
	const current = await (
		await page.request.get( env.wpUrl + '/wp-json/rondine/v1/chat-button', {
			headers: { 'X-WP-Nonce': nonce },
		} )
	).json();
	expect( current.agents[ 0 ].phone ).toBe( '393331234567' );

	const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
	const saved = await put( {
		greeting: hostile,
		cta: hostile,
		agents: [ { ...AGENT, name: hostile } ],
	} );
	expect( saved.status() ).toBe( 200 );

	const visitor = await page.context().browser()!.newPage();
	let alerts = 0;
	visitor.on( 'dialog', async ( alert ) => {
		alerts++;
		await alert.dismiss();
	} );
	await visitor.goto( env.wpUrl + '/' );
	await expect( chatButton( visitor ) ).toHaveText( hostile );
	await chatButton( visitor ).click();
	await expect(
		dialog( visitor ).locator( '.rondine-chat-panel__greeting' )
	).toHaveText( hostile );
	await expect( dialog( visitor ).locator( 'img' ) ).toHaveCount( 0 );
	expect( alerts ).toBe( 0 );
	await visitor.close();
} );

test( 'the settings screen previews the real widget and saves', async ( {
	page,
} ) => {
	settings( {} );
	await login( page );
	await page.goto(
		env.wpUrl + '/wp-admin/admin.php?page=rondine#/chat-button'
	);
	const greeting = page.getByLabel( 'Greeting' );
	await expect( greeting ).toHaveValue( 'Ciao! Come possiamo aiutarti?' );
	await greeting.fill( 'Benvenuto in anteprima' );
	// The preview follows the form after a short pause: open the panel once it shows the new text.
	await expect(
		page.getByTestId( 'rondine-chat-button-preview' )
	).toHaveAttribute( 'srcdoc', /Benvenuto in anteprima/ );

	const preview = page.frameLocator(
		'[data-testid="rondine-chat-button-preview"]'
	);
	await preview.locator( '.rondine-chat-button' ).click();
	await expect( preview.getByRole( 'dialog' ) ).toContainText(
		'Benvenuto in anteprima'
	);

	await page.getByRole( 'button', { name: 'Save' } ).click();
	await expect(
		page.locator( '.components-snackbar' ).getByText( 'Chat button saved.' )
	).toBeVisible();
	const visitor = await page.context().browser()!.newPage();
	await visitor.goto( env.wpUrl + '/' );
	await chatButton( visitor ).click();
	await expect( dialog( visitor ) ).toContainText( 'Benvenuto in anteprima' );
	await page.screenshot( {
		path: 'test-results/chat-button-screen.png',
		fullPage: false,
	} );
	await visitor.close();
} );

test( 'the preview says when visitors do not see the button right now', async ( {
	page,
} ) => {
	settings( {
		off_hours: 'hide',
		agents: [ { ...AGENT, hours: WEEK_OFF } ],
	} );
	await login( page );
	await page.goto(
		env.wpUrl + '/wp-admin/admin.php?page=rondine#/chat-button'
	);
	await expect(
		page
			.locator( '.rondine-chat-settings__preview .components-notice' )
			.filter( { hasText: 'visitors do not see it at the moment' } )
	).toBeVisible();
	await page.getByLabel( 'Available at any time' ).check();
	await expect(
		page
			.locator( '.rondine-chat-settings__preview .components-notice' )
			.filter( { hasText: 'visitors do not see it at the moment' } )
	).toBeHidden();
	await expect(
		page
			.frameLocator( '[data-testid="rondine-chat-button-preview"]' )
			.locator( '.rondine-chat-button' )
	).toBeVisible();
} );

test( "an Author's post cannot give the button a configuration or a panel to run (DOM clobbering) @security", async ( {
	browser,
} ) => {
	settings( {} );
	const EVIL = 'https://evil.test/rondine-panel.js';
	// The author writes through WordPress's own REST API, logged in: kses applies as for any author (no
	// unfiltered_html), and it keeps an id on a <code> element.
	const author = await browser.newContext( { baseURL: env.wpUrl } );
	const writer = await author.newPage();
	await login( writer, env.users.author );
	const nonce = (
		await (
			await author.request.get(
				'/wp-admin/admin-ajax.php?action=rest-nonce'
			)
		).text()
	).trim();
	const home = await ( await author.request.get( '/' ) ).text();
	const real = JSON.parse(
		/<script type="application\/json" id="rondine-chat-config">(.*?)<\/script>/s.exec(
			home
		)![ 1 ]!
	);
	const injected = JSON.stringify( {
		...real,
		panel: EVIL,
		cta: 'Injected',
	} ).replace( /</g, '\\u003c' );
	const created = await author.request.post( '/wp-json/wp/v2/posts', {
		headers: { 'X-WP-Nonce': nonce },
		data: {
			title: 'Novità della settimana',
			status: 'publish',
			content: `<p>Ciao a tutti!</p><code id="rondine-chat-config">${ injected }</code>`,
		},
	} );
	expect( created.status(), await created.text() ).toBe( 201 );
	const post = ( await created.json() ) as { id: number; link: string };
	try {
		for ( const who of [ 'visitor', 'administrator' ] as const ) {
			const context = await browser.newContext( { baseURL: env.wpUrl } );
			const page = await context.newPage();
			if ( who === 'administrator' ) {
				await login( page );
			}
			const evilRequests: string[] = [];
			page.on( 'request', ( request ) => {
				if ( request.url().startsWith( 'https://evil.test/' ) ) {
					evilRequests.push( request.url() );
				}
			} );
			// Were it imported, this is what it would run.
			await context.route( 'https://evil.test/**', ( route ) =>
				route.fulfill( {
					status: 200,
					contentType: 'text/javascript',
					headers: { 'Access-Control-Allow-Origin': '*' },
					body: 'window.rondineInjected = true; export function mount() { return { toggle() {} }; }',
				} )
			);
			await page.goto( post.link );
			// The author's element is on the page, before the plugin's own configuration.
			await expect(
				page.locator( 'code#rondine-chat-config' )
			).toHaveCount( 1 );
			await expect( chatButton( page ) ).toHaveAccessibleName(
				'Scrivici'
			);
			await chatButton( page ).hover();
			await chatButton( page ).click();
			// The plugin's panel opened: the import happened, and it was the plugin's.
			await expect( dialog( page ) ).toBeVisible();
			expect(
				await page.evaluate(
					() =>
						( window as unknown as { rondineInjected?: boolean } )
							.rondineInjected
				),
				who
			).toBeUndefined();
			expect( evilRequests, who ).toEqual( [] );
			await context.close();
		}
	} finally {
		await author.request.delete( `/wp-json/wp/v2/posts/${ post.id }`, {
			headers: { 'X-WP-Nonce': nonce },
			params: { force: 'true' },
		} );
		await author.close();
	}
} );
