/**
 * Every route of rondine/v1, for every role: an administrator gets through everywhere; a shop manager everywhere but
 * where customer data goes (the bridge connection, the WhatsApp credentials, the full contact export: 403); an
 * editor, a customer and a visitor get 403 and change nothing. The route list comes from the REST index, so a new
 * route cannot be forgotten. The screens follow: a shop manager does not see what the API refuses.
 */

/**
 * External dependencies
 */
import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
} from '@playwright/test';
import { execFileSync } from 'node:child_process';

/**
 * Internal dependencies
 */
import { loadEnv, type EnvUser } from '../lib/env';
import { login } from '../lib/login';

const env = loadEnv() as ReturnType< typeof loadEnv > & {
	database?: { name: string; user: string; password: string };
};

interface Arg {
	type?: string | string[];
	required?: boolean;
	pattern?: string;
	minLength?: number;
	minimum?: number;
	enum?: unknown[];
	format?: string;
}

interface Endpoint {
	methods: string[];
	args?: Record< string, Arg > | unknown[];
}

/** Routes that are not for logged-in users by design, and what everyone gets there. */
const NOT_FOR_USERS: Record< string, string > = {
	// WordPress's own namespace index.
	'/rondine/v1': 'public index',
	// Called by the bridge only, with an HMAC signature: 401 for any user.
	'/rondine/v1/bridge/audience': 'signed',
	'/rondine/v1/bridge/opt-outs': 'signed',
	'/rondine/v1/bridge/contact-actions': 'signed',
	'/rondine/v1/bridge/date-contacts': 'signed',
	// The storefront's click beacon: visitors call it (counted, rate-limited, no data returned).
	'/rondine/v1/chat-button/click': 'public beacon',
};

/** Administrators only (`manage_options`): where customer data goes. Method and route. */
const ADMIN_ONLY = [
	[ 'GET', '/rondine/v1/contacts/export' ],
	[ 'DELETE', '/rondine/v1/settings/connection' ],
	[ 'PUT', '/rondine/v1/whatsapp' ],
	[ 'POST', '/rondine/v1/whatsapp/check' ],
] as const;

/** A request that changes where data goes, and is harmless for an administrator (refused by validation: 400). */
const ADMIN_WRITES = [
	[ 'POST', '/rondine/v1/settings', { connection_code: 'rondine_x' } ],
	[
		'PUT',
		'/rondine/v1/whatsapp',
		{
			phone_number_id: 'not-digits',
			waba_id: '1',
			access_token: 'EAAG-test-token-0000',
			app_secret: 'secret-0000',
		},
	],
] as const;

const isAdminOnly = ( method: string, route: string ) =>
	ADMIN_ONLY.some( ( [ m, r ] ) => m === method && r === route );

/** A concrete path for a route pattern: a uuid or 1 for ids, the first alternative for an enumerated part. */
function concrete( route: string ): string {
	return route
		.replace(
			/\(\?P<id>\[0-9a-fA-F-\]\{36\}\)/g,
			'00000000-0000-4000-8000-000000000000'
		)
		.replace( /\(\?P<id>\\d\+\)/g, '1' )
		.replace( /\(\?P<\w+>([\w-]+)(?:\|[\w|-]+)?\)/g, '$1' );
}

/**
 * A body that passes the route's argument validation, so that the permission check (which WordPress runs after it)
 * is what answers.
 */
