/**
 * Internal dependencies
 */
import type { Config } from '../types';

type Tracker = ( ...args: unknown[] ) => void;
interface AnalyticsWindow {
	dataLayer?: unknown[];
	gtag?: Tracker;
	fbq?: Tracker;
}

/**
 * Reports a click on an agent: to Google Tag Manager / GA4 and the Facebook Pixel when the page has them, and to the
 * plugin's click counter. Only the agent's position is sent: never the agent's name, the phone number or the message
 * (those go nowhere but to WhatsApp).
 *
 * @param config The widget configuration.
 * @param index  The agent's position in the settings.
 */
export function trackClick( config: Config, index: number ) {
	const win = window as unknown as AnalyticsWindow;
	if ( Array.isArray( win.dataLayer ) ) {
		win.dataLayer.push( {
			event: 'rondine_chat_click',
			rondine_agent: index,
		} );
	}
	if ( typeof win.gtag === 'function' ) {
		win.gtag( 'event', 'rondine_chat_click', {
			rondine_agent: index,
		} );
	}
	if ( typeof win.fbq === 'function' ) {
		win.fbq( 'track', 'Contact', { content_name: 'rondine_chat' } );
	}
	if ( config.beacon ) {
		navigator.sendBeacon?.(
			config.beacon,
			new URLSearchParams( { agent: String( index ) } )
		);
	}
}
