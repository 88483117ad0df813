/**
 * A fake REST server at the fetch layer: apiFetch runs for real (root URL,
 * JSON parsing, error normalisation) and only `window.fetch` is replaced.
 */
export interface FakeRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	body: unknown;
}

export type Handler = ( request: FakeRequest ) => {
	status?: number;
	body: unknown;
};

export interface FakeServer {
	requests: FakeRequest[];
	on: ( method: string, path: string, handler: Handler ) => void;
	restore: () => void;
}

function respond( status: number, body: unknown ) {
	const text = JSON.stringify( body );
	return {
		ok: status >= 200 && status < 300,
		status,
		statusText: String( status ),
		headers: new Map( [ [ 'content-type', 'application/json' ] ] ),
		json: async () => JSON.parse( text ),
		text: async () => text,
	};
}

export function fakeServer(): FakeServer {
	const handlers = new Map< string, Handler >();
	const requests: FakeRequest[] = [];
	const original = window.fetch;
	window.fetch = ( async ( input: string, init: RequestInit = {} ) => {
		const url = new URL( String( input ) );
		// apiFetch sends `?rest_route=` or `/wp-json/...` depending on the root; normalise both.
		const path =
			url.searchParams.get( 'rest_route' ) ??
			url.pathname.replace( /^\/wp-json/, '' );
		url.searchParams.delete( 'rest_route' );
		url.searchParams.delete( '_locale' );
		// apiFetch sends PUT and DELETE as POST with an override header, as WordPress expects.
		const headers = ( init.headers ?? {} ) as Record< string, string >;
		const method = (
			headers[ 'X-HTTP-Method-Override' ] ??
			init.method ??
			'GET'
		).toUpperCase();
		let body: unknown = init.body ?? null;
		if ( typeof body === 'string' ) {
			body = JSON.parse( body );
		}
		const request = { method, path, query: url.searchParams, body };
		requests.push( request );
		const handler = handlers.get( `${ method } ${ path }` );
		if ( ! handler ) {
			return respond( 404, {
				code: 'rest_no_route',
				message: `No route for ${ method } ${ path }`,
			} );
		}
		const { status = 200, body: responseBody } = handler( request );
		return respond( status, responseBody );
	} ) as unknown as typeof window.fetch;
	return {
		requests,
		on: ( method, path, handler ) =>
			handlers.set( `${ method.toUpperCase() } ${ path }`, handler ),
		restore: () => {
			window.fetch = original;
		},
	};
}