function validBody(
	endpoint: Endpoint,
	route: string
): Record< string, unknown > {
	const body: Record< string, unknown > = {};
	if ( ! endpoint.args || Array.isArray( endpoint.args ) ) {
		return body;
	}
	for ( const [ name, arg ] of Object.entries( endpoint.args ) ) {
		if ( ! arg.required || route.includes( `<${ name }>` ) ) {
			continue;
		}
		const type = Array.isArray( arg.type ) ? arg.type[ 0 ] : arg.type;
		if ( arg.enum ) {
			body[ name ] = arg.enum[ 0 ];
		} else if ( type === 'integer' || type === 'number' ) {
			body[ name ] = arg.minimum ?? 1;
		} else if ( type === 'array' ) {
			body[ name ] = [ 1 ];
		} else if ( type === 'object' ) {
			body[ name ] = { match: 'all', groups: [] };
		} else if ( type === 'boolean' ) {
			body[ name ] = false;
		} else if ( arg.pattern?.includes( '0-9' ) ) {
			body[ name ] = '1234567890';
		} else {
			body[ name ] = 'x'.repeat( Math.max( 1, arg.minLength ?? 1 ) );
		}
	}
	return body;
}

/**
 * Routes that must be in the index (and so are checked below), with the methods they must offer: a route that went
 * missing from the index would otherwise silently leave this spec.
 */
const EXPECTED: Record< string, string[] > = {
	'/rondine/v1/audience/products': [ 'GET' ],
	'/rondine/v1/audience/categories': [ 'GET' ],
	'/rondine/v1/tags': [ 'GET', 'POST' ],
	'/rondine/v1/tags/(?P<id>\\d+)': [ 'PUT', 'DELETE' ],
};

async function routes( request: APIRequestContext ) {
	const response = await request.get( '/wp-json/rondine/v1' );
	expect( response.ok() ).toBe( true );
	const index = ( await response.json() ) as {
		routes: Record< string, { endpoints: Endpoint[] } >;
	};
	for ( const [ route, methods ] of Object.entries( EXPECTED ) ) {
		const offered = ( index.routes[ route ]?.endpoints ?? [] ).flatMap(
			( endpoint ) => endpoint.methods
		);
		expect( offered, route ).toEqual( expect.arrayContaining( methods ) );
	}
	return Object.entries( index.routes ).filter(
		( [ route ] ) => ! ( route in NOT_FOR_USERS )
	);
}

/** A request context logged in as `user` (cookie + REST nonce), or a visitor's when `user` is null. */
async function as( browser: Browser, user: EnvUser | null ) {
	const context = await browser.newContext( { baseURL: env.wpUrl } );
	let nonce = '';
	if ( user ) {
		const page = await context.newPage();
		await login( page, user );
		const answer = await context.request.get(
			'/wp-admin/admin-ajax.php?action=rest-nonce'
		);
		nonce = ( await answer.text() ).trim();
		expect( nonce ).toMatch( /^[0-9a-f]{10}$/ );
		await page.close();
	}
	const call = ( method: string, path: string, data?: unknown ) =>
		context.request.fetch( `/wp-json${ path }`, {
			method,
			headers: nonce ? { 'X-WP-Nonce': nonce } : {},
			...( data === undefined ? {} : { data } ),
		} );
	return { context, call };
}

function count( table: string ): number {
	return Number( query( `SELECT COUNT(*) FROM wp_${ table }` ) );
}

/** One value from the test site's database. */
function query( sql: string ): string {
	const database = env.database ?? {
		name: 'wordpress',
		user: 'root',
		password: '',
	};
	return execFileSync(
		'mariadb',
		[
			'--no-defaults',
			`--socket=${ env.mysqlSocket }`,
			`--user=${ database.user }`,
			...( database.password
				? [ `--password=${ database.password }` ]
				: [] ),
			'--batch',
			'--skip-column-names',
			database.name,
			'-e',
			sql,
		],
		{ encoding: 'utf8' }
	).trim();
}

