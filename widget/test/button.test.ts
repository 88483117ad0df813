/**
 * The initial stage: when the button shows, and that it shows without loading anything.
 */

/**
 * External dependencies
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Internal dependencies
 */
import {
	INITIAL,
	chatButton,
	config,
	nowIn,
	offsetsOf,
	until,
	visit,
} from './harness';

const PRODUCT_JSON_LD =
	'<script type="application/ld+json">{"@context":"https://schema.org/","@type":"Product","name":"Borsa","sku":"B-1","offers":[{"@type":"Offer","priceSpecification":[{"@type":"UnitPriceSpecification","price":"89.00","priceCurrency":"EUR"}]}]}</script>';

/** Hours for every weekday: one range around now (working) or far from now (not working). */
function hours( working: boolean, timeZone = 'Europe/Rome' ) {
	const { minutes } = nowIn( timeZone );
	const elsewhere: [ number, number ] =
		minutes < 720 ? [ 1380, 1440 ] : [ 0, 60 ];
	const range: [ number, number ] = working
		? [ Math.max( 0, minutes - 60 ), Math.min( 1440, minutes + 60 ) ]
		: elsewhere;
	return Array.from( { length: 7 }, () => [ range ] );
}

afterEach( () => {
	vi.useRealTimers();
	document.body.innerHTML = '';
} );

