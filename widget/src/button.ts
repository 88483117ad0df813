/**
 * The first stage of the chat button: inlined in the page by the plugin, it reads the inlined configuration and
 * shows the button when the show rules allow. It makes no network request: the chat panel is imported only when the
 * visitor shows intent (hover, focus, touch or click).
 */

/**
 * Internal dependencies
 */
import css from './button.css?inline';
import { panelUrl } from './panel-url';
import type { Config, DayHours, PanelApi } from './types';

/**
 * The weekday (0 = Sunday) and the minutes after midnight now in the shop's time zone, from the UTC offsets the
 * plugin worked out (so daylight saving time is right): much cheaper than an Intl.DateTimeFormat with a time zone,
 * which costs 15-50 ms of main thread on its first use in a page.
 *
 * @param offsets `[ from (Unix seconds), minutes east of UTC ]`, oldest first.
 */
function shopTime( offsets: Config[ 'offsets' ] ): [ number, number ] {
	const now = Date.now();
	let minutes = 0;
	for ( const [ from, offset ] of offsets ) {
		if ( now >= from * 1e3 ) {
			minutes = offset;
		}
	}
	const shop = new Date( now + minutes * 6e4 );
	return [ shop.getUTCDay(), shop.getUTCHours() * 60 + shop.getUTCMinutes() ];
}

function working(
	hours: DayHours[] | null,
	[ day, minutes ]: [ number, number ]
) {
	return (
		! hours ||
		!! hours[ day ]?.some(
			( [ from, to ] ) => from <= minutes && minutes < to
		)
	);
}

function start( config: Config ) {
	const win = window;
	const doc = document;
	// A panel that is not the plugin's own is never imported: then there is no button at all.
	const url = panelUrl( config.panel, import.meta.url );
	if ( ! url ) {
		return;
	}
	const mobile = win.matchMedia( '(max-width: 767px)' ).matches;
	if ( config.device === ( mobile ? 'desktop' : 'mobile' ) ) {
		return;
	}
	// Without WooCommerce's own data, a product page is one that carries Product structured data.
	if (
		config.productOnly &&
		! config.product &&
		! [
			...doc.querySelectorAll( 'script[type="application/ld+json"]' ),
		].some( ( script ) =>
			/"@type"\s*:\s*"Product"/.test( script.textContent || '' )
		)
	) {
		return;
	}
	const now = shopTime( config.offsets );
	const online = config.agents.map( ( agent ) =>
		working( agent.hours, now )
	);
	if ( ! online.includes( true ) && config.offHours === 'hide' ) {
		return;
	}

	let panel: Promise< PanelApi | void > | undefined;
	const root = doc.createElement( 'div' );
	root.className =
		'rondine-chat' + ( config.position === 'left' ? ' is-left' : '' );
	root.style.cssText = `--rondine-color:${ config.color };--rondine-text:${ config.textColor }`;
	// Only constant markup goes through innerHTML: texts from the settings go in through textContent and attributes.
	root.innerHTML =
		`<style>${ css }</style><button class="rondine-chat-button" type="button" aria-haspopup="dialog" aria-expanded="false">` +
		'<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><path d="M16 3a13 13 0 0 0-11 20l-2 6 6.4-1.8A13 13 0 1 0 16 3zm-4.6 6.6c.5 0 .8.4 1 1l1 2.3c.2.5-.7 1.4-1 1.9 1.2 2.4 2.9 3.9 5 4.8.5-.4 1.2-1.6 1.8-1.4l2.4 1.2c.6.3.5 1.5-.4 2.3-2 1.8-5.4.4-8.2-2.6-2.6-2.8-3.3-5.6-1.8-7.1.4-.4.8-.4 1.2-.4z"/></svg><span></span></button>';
	const button = root.lastChild as HTMLButtonElement;
	button.setAttribute( 'aria-label', config.cta || config.i18n.open );
	button.lastChild!.textContent = config.cta;

	let failures = 0;
	const load = () =>
		( panel ||= import(
			/* @vite-ignore */ url + ( failures ? '&retry=' + failures : '' )
		).then(
			( module ) => module.mount( { config, online, root, button } ),
			() => {
				// Offline for a moment: the next hover, focus or click tries again, with a new URL because
				// browsers remember a failed module URL for the life of the page. (The panel URL has ?ver=.)
				failures++;
				panel = undefined;
			}
		) );
	for ( const intent of [ 'pointerenter', 'focus', 'touchstart' ] ) {
		button.addEventListener( intent, load, { passive: true } );
	}
	button.onclick = () => load().then( ( api ) => api?.toggle() );

	const due = Date.now() + config.delay * 1e3;
	const show = () => {
		if ( Date.now() < due ) {
			return setTimeout( show, due - Date.now() );
		}
		// Layout is read only for a scroll rule. A page too short to scroll meets any scroll-depth rule.
		const scrollable =
			config.scroll && doc.documentElement.scrollHeight - win.innerHeight;
		if (
			scrollable > 0 &&
			( win.scrollY * 100 ) / scrollable < config.scroll
		) {
			return win.addEventListener( 'scroll', show, {
				once: true,
				passive: true,
			} );
		}
		doc.body.append( root );
	};
	show();
}

// Only the plugin's own element: a post's markup can carry any element with this id (kses keeps ids), but no script.
const data = document.querySelector(
	'script[type="application/json"]#rondine-chat-config'
);
if ( data ) {
	start( JSON.parse( data.textContent! ) );
}