test.describe( 'rondine/v1 permissions', () => {
	for ( const role of [ 'admin', 'manager' ] as const ) {
		test( `${ role === 'admin' ? 'an administrator' : 'a shop manager' } gets through every readable route`, async ( {
			browser,
			request,
		} ) => {
			const { context, call } = await as( browser, env.users[ role ] );
			const checked: string[] = [];
			const readable = ( await routes( request ) ).filter(
				( [ , { endpoints } ] ) =>
					endpoints.some( ( e ) => e.methods.includes( 'GET' ) )
			);
			for ( const [ route ] of readable ) {
				const response = await call( 'GET', concrete( route ) );
				// Refused (401/403) exactly where a shop manager may not go.
				expect
					.soft(
						[ 401, 403 ].includes( response.status() ),
						`${ role } GET ${ route }: ${ response.status() }`
					)
					.toBe( role === 'manager' && isAdminOnly( 'GET', route ) );
				checked.push( route );
			}
			expect( checked.length ).toBeGreaterThan( 10 );
			// A write that changes nothing visible: the settings, saved as they are.
			const settings = await (
				await call( 'GET', '/rondine/v1/settings' )
			).json();
			const saved = await call( 'POST', '/rondine/v1/settings', {
				consent_text: settings.consent_text,
			} );
			expect( saved.status() ).toBe( 200 );
			await context.close();
		} );
	}

	test( 'only an administrator changes where customer data goes @security', async ( {
		browser,
	} ) => {
		const connection = () =>
			query(
				"SELECT HEX(option_value) FROM wp_options WHERE option_name = 'rondine_bridge'"
			);
		const before = connection();
		const autoload = query(
			"SELECT autoload FROM wp_options WHERE option_name = 'rondine_bridge'"
		);
		expect( before, 'the test site is connected' ).not.toBe( '' );
		const manager = await as( browser, env.users.manager );
		for ( const [ method, route, data ] of [
			...ADMIN_WRITES,
			[ 'DELETE', '/rondine/v1/settings/connection', undefined ] as const,
			[ 'GET', '/rondine/v1/contacts/export', undefined ] as const,
		] ) {
			const response = await manager.call( method, route, data );
			expect
				.soft(
					response.status(),
					`manager ${ method } ${ route }: ${ await response.text() }`
				)
				.toBe( 403 );
		}
		// A shop manager still saves the shop's own settings.
		const settings = await (
			await manager.call( 'GET', '/rondine/v1/settings' )
		).json();
		expect(
			(
				await manager.call( 'POST', '/rondine/v1/settings', {
					consent_text: settings.consent_text,
				} )
			).status()
		).toBe( 200 );
		await manager.context.close();
		expect( connection() ).toBe( before );

		const admin = await as( browser, env.users.admin );
		for ( const [ method, route, data ] of ADMIN_WRITES ) {
			const response = await admin.call( method, route, data );
			expect
				.soft( response.status(), `admin ${ method } ${ route }` )
				.toBe( 400 );
		}
		const exported = await admin.call(
			'GET',
			'/rondine/v1/contacts/export'
		);
		expect( exported.status() ).toBe( 200 );
		expect( exported.headers()[ 'content-type' ] ).toContain( 'text/csv' );
		expect( connection() ).toBe( before );
		// Disconnecting really disconnects; the connection is then put back as it was.
		try {
			const disconnected = await admin.call(
				'DELETE',
				'/rondine/v1/settings/connection'
			);
			expect( disconnected.status() ).toBe( 200 );
			expect( ( await disconnected.json() ).connection.connected ).toBe(
				false
			);
		} finally {
			query(
				"DELETE FROM wp_options WHERE option_name = 'rondine_bridge'; " +
					`INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('rondine_bridge', UNHEX('${ before }'), '${ autoload }')`
			);
		}
		expect(
			(
				await (
					await admin.call( 'GET', '/rondine/v1/settings' )
				).json()
			).connection.connected
		).toBe( true );
		await admin.context.close();
	} );

	test( 'screens: a shop manager does not see the connection, credentials or export; an administrator does @security', async ( {
		browser,
	} ) => {
		for ( const role of [ 'admin', 'manager' ] as const ) {
			const context = await browser.newContext( { baseURL: env.wpUrl } );
			const page = await context.newPage();
			await login( page, env.users[ role ] );
			await page.goto( '/wp-admin/admin.php?page=rondine#/settings' );
			await expect(
				page.getByTestId( 'rondine-settings' )
			).toBeVisible();
			await expect(
				page.getByTestId( 'rondine-connection-state' )
			).toBeVisible();
			const admin = role === 'admin';
			await expect(
				page.getByRole( 'button', { name: 'Connect', exact: true } )
			).toHaveCount( admin ? 1 : 0 );
			await expect(
				page.getByRole( 'button', { name: 'Save credentials' } )
			).toHaveCount( admin ? 1 : 0 );
			await expect(
				page
					.locator( '.components-notice' )
					.filter( { hasText: 'Only an administrator can connect' } )
			).toHaveCount( admin ? 0 : 1 );
			await page.goto(
				'/wp-admin/admin.php?page=rondine#/audience/contacts'
			);
			await expect(
				page.getByTestId( 'rondine-contacts' )
			).toBeVisible();
			await expect(
				page.getByRole( 'button', { name: 'Export CSV' } )
			).toHaveCount( admin ? 1 : 0 );
			await context.close();
		}
		for ( const role of [ 'editor', 'customer' ] as const ) {
			const context = await browser.newContext( { baseURL: env.wpUrl } );
			const page = await context.newPage();
			await login( page, env.users[ role ] );
			const response = await page.goto(
				'/wp-admin/admin.php?page=rondine#/settings'
			);
			expect( response?.status(), role ).toBe( 403 );
			await expect( page.getByTestId( 'rondine-settings' ) ).toHaveCount(
				0
			);
			await context.close();
		}
		const visitor = await browser.newContext( { baseURL: env.wpUrl } );
		const page = await visitor.newPage();
		await page.goto( '/wp-admin/admin.php?page=rondine#/settings' );
		await expect( page ).toHaveURL( /wp-login\.php/ );
		await visitor.close();
	} );

	for ( const role of [ 'editor', 'customer', null ] as const ) {
		test( `${ role ?? 'a visitor' } gets 403 on every route and method, and nothing changes`, async ( {
			browser,
			request,
		} ) => {
			const before = [
				'rondine_segments',
				'rondine_lists',
				'rondine_tags',
				'rondine_contacts',
			].map( count );
			const tagNames = query(
				'SELECT GROUP_CONCAT(name ORDER BY id) FROM wp_rondine_tags'
			);
			const { context, call } = await as(
				browser,
				role ? env.users[ role ] : null
			);
			let checked = 0;
			for ( const [ route, { endpoints } ] of await routes( request ) ) {
				for ( const endpoint of endpoints ) {
					for ( const method of endpoint.methods ) {
						const response = await call(
							method,
							concrete( route ),
							method === 'GET'
								? undefined
								: validBody( endpoint, route )
						);
						expect
							.soft(
								response.status(),
								`${ role ?? 'visitor' } ${ method } ${ route }: ${ await response.text() }`
							)
							.toBe( 403 );
						checked++;
					}
				}
			}
			expect( checked ).toBeGreaterThan( 30 );
			expect(
				[
					'rondine_segments',
					'rondine_lists',
					'rondine_tags',
					'rondine_contacts',
				].map( count )
			).toEqual( before );
			// PUT /tags/{id} renames: the count alone would not see it.
			expect(
				query(
					'SELECT GROUP_CONCAT(name ORDER BY id) FROM wp_rondine_tags'
				)
			).toBe( tagNames );
			await context.close();
		} );
	}

	test( 'the routes for the bridge refuse every user without a signature', async ( {
		browser,
	} ) => {
		for ( const role of [ 'admin', 'editor', null ] as const ) {
			const { context, call } = await as(
				browser,
				role ? env.users[ role ] : null
			);
			for ( const route of [
				'/rondine/v1/bridge/audience',
				'/rondine/v1/bridge/opt-outs',
				'/rondine/v1/bridge/contact-actions',
				'/rondine/v1/bridge/date-contacts',
			] ) {
				const response = await call( 'POST', route, {} );
				expect(
					response.status(),
					`${ role ?? 'visitor' } ${ route }`
				).toBe( 401 );
			}
			await context.close();
		}
	} );
} );
