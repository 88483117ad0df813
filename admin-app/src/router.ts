/**
 * WordPress dependencies
 */
import { useEffect, useState } from '@wordpress/element';

/**
 * Screens are addressed by the URL hash (`#/campaigns/abc/stats`) so that
 * each one can be bookmarked and shared, and the browser's back button works,
 * without WordPress having to know about our routes.
 */
export interface Route {
	/** First path segment: dashboard, campaigns, automations, audience, templates, chat-button, settings. */
	screen: string;
	/** The remaining path segments. */
	path: string[];
	/** Query arguments after `?` in the hash. */
	query: Record< string, string >;
}

export function parseHash( hash: string ): Route {
	const [ pathPart = '', queryPart = '' ] = hash
		.replace( /^#\/?/, '' )
		.split( '?' );
	const segments = pathPart
		.split( '/' )
		.filter( Boolean )
		.map( ( segment ) => decodeURIComponent( segment ) );
	const query: Record< string, string > = {};
	new URLSearchParams( queryPart ).forEach( ( value, key ) => {
		query[ key ] = value;
	} );
	return {
		screen: segments[ 0 ] ?? 'dashboard',
		path: segments.slice( 1 ),
		query,
	};
}

export function buildHash(
	segments: Array< string | number >,
	query: Record< string, string | number | undefined > = {}
): string {
	const path = segments
		.map( ( segment ) => encodeURIComponent( String( segment ) ) )
		.join( '/' );
	const search = new URLSearchParams();
	for ( const [ key, value ] of Object.entries( query ) ) {
		if ( value !== undefined && value !== '' ) {
			search.set( key, String( value ) );
		}
	}
	const queryString = search.toString();
	return `#/${ path }${ queryString ? `?${ queryString }` : '' }`;
}

export function navigate(
	segments: Array< string | number >,
	query?: Record< string, string | number | undefined >
) {
	window.location.hash = buildHash( segments, query );
}

export function useRoute(): Route {
	const [ route, setRoute ] = useState( () =>
		parseHash( window.location.hash )
	);
	useEffect( () => {
		const onChange = () => setRoute( parseHash( window.location.hash ) );
		window.addEventListener( 'hashchange', onChange );
		return () => window.removeEventListener( 'hashchange', onChange );
	}, [] );
	return route;
}