describe( 'chat button', () => {
	it( 'appears only after the configured delay', async () => {
		vi.useFakeTimers( { toFake: [ 'setTimeout', 'Date' ] } );
		await visit( config( { delay: 3 } ) );
		vi.advanceTimersByTime( 2900 );
		expect( chatButton() ).toBeNull();
		vi.advanceTimersByTime( 200 );
		expect( chatButton() ).not.toBeNull();
	} );

	it( 'appears once the visitor scrolled the configured share of the page', async () => {
		Object.defineProperty( document.documentElement, 'scrollHeight', {
			configurable: true,
			value: 3000,
		} );
		Object.defineProperty( window, 'innerHeight', {
			configurable: true,
			value: 1000,
		} );
		try {
			await visit( config( { scroll: 50 } ) );
			expect( chatButton() ).toBeNull();
			window.scrollY = 400;
			window.dispatchEvent( new Event( 'scroll' ) );
			expect( chatButton() ).toBeNull();
			window.scrollY = 1100;
			window.dispatchEvent( new Event( 'scroll' ) );
			expect( chatButton() ).not.toBeNull();
		} finally {
			// @ts-expect-error back to jsdom's own getter
			delete document.documentElement.scrollHeight;
			window.scrollY = 0;
		}
	} );

	it( 'has a name for screen readers and shows the call to action', async () => {
		await visit( config() );
		const button = chatButton()!;
		expect( button.getAttribute( 'aria-label' ) ).toBe( 'Chat with us' );
		expect( button.getAttribute( 'aria-expanded' ) ).toBe( 'false' );
		expect( button.textContent ).toBe( 'Chat with us' );
		await visit( config( { cta: '' } ) );
		expect( chatButton()!.getAttribute( 'aria-label' ) ).toBe(
			'Open chat'
		);
	} );

	it( 'renders hostile texts as text, never as markup', async () => {
		const hostile =
			'<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
		await visit( config( { cta: hostile } ) );
		const button = chatButton()!;
		expect( button.textContent ).toBe( hostile );
		expect( button.getAttribute( 'aria-label' ) ).toBe( hostile );
		expect(
			document.querySelector( '.rondine-chat img, .rondine-chat script' )
		).toBeNull();
	} );

	it( 'sits on the side chosen in the settings, in the chosen colour', async () => {
		await visit( config( { position: 'left', color: '#123456' } ) );
		const root = document.querySelector< HTMLElement >( '.rondine-chat' )!;
		expect( root.classList.contains( 'is-left' ) ).toBe( true );
		expect( root.style.getPropertyValue( '--rondine-color' ) ).toBe(
			'#123456'
		);
	} );

	it( 'loads nothing until the visitor shows intent, then loads the panel once', async () => {
		await visit( config() );
		const root = document.querySelector( '.rondine-chat' )!;
		// Only the button's own style and the button: no panel module asked for.
		expect( root.children ).toHaveLength( 2 );
		const button = chatButton()!;
		button.dispatchEvent( new Event( 'pointerenter' ) );
		button.dispatchEvent( new Event( 'focus' ) );
		await until( () => root.children.length === 4 );
		// The panel is mounted closed: intent alone does not open it.
		expect( document.querySelector( '[role="dialog"]' ) ).toBeNull();
		expect( root.querySelectorAll( 'style' ) ).toHaveLength( 2 );
	} );

	it( 'follows the device rule', async () => {
		await visit( config( { device: 'mobile' } ), { mobile: false } );
		expect( chatButton() ).toBeNull();
		await visit( config( { device: 'mobile' } ), { mobile: true } );
		expect( chatButton() ).not.toBeNull();
		await visit( config( { device: 'desktop' } ), { mobile: true } );
		expect( chatButton() ).toBeNull();
		await visit( config( { device: 'desktop' } ), { mobile: false } );
		expect( chatButton() ).not.toBeNull();
	} );

	it( 'shows on product pages only when asked, recognising them by their Product structured data', async () => {
		await visit( config( { productOnly: true } ) );
		expect( chatButton() ).toBeNull();
		await visit( config( { productOnly: true } ), {
			html: PRODUCT_JSON_LD,
		} );
		expect( chatButton() ).not.toBeNull();
		await visit(
			config( {
				productOnly: true,
				product: { name: 'Borsa', price: '89,00 €', sku: 'B-1' },
			} )
		);
		expect( chatButton() ).not.toBeNull();
	} );

	it( 'hides outside working hours when set to hide', async () => {
		const agent = config().agents[ 0 ]!;
		await visit(
			config( {
				offHours: 'hide',
				agents: [ { ...agent, hours: hours( false ) } ],
			} )
		);
		expect( chatButton() ).toBeNull();
		await visit(
			config( {
				offHours: 'hide',
				agents: [ { ...agent, hours: hours( true ) } ],
			} )
		);
		expect( chatButton() ).not.toBeNull();
		await visit(
			config( {
				offHours: 'note',
				agents: [ { ...agent, hours: hours( false ) } ],
			} )
		);
		expect( chatButton() ).not.toBeNull();
	} );

	it( "reads working hours in the shop's time zone, not the visitor's", async () => {
		const agent = config().agents[ 0 ]!;
		// Working now in Tokyo: the same hours read in Rome would be closed (8 or 7 hours apart).
		await visit(
			config( {
				offsets: offsetsOf( 'Asia/Tokyo' ),
				offHours: 'hide',
				agents: [ { ...agent, hours: hours( true, 'Asia/Tokyo' ) } ],
			} )
		);
		expect( chatButton() ).not.toBeNull();
		await visit(
			config( {
				offsets: offsetsOf( 'Europe/Rome' ),
				offHours: 'hide',
				agents: [ { ...agent, hours: hours( true, 'Asia/Tokyo' ) } ],
			} )
		);
		expect( chatButton() ).toBeNull();
	} );

	it( 'switches to the next UTC offset once a daylight-saving change has passed', async () => {
		const agent = config().agents[ 0 ]!;
		const rome = nowIn( 'Europe/Rome' );
		const [ [ , romeOffset ] ] = offsetsOf( 'Europe/Rome' ) as [
			[ number, number ],
		];
		// Working now in Rome; a change to an offset 6 hours away took place a minute ago, so Rome's hours are over.
		const week = Array.from( { length: 7 }, () => [
			[
				Math.max( 0, rome.minutes - 60 ),
				Math.min( 1440, rome.minutes + 60 ),
			] as [ number, number ],
		] );
		await visit(
			config( {
				offHours: 'hide',
				agents: [ { ...agent, hours: week } ],
				offsets: [
					[ 0, romeOffset ],
					[ Math.floor( Date.now() / 1000 ) - 60, romeOffset + 360 ],
				],
			} )
		);
		expect( chatButton() ).toBeNull();
		await visit(
			config( {
				offHours: 'hide',
				agents: [ { ...agent, hours: week } ],
				offsets: [
					[ 0, romeOffset ],
					[
						Math.floor( Date.now() / 1000 ) + 3600,
						romeOffset + 360,
					],
				],
			} )
		);
		expect( chatButton() ).not.toBeNull();
	} );

	it( 'treats a day without ranges as closed', async () => {
		const agent = config().agents[ 0 ]!;
		const week = hours( true );
		week[ nowIn( 'Europe/Rome' ).day ] = [];
		await visit(
			config( {
				offHours: 'hide',
				agents: [ { ...agent, hours: week } ],
			} )
		);
		expect( chatButton() ).toBeNull();
	} );

	it( 'does nothing on a page without the configuration', async () => {
		document.body.innerHTML = '<main>Shop</main>';
		await import( /* @vite-ignore */ `${ INITIAL }?bare` );
		expect( chatButton() ).toBeNull();
	} );
} );
