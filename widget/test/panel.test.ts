/**
 * The chat panel: opening and closing, keyboard, the WhatsApp link, consent and click reporting.
 */

/**
 * External dependencies
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Internal dependencies
 */
import {
	chatButton,
	config,
	focused,
	openPanel,
	until,
	visit,
} from './harness';

/** What a WooCommerce product page prints (WC_Structured_Data: an @graph with the product, price specifications). */
const WOOCOMMERCE_PRODUCT_PAGE = `<main>Borsa</main><script type="application/ld+json">${ JSON.stringify(
	{
		'@context': 'https://schema.org/',
		'@graph': [
			{ '@type': 'BreadcrumbList', itemListElement: [] },
			{
				'@type': 'Product',
				'@id': 'https://shop.test/borsa/#product',
				name: 'Borsa in pelle "Firenze"',
				url: 'https://shop.test/borsa/',
				sku: 'BRS-001',
				offers: [
					{
						'@type': 'Offer',
						priceSpecification: [
							{
								'@type': 'UnitPriceSpecification',
								price: '89.90',
								priceCurrency: 'EUR',
								valueAddedTaxIncluded: true,
							},
						],
						availability: 'https://schema.org/InStock',
					},
				],
			},
		],
	}
) }</script>`;

function textOf( href: string ) {
	return new URL( href ).searchParams.get( 'text' );
}

const agentLinks = () => [
	...document.querySelectorAll< HTMLAnchorElement >(
		'.rondine-chat-panel__agent'
	),
];

afterEach( () => {
	document.body.innerHTML = '';
	document.documentElement.lang = '';
	document.title = '';
	delete ( window as { dataLayer?: unknown } ).dataLayer;
	delete ( window as { fbq?: unknown } ).fbq;
	delete ( window as { gtag?: unknown } ).gtag;
	vi.restoreAllMocks();
} );

