/**
 * The chat button runs only its own configuration and its own panel: a post's markup (DOM clobbering) cannot give it
 * a configuration, and a configuration cannot make it import a module from anywhere else. The prefilled message and
 * the analytics events carry no secrets of the page and no names.
 */

/**
 * External dependencies
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { panelUrl } from '../src/panel-url';
import { chatButton, config, openPanel, visit } from './harness';

const INJECTED = pathToFileURL(
	resolve( import.meta.dirname, 'fixtures/injected-panel.js' )
).href;

const injected = () =>
	( window as unknown as { rondineInjected?: boolean } ).rondineInjected;

afterEach( () => {
	document.body.innerHTML = '';
	delete ( window as unknown as { rondineInjected?: boolean } )
		.rondineInjected;
	history.replaceState( null, '', '/' );
} );

describe( 'chat button configuration @security', () => {
	it( 'ignores an element with its id in the page content (an Author post) and runs only its own panel', async () => {
		// What kses lets an Author publish: any element with an id, before the plugin's own script in the footer.
		const clobber = `<code id="rondine-chat-config">${ JSON.stringify(
			config( { panel: INJECTED, cta: 'Injected' } )
		).replace( /</g, '&lt;' ) }</code>`;
		await visit( config(), { html: `<main>${ clobber }</main>` } );
		expect( chatButton()!.getAttribute( 'aria-label' ) ).toBe(
			'Chat with us'
		);
		chatButton()!.dispatchEvent( new Event( 'pointerenter' ) );
		// The real panel opens: the import has happened, and it was the plugin's.
		await openPanel();
		expect( injected() ).toBeUndefined();
	} );

	it( 'imports only the plugin panel on the origin of its own script', () => {
		const base = 'https://shop.test/wp-content/plugins/rondine/x/';
		const page = 'https://shop.test/shop/?p=1';
		const own =
			'https://shop.test/wp-content/plugins/rondine/build/widget/rondine-chat-panel.js?ver=abc';
		expect( panelUrl( own, page ) ).toBe( own );
		expect( panelUrl( own, base ) ).toBe( own );
		for ( const hostile of [
			'https://evil.test/wp-content/plugins/rondine/build/widget/rondine-chat-panel.js',
			'//evil.test/build/widget/rondine-chat-panel.js',
			'http://shop.test/wp-content/plugins/rondine/build/widget/rondine-chat-panel.js',
			'https://shop.test:8443/wp-content/plugins/rondine/build/widget/rondine-chat-panel.js',
			'https://shop.test/wp-content/uploads/evil.js',
			'https://shop.test/wp-content/uploads/evil.js?/build/widget/rondine-chat-panel.js',
			'https://shop.test/wp-content/uploads/evil.js#/build/widget/rondine-chat-panel.js',
			'https://shop.test/build/widget/rondine-chat-panel.jsx',
			'data:text/javascript,window.pwned=1',
			'javascript:alert(1)',
			'blob:https://shop.test/6f1c2a7e-0d55-4f7e-9a1e-2b8f1c0d9e11',
		] ) {
			expect( panelUrl( hostile, page ), hostile ).toBe( '' );
		}
	} );
} );

describe( 'prefilled message @security', () => {
	it( '{URL} leaves out the query string and the fragment', async () => {
		history.replaceState(
			null,
			'',
			'/checkout/order-received/42/?key=wc_order_SECRETKEY&pay_for_order=true#token'
		);
		await visit( config( { message: 'About {URL}' } ) );
		await openPanel();
		const link = document.querySelector< HTMLAnchorElement >(
			'.rondine-chat-panel__agent'
		)!;
		const text = new URL( link.href ).searchParams.get( 'text' )!;
		expect( text ).toBe(
			`About ${ location.origin }/checkout/order-received/42/`
		);
		expect( link.href ).not.toContain( 'SECRETKEY' );
	} );

	it( '{URL} is the full address when the shop allows it', async () => {
		history.replaceState( null, '', '/shop/?color=red' );
		await visit( config( { message: 'About {URL}', fullUrl: true } ) );
		await openPanel();
		const link = document.querySelector< HTMLAnchorElement >(
			'.rondine-chat-panel__agent'
		)!;
		expect( new URL( link.href ).searchParams.get( 'text' ) ).toBe(
			`About ${ location.origin }/shop/?color=red`
		);
	} );
} );
