/**
 * SSRF through the site URL a tenant sets: private, loopback, link-local, CGNAT and metadata addresses refused when
 * saved and on every connection (names resolved and checked, DNS rebinding included), redirects not followed,
 * answers capped, the site's answer never reflected to the tenant, https required outside loopback.
 */

/**
 * External dependencies
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SiteClient, SiteError } from '../../src/audience/site-client';
import { systemClock } from '../../src/clock';
import {
	refusedAddress,
	type Resolver,
	type SitePolicy,
} from '../../src/net/site-url';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';

const PUBLIC = '93.184.215.14';

/** A resolver: `*.public.test` are public, `*.private.test` private, `rebind.test` public then loopback. */
function resolver(): Resolver & { calls: number } {
	const resolve = async ( hostname: string ) => {
		resolve.calls += 1;
		if ( hostname.endsWith( '.public.test' ) ) {
			return [ { address: PUBLIC, family: 4 } ];
		}
		if ( hostname === 'ten.private.test' ) {
			return [ { address: '10.0.0.1', family: 4 } ];
		}
		if ( hostname === 'metadata.private.test' ) {
			return [ { address: '169.254.169.254', family: 4 } ];
		}
		if ( hostname === 'six.private.test' ) {
			return [ { address: '::1', family: 6 } ];
		}
		if ( hostname === 'mixed.private.test' ) {
			return [
				{ address: PUBLIC, family: 4 },
				{ address: '127.0.0.1', family: 4 },
			];
		}
		if ( hostname === 'rebind.test' ) {
			// Public when the URL is saved, this machine when the bridge connects.
			return resolve.calls <= 1
				? [ { address: PUBLIC, family: 4 } ]
				: [ { address: '127.0.0.1', family: 4 } ];
		}
		throw Object.assign( new Error( 'not found' ), { code: 'ENOTFOUND' } );
	};
	resolve.calls = 0;
	return resolve;
}

interface Counting {
	server: Server;
	port: number;
	requests: number;
	close: () => Promise< void >;
}