describe( 'chat panel', () => {
	it( 'opens on click as a labelled dialog, moves focus into it and marks the button expanded', async () => {
		await visit( config() );
		const dialog = await openPanel();
		expect( dialog.getAttribute( 'aria-modal' ) ).toBe( 'true' );
		expect(
			document.getElementById(
				dialog.getAttribute( 'aria-labelledby' )!
			)!.textContent
		).toBe( 'Chat on WhatsApp' );
		expect( chatButton()!.getAttribute( 'aria-expanded' ) ).toBe( 'true' );
		expect( dialog.contains( focused() ) ).toBe( true );
		expect( dialog.textContent ).toContain( 'Ciao! How can we help?' );
	} );

	it( 'closes with Escape and gives focus back to the button', async () => {
		await visit( config() );
		const dialog = await openPanel();
		dialog.dispatchEvent(
			new KeyboardEvent( 'keydown', { key: 'Escape', bubbles: true } )
		);
		await until( () => ! document.querySelector( '[role="dialog"]' ) );
		expect( focused() ).toBe( chatButton() );
		expect( chatButton()!.getAttribute( 'aria-expanded' ) ).toBe( 'false' );
	} );

	it( 'closes with its close button, and the launcher toggles it', async () => {
		await visit( config() );
		let dialog = await openPanel();
		dialog
			.querySelector< HTMLButtonElement >(
				'button[aria-label="Close chat"]'
			)!
			.click();
		await until( () => ! document.querySelector( '[role="dialog"]' ) );
		expect( focused() ).toBe( chatButton() );
		dialog = await openPanel();
		chatButton()!.click();
		await until( () => ! document.querySelector( '[role="dialog"]' ) );
	} );

	it( 'closes when the visitor presses elsewhere on the page, not inside it', async () => {
		await visit( config() );
		const dialog = await openPanel();
		dialog.dispatchEvent( new Event( 'pointerdown', { bubbles: true } ) );
		await new Promise( ( done ) => setTimeout( done, 20 ) );
		expect( document.querySelector( '[role="dialog"]' ) ).not.toBeNull();
		document
			.querySelector( 'main' )!
			.dispatchEvent( new Event( 'pointerdown', { bubbles: true } ) );
		await until( () => ! document.querySelector( '[role="dialog"]' ) );
		expect( chatButton()!.getAttribute( 'aria-expanded' ) ).toBe( 'false' );
	} );

	it( 'keeps Tab and Shift+Tab inside the open panel', async () => {
		await visit( config() );
		const dialog = await openPanel();
		const items = [
			...dialog.querySelectorAll< HTMLElement >( 'a[href],button,input' ),
		];
		const last = items[ items.length - 1 ]!;
		last.focus();
		const forward = new KeyboardEvent( 'keydown', {
			key: 'Tab',
			bubbles: true,
			cancelable: true,
		} );
		last.dispatchEvent( forward );
		expect( forward.defaultPrevented ).toBe( true );
		expect( focused() ).toBe( items[ 0 ] );
		const back = new KeyboardEvent( 'keydown', {
			key: 'Tab',
			shiftKey: true,
			bubbles: true,
			cancelable: true,
		} );
		items[ 0 ]!.dispatchEvent( back );
		expect( back.defaultPrevented ).toBe( true );
		expect( focused() ).toBe( last );
	} );

	it( 'links to wa.me with the number and the message with page variables filled', async () => {
		document.title = 'Contatti – Bottega Demo';
		await visit(
			config( {
				message: 'Hi {SITE}, about {TITLE} ({URL}) {PRODUCT}',
				keyword: '#web',
			} )
		);
		await openPanel();
		const href = agentLinks()[ 0 ]!.href;
		expect( href.startsWith( 'https://wa.me/393331234567?text=' ) ).toBe(
			true
		);
		expect( textOf( href ) ).toBe(
			`#web Hi Bottega Demo, about Contatti – Bottega Demo (${ location.href })`
		);
		expect( agentLinks()[ 0 ]!.target ).toBe( '_blank' );
		expect( agentLinks()[ 0 ]!.rel ).toContain( 'noopener' );
	} );

	it( "fills product name, price and SKU from a WooCommerce product page's structured data", async () => {
		document.documentElement.lang = 'it-IT';
		await visit(
			config( { message: 'Vorrei {PRODUCT} a {PRICE} (cod. {SKU})' } ),
			{
				html: WOOCOMMERCE_PRODUCT_PAGE,
			}
		);
		await openPanel();
		expect( textOf( agentLinks()[ 0 ]!.href ) ).toBe(
			`Vorrei Borsa in pelle "Firenze" a ${ new Intl.NumberFormat(
				'it-IT',
				{
					style: 'currency',
					currency: 'EUR',
				}
			).format( 89.9 ) } (cod. BRS-001)`
		);
	} );

	it( 'prefers the product data WooCommerce gave the plugin', async () => {
		await visit(
			config( {
				message: '{PRODUCT} {PRICE} {SKU}',
				product: { name: 'Cappello', price: '€25,00', sku: 'CAP-9' },
			} ),
			{ html: WOOCOMMERCE_PRODUCT_PAGE }
		);
		await openPanel();
		expect( textOf( agentLinks()[ 0 ]!.href ) ).toBe(
			'Cappello €25,00 CAP-9'
		);
	} );

	it( 'encodes the message correctly in any language', async () => {
		const message = 'مرحبا 你好 Grüß dich & ciao? #1 = 100% 👋🏽\nok';
		await visit( config( { message } ) );
		await openPanel();
		const href = agentLinks()[ 0 ]!.href;
		expect( textOf( href ) ).toBe( message.replace( /[ \t]+/g, ' ' ) );
		expect( href ).toContain( encodeURIComponent( '👋🏽' ) );
		// Nothing in the text part that a URL would read as structure (space, &, #, ?, newline).
		expect( href.split( '?text=' )[ 1 ] ).toMatch(
			/^[A-Za-z0-9%\-_.!~*'()]+$/
		);
	} );

	it( 'lists every agent with role and whether they are working now', async () => {
		const [ giulia ] = config().agents;
		await visit(
			config( {
				agents: [
					giulia!,
					{
						name: 'Marco',
						phone: '4915112345678',
						photo: 'https://shop.test/marco.jpg',
						role: 'Support',
						hours: [ [], [], [], [], [], [], [] ],
					},
				],
			} )
		);
		await openPanel();
		const [ first, second ] = agentLinks();
		expect( first!.href ).toContain( 'wa.me/393331234567' );
		expect( first!.textContent ).toContain( 'Online' );
		expect( second!.href ).toContain( 'wa.me/4915112345678' );
		expect( second!.textContent ).toContain( 'Support' );
		expect( second!.textContent ).toContain( 'Away' );
		expect( second!.querySelector( 'img' )!.getAttribute( 'alt' ) ).toBe(
			''
		);
	} );

	it( "shows the we'll-reply-later note when nobody is working and the setting says so", async () => {
		const [ agent ] = config().agents;
		const closed = { ...agent!, hours: [ [], [], [], [], [], [], [] ] };
		await visit( config( { agents: [ closed ], offHours: 'note' } ) );
		const dialog = await openPanel();
		expect( dialog.querySelector( '[role="status"]' )!.textContent ).toBe(
			'We will reply as soon as we are back.'
		);
	} );

	it( 'does not open WhatsApp before consent, then reports the click without the phone number', async () => {
		const dataLayer: unknown[] = [];
		const fbq = vi.fn();
		const gtag = vi.fn();
		Object.assign( window, { dataLayer, fbq, gtag } );
		const beacon = vi.fn( () => true );
		Object.defineProperty( navigator, 'sendBeacon', {
			configurable: true,
			value: beacon,
		} );
		await visit(
			config( {
				consent: 'I agree that WhatsApp (Meta) processes my messages.',
				beacon: 'https://shop.test/wp-json/rondine/v1/chat-button/click',
			} )
		);
		const dialog = await openPanel();
		const link = agentLinks()[ 0 ]!;
		expect( link.getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		const early = new MouseEvent( 'click', {
			bubbles: true,
			cancelable: true,
		} );
		link.dispatchEvent( early );
		expect( early.defaultPrevented ).toBe( true );
		expect( dataLayer ).toHaveLength( 0 );
		expect( beacon ).not.toHaveBeenCalled();
		const checkbox = dialog.querySelector< HTMLInputElement >(
			'input[type="checkbox"]'
		)!;
		expect( focused() ).toBe( checkbox );

		checkbox.click();
		await until( () => ! link.hasAttribute( 'aria-disabled' ) );
		const allowed = new MouseEvent( 'click', {
			bubbles: true,
			cancelable: true,
		} );
		// jsdom does not navigate; what matters is that the widget lets the link do its job.
		link.dispatchEvent( allowed );
		expect( allowed.defaultPrevented ).toBe( false );
		expect( dataLayer ).toEqual( [
			{ event: 'rondine_chat_click', rondine_agent: 0 },
		] );
		expect( fbq ).toHaveBeenCalledWith( 'track', 'Contact', {
			content_name: 'rondine_chat',
		} );
		expect( gtag ).toHaveBeenCalledWith( 'event', 'rondine_chat_click', {
			rondine_agent: 0,
		} );
		// Neither the phone number nor the agent's name goes to analytics.
		const sent = JSON.stringify( [
			dataLayer,
			fbq.mock.calls,
			gtag.mock.calls,
		] );
		expect( sent ).not.toContain( '3331234567' );
		expect( sent ).not.toContain( 'Giulia' );
		expect( beacon ).toHaveBeenCalledTimes( 1 );
		const [ url, body ] = beacon.mock.calls[ 0 ] as unknown as [
			string,
			URLSearchParams,
		];
		expect( url ).toBe(
			'https://shop.test/wp-json/rondine/v1/chat-button/click'
		);
		expect( body.toString() ).toBe( 'agent=0' );
	} );

	it( 'renders hostile texts in the panel as text', async () => {
		const hostile = '<img src=x onerror="window.pwned=1">';
		await visit(
			config( {
				greeting: hostile,
				consent: hostile,
				agents: [
					{
						name: hostile,
						phone: '393331234567',
						photo: '',
						role: hostile,
						hours: null,
					},
				],
			} )
		);
		const dialog = await openPanel();
		expect( dialog.querySelector( 'img' ) ).toBeNull();
		expect(
			dialog.querySelector( '.rondine-chat-panel__greeting' )!.textContent
		).toBe( hostile );
		expect( ( window as { pwned?: number } ).pwned ).toBeUndefined();
	} );
} );
