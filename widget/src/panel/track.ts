/**
 * Internal dependencies
 */
import type { Agent, Config } from '../types';

type Tracker = ( ...args: unknown[] ) => void;
interface AnalyticsWindow {
	dataLayer?: unknown[];
	gtag?: Tracker;
	fbq?: Tracker;
}

/**
 * Reports a click on an agent: to Google Tag Manager / GA4 and the Facebook Pixel when the page has them, and to the
 * plugin's click counter. The phone number and the message are never sent anywhere but to WhatsApp.
 *
 * @param config The widget configuration.
 * @param agent  The agent clicked.
 * @param index  The agent's position in the settings.
 */
export function trackClick( config: Config, agent: Agent, index: number ) {
	const win = window as unknown as AnalyticsWindow;
	if ( Array.isArray( win.dataLayer ) ) {
		win.dataLayer.push( {
			event: 'rondine_chat_click',
			rondine_agent: agent.name,
		} );
	}
	if ( typeof win.gtag === 'function' ) {
		win.gtag( 'event', 'rondine_chat_click', {
			rondine_agent: agent.name,
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