async function countingServer(
	handler: (
		response: import( 'node:http' ).ServerResponse,
		counting: Counting
	) => void
): Promise< Counting > {
	const counting = { requests: 0 } as Counting;
	const server = createServer( ( request, response ) => {
		counting.requests += 1;
		request.resume();
		request.on( 'end', () => handler( response, counting ) );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	counting.server = server;
	counting.port = ( server.address() as AddressInfo ).port;
	counting.close = () =>
		new Promise( ( resolve ) => {
			server.closeAllConnections();
			server.close( () => resolve() );
		} );
	return counting;
}

const target = ( restUrl: string ) => ( {
	siteId: 'site',
	secret: Buffer.alloc( 32, 1 ),
	restUrl,
} );

async function refusal( promise: Promise< unknown > ): Promise< string > {
	try {
		await promise;
	} catch ( error ) {
		expect( error ).toBeInstanceOf( SiteError );
		return ( error as Error ).message;
	}
	throw new Error( 'the call was not refused' );
}

describe( 'addresses the bridge refuses to call', () => {
	const strict = { allowPrivate: false };
	it.each( [
		'127.0.0.1',
		'127.1.2.3',
		'10.0.0.1',
		'172.16.5.4',
		'192.168.1.1',
		'100.64.0.1',
		'100.127.255.254',
		'169.254.169.254',
		'169.254.1.1',
		'0.0.0.0',
		'::',
		'::1',
		'::ffff:127.0.0.1',
		'::ffff:7f00:1',
		'::ffff:169.254.169.254',
		'::ffff:a00:1',
		'fc00::1',
		'fd12:3456::1',
		'fe80::1',
		'fd00:ec2::254',
		'224.0.0.1',
		'255.255.255.255',
	] )( '%s is refused', ( address ) => {
		expect( refusedAddress( address, strict ) ).not.toBeNull();
	} );

	it.each( [ '93.184.215.14', '8.8.8.8', '2606:4700:4700::1111' ] )(
		'%s (public) is allowed',
		( address ) => {
			expect( refusedAddress( address, strict ) ).toBeNull();
		}
	);

	it( 'the private switch opens loopback and private ranges, never link-local or metadata', () => {
		const dev = { allowPrivate: true };
		for ( const address of [ '127.0.0.1', '10.0.0.1', '::1', 'fd12::1' ] ) {
			expect( refusedAddress( address, dev ), address ).toBeNull();
		}
		for ( const address of [
			'169.254.169.254',
			'::ffff:169.254.169.254',
			'fe80::1',
			'0.0.0.0',
			'::',
		] ) {
			expect( refusedAddress( address, dev ), address ).not.toBeNull();
		}
	} );
} );

describe( 'the site client refuses at connection time', () => {
	let server: Counting;
	let redirector: Counting;
	const strict: SitePolicy = { allowPrivate: false, allowHttp: false };

	beforeAll( async () => {
		server = await countingServer( ( response ) => {
			response.setHeader( 'content-type', 'application/json' );
			response.end( '{"recipients":[],"next_cursor":null}' );
		} );
		redirector = await countingServer( ( response ) => {
			response.statusCode = 302;
			response.setHeader(
				'location',
				`http://127.0.0.1:${ server.port }/wp-json/`
			);
			response.end();
		} );
	} );

	afterAll( async () => {
		await server?.close();
		await redirector?.close();
	} );

	it( 'loopback, private, metadata and IPv6 loopback literals: refused, nothing sent', async () => {
		const client = new SiteClient( systemClock, 5_000, { policy: strict } );
		for ( const host of [
			`127.0.0.1:${ server.port }`,
			'10.0.0.1',
			'169.254.169.254',
			`[::1]:${ server.port }`,
			`[::ffff:127.0.0.1]:${ server.port }`,
			'0.0.0.0',
		] ) {
			const message = await refusal(
				client.post( target( `http://${ host }/wp-json/` ), 'x', {} )
			);
			expect( message, host ).toMatch( /not allowed/ );
		}
		await client.close();
		expect( server.requests ).toBe( 0 );
	} );

	it( 'a host name resolving to loopback (localhost) or to a private address: refused, nothing sent', async () => {
		const client = new SiteClient( systemClock, 5_000, {
			policy: { ...strict, resolve: resolver() },
		} );
		for ( const host of [
			'ten.private.test',
			'metadata.private.test',
			'six.private.test',
			'mixed.private.test',
		] ) {
			const message = await refusal(
				client.post(
					target( `https://${ host }:${ server.port }/wp-json/` ),
					'x',
					{}
				)
			);
			expect( message, host ).toMatch( /not allowed/ );
		}
		await client.close();
		const real = new SiteClient( systemClock, 5_000, { policy: strict } );
		for ( const host of [ 'localhost', 'shop.localhost' ] ) {
			const message = await refusal(
				real.post(
					target( `http://${ host }:${ server.port }/wp-json/` ),
					'x',
					{}
				)
			);
			expect( message, host ).toMatch( /not allowed|does not resolve/ );
		}
		await real.close();
		expect( server.requests ).toBe( 0 );
	} );

	it( 'DNS rebinding: a name public when saved and loopback when connecting is refused at connection', async () => {
		const resolve = resolver();
		const policy = { ...strict, allowHttp: true, resolve };
		// Saved while it resolved to a public address ...
		const { checkSiteUrl } = await import( '../../src/net/site-url' );
		await expect(
			checkSiteUrl(
				`http://rebind.test:${ server.port }/wp-json/`,
				policy
			)
		).resolves.toBeInstanceOf( URL );
		// ... then it points to this machine: the connection is refused.
		const client = new SiteClient( systemClock, 5_000, { policy } );
		const message = await refusal(
			client.post(
				target( `http://rebind.test:${ server.port }/wp-json/` ),
				'x',
				{}
			)
		);
		expect( message ).toMatch( /not allowed/ );
		await client.close();
		expect( server.requests ).toBe( 0 );
	} );

	it( 'redirects are not followed (even to a place the policy allows), and the answer is not shown', async () => {
		const client = new SiteClient( systemClock, 5_000, {
			policy: { allowPrivate: true, allowHttp: false },
		} );
		const message = await refusal(
			client.post(
				target( `http://127.0.0.1:${ redirector.port }/wp-json/` ),
				'x',
				{}
			)
		);
		await client.close();
		expect( message ).toMatch( /HTTP 302/ );
		expect( redirector.requests ).toBe( 1 );
		expect( server.requests ).toBe( 0 );
	} );

	it( 'an answer larger than the cap is refused', async () => {
		const big = await countingServer( ( response ) => {
			response.setHeader( 'content-type', 'application/json' );
			response.end(
				JSON.stringify( { padding: 'x'.repeat( 100_000 ) } )
			);
		} );
		const client = new SiteClient( systemClock, 5_000, {
			policy: { allowPrivate: true, allowHttp: false },
			maxBodyBytes: 10_000,
		} );
		try {
			const message = await refusal(
				client.post(
					target( `http://127.0.0.1:${ big.port }/` ),
					'x',
					{}
				)
			);
			expect( message ).toMatch( /larger than 10000 bytes/ );
		} finally {
			await client.close();
			await big.close();
		}
	} );
} );

describe.each( dialects() )( 'site URL saved by a tenant (%s)', ( dialect ) => {
	let store: TestStore;
	let strict: TestBridge;
	let dev: TestBridge;
	let shop: TestTenant;
	let devShop: TestTenant;
	const body = ( restUrl: string ) => ( {
		rest_url: restUrl,
		default_country: 'IT',
		timezone: 'Europe/Rome',
	} );
	const saved = async ( tenant: TestTenant ) =>
		(
			await store.storage.db
				.selectFrom( 'tenants' )
				.select( 'site_rest_url' )
				.where( 'id', '=', tenant.id )
				.executeTakeFirstOrThrow()
		).site_rest_url;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		strict = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				edge: {
					site: {
						allowPrivate: false,
						allowHttp: false,
						resolve: resolver(),
					},
				},
			},
		} );
		dev = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				edge: {
					site: {
						allowPrivate: true,
						allowHttp: false,
						resolve: resolver(),
					},
				},
			},
		} );
		shop = await strict.addTenant();
		devShop = await dev.addTenant();
	} );

	afterAll( async () => {
		await strict?.close();
		await dev?.close();
		await store?.drop();
	} );

	it( 'refuses loopback, private, metadata, IPv6 and names resolving to them (422), and saves nothing', async () => {
		for ( const url of [
			'https://127.0.0.1/wp-json/',
			'https://127.0.0.1:8080/wp-json/',
			'https://10.0.0.1/wp-json/',
			'https://169.254.169.254/latest/meta-data/',
			'https://[::1]/wp-json/',
			'https://[::ffff:127.0.0.1]/wp-json/',
			'https://[fd00::1]/wp-json/',
			'https://100.64.0.1/wp-json/',
			'https://0.0.0.0/wp-json/',
			'https://ten.private.test/wp-json/',
			'https://metadata.private.test/wp-json/',
			'https://six.private.test/wp-json/',
			'https://mixed.private.test/wp-json/',
			'https://nowhere.test/wp-json/',
			'https://user:pass@shop.public.test/wp-json/',
		] ) {
			const response = await strict.call(
				shop,
				'PUT',
				'/v1/site',
				body( url )
			);
			expect( response.statusCode, url ).toBe( 422 );
			expect( response.json().error.code, url ).toBe(
				'invalid_site_url'
			);
		}
		expect( await saved( shop ) ).toBeNull();
		const ok = await strict.call(
			shop,
			'PUT',
			'/v1/site',
			body( 'https://shop.public.test/wp-json/' )
		);
		expect( ok.statusCode ).toBe( 200 );
		expect( await saved( shop ) ).toBe(
			'https://shop.public.test/wp-json/'
		);
	} );

	it( 'refuses http:// outside loopback; with the private switch, http:// only to loopback or private hosts', async () => {
		const refused = await strict.call(
			shop,
			'PUT',
			'/v1/site',
			body( 'http://shop.public.test/wp-json/' )
		);
		expect( refused.statusCode ).toBe( 422 );
		expect( refused.json().error.message ).toMatch( /https/ );
		expect( await saved( shop ) ).toBe(
			'https://shop.public.test/wp-json/'
		);

		expect(
			(
				await dev.call(
					devShop,
					'PUT',
					'/v1/site',
					body( 'http://shop.public.test/wp-json/' )
				)
			).statusCode
		).toBe( 422 );
		expect(
			(
				await dev.call(
					devShop,
					'PUT',
					'/v1/site',
					body( 'http://127.0.0.1:8080/wp-json/' )
				)
			).statusCode
		).toBe( 200 );
		// Link-local and metadata stay refused with the switch.
		expect(
			(
				await dev.call(
					devShop,
					'PUT',
					'/v1/site',
					body( 'http://169.254.169.254/latest/' )
				)
			).statusCode
		).toBe( 422 );
		expect( await saved( devShop ) ).toBe(
			'http://127.0.0.1:8080/wp-json/'
		);
	} );
} );

