/**
 * Runs the MINIFIED build, as the plugin ships it, in jsdom: `npm run build -w widget` first.
 */

/**
 * External dependencies
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Internal dependencies
 */
import type { Config } from '../src/types';

const build = resolve( import.meta.dirname, '../../plugin/build/widget' ) + '/';
export const INITIAL = build + 'rondine-chat.js';
let visits = 0;
export const PANEL_URL =
	pathToFileURL( build + 'rondine-chat-panel.js' ).href + '?ver=test';

export function config( overrides: Partial< Config > = {} ): Config {
	return {
		agents: [
			{
				name: 'Giulia',
				phone: '393331234567',
				photo: '',
				role: 'Sales',
				hours: null,
			},
		],
		greeting: 'Ciao! How can we help?',
		cta: 'Chat with us',
		message: 'Hello {SITE}',
		keyword: '',
		position: 'right',
		color: '#25d366',
		textColor: '#1e1e1e',
		delay: 0,
		scroll: 0,
		device: 'all',
		productOnly: false,
		offHours: 'note',
		laterNote: 'We will reply as soon as we are back.',
		consent: '',
		offsets: offsetsOf( 'Europe/Rome' ),
		site: 'Bottega Demo',
		product: null,
		panel: PANEL_URL,
		beacon: '',
		i18n: {
			open: 'Open chat',
			close: 'Close chat',
			title: 'Chat on WhatsApp',
			online: 'Online',
			away: 'Away',
		},
		...overrides,
	};
}

let mobile = false;
window.matchMedia = ( query: string ) =>
	( { matches: query.includes( 'max-width' ) && mobile } ) as MediaQueryList;

/**
 * Puts a page together (its own markup plus the inlined configuration) and runs the initial script on it.
 *
 * @param settings    The configuration.
 * @param page        The page.
 * @param page.html   Its own markup.
 * @param page.mobile Whether the screen is phone-sized.
 */
export async function visit(
	settings: Config,
	page: { html?: string; mobile?: boolean } = {}
) {
	mobile = !! page.mobile;
	document.body.innerHTML =
		( page.html ?? '<main>Shop</main>' ) +
		'<script type="application/json" id="rondine-chat-config"></script>';
	document.querySelector( 'script#rondine-chat-config' )!.textContent =
		JSON.stringify( settings );
	// A new module instance per visit, as each page load runs the script again.
	await import( /* @vite-ignore */ `${ INITIAL }?visit=${ ++visits }` );
}

/** The focused element (through a node's document, as the shared lint rule wants). */
export const focused = () => document.body.ownerDocument.activeElement;

export const chatButton = () =>
	document.querySelector< HTMLButtonElement >( '.rondine-chat-button' );

export async function until< T >(
	probe: () => T | null | undefined,
	ms = 2000
): Promise< T > {
	const end = Date.now() + ms;
	for (;;) {
		const value = probe();
		if ( value ) {
			return value;
		}
		if ( Date.now() > end ) {
			throw new Error( 'timed out waiting' );
		}
		await new Promise( ( done ) => setTimeout( done, 5 ) );
	}
}

export async function openPanel() {
	chatButton()!.click();
	return until( () =>
		document.querySelector< HTMLElement >( '[role="dialog"]' )
	);
}

/**
 * The UTC offset now of a time zone, as the plugin gives it, worked out independently with Intl.
 *
 * @param timeZone IANA name.
 */
export function offsetsOf( timeZone: string ): Array< [ number, number ] > {
	const name = new Intl.DateTimeFormat( 'en-US', {
		timeZone,
		timeZoneName: 'longOffset',
	} )
		.formatToParts( new Date() )
		.find( ( part ) => part.type === 'timeZoneName' )!.value;
	const [ , sign = '+', hours = '0', minutes = '0' ] =
		/GMT([+-])(\d\d):(\d\d)/.exec( name ) ?? [];
	return [
		[
			0,
			( sign === '-' ? -1 : 1 ) *
				( Number( hours ) * 60 + Number( minutes ) ),
		],
	];
}

/**
 * Minutes after midnight and weekday now in a time zone, worked out independently of the widget's code.
 *
 * @param timeZone IANA name.
 */
export function nowIn( timeZone: string ) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat( 'en-GB', {
			timeZone,
			weekday: 'long',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
		} )
			.formatToParts( new Date() )
			.map( ( part ) => [ part.type, part.value ] )
	);
	const day = [
		'Sunday',
		'Monday',
		'Tuesday',
		'Wednesday',
		'Thursday',
		'Friday',
		'Saturday',
	].indexOf( parts.weekday! );
	return { day, minutes: Number( parts.hour ) * 60 + Number( parts.minute ) };
}