describe.each( dialects() )(
	'what a failing site answers never reaches the tenant (%s)',
	( dialect ) => {
		let store: TestStore;
		let b: TestBridge;
		let site: Counting;
		const SECRET = 'INTERNAL-ONLY aws_secret_access_key=wJalrXUtnFEMI';

		beforeAll( async () => {
			store = await openTestStore( dialect );
			site = await countingServer( ( response ) => {
				response.statusCode = 500;
				response.setHeader( 'content-type', 'text/plain' );
				response.end( SECRET );
			} );
			b = await startTestBridge( {
				store,
				bridge: { snapshot: { maxAttempts: 1, retryBaseMs: 10 } },
			} );
		} );

		afterAll( async () => {
			await b?.close();
			await site?.close();
			await store?.drop();
		} );

		it( "the campaign fails with the status and a fixed message, not the site's body", async () => {
			const shop = await b.addTenant( {
				siteRestUrl: `http://127.0.0.1:${ site.port }/wp-json/`,
			} );
			await b.call( shop, 'PUT', '/v1/campaigns/leak', {
				name: 'Leak',
				audience: {},
				template: TEMPLATE,
			} );
			await b.call( shop, 'POST', '/v1/campaigns/leak/schedule' );
			await waitFor(
				async () =>
					( await b.call( shop, 'GET', '/v1/campaigns/leak' ) ).json()
						.state === 'failed',
				20_000,
				'the campaign to fail'
			);
			const campaign = (
				await b.call( shop, 'GET', '/v1/campaigns/leak' )
			).json();
			expect( site.requests ).toBeGreaterThan( 0 );
			expect( campaign.state_message ).toMatch( /HTTP 500/ );
			expect( JSON.stringify( campaign ) ).not.toContain( 'INTERNAL' );
			expect( JSON.stringify( campaign ) ).not.toContain( 'wJalr' );
		} );
	}
);
