/**
 * docs/screenshots/<screen>.<en|it>.png: every screen of the admin app as an administrator sees it, in English and
 * in Italian (the administrator's own wp-admin language, switched for the Italian set and put back after).
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { loadEnv } from '../lib/env';
import { sql as sqlRows } from '../lib/sql';
import { login } from '../lib/login';

const env = loadEnv() as ReturnType< typeof loadEnv > & {
	database?: { name: string; user: string; password: string };
};
const OUT = fileURLToPath(
	new URL( '../../docs/screenshots/', import.meta.url )
);

/** One statement on the stack's database. */
function query( statement: string ): string {
	return sqlRows( statement )
		.map( ( row ) => row.join( '\t' ) )
		.join( '\n' );
}

/** The administrator's wp-admin language ('' for the site's). */
function setLocale( locale: string ) {
	const id = env.users.admin.id;
	query(
		`DELETE FROM wp_usermeta WHERE user_id = ${ id } AND meta_key = 'locale'; ` +
			`INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (${ id }, 'locale', '${ locale }')`
	);
}

/** Screen name, route, what shows that it has rendered. */
type Shot = [ string, string, ( page: Page ) => Promise< void > ];

const screen = ( slug: string ) => async ( page: Page ) => {
	const root = page.getByTestId( `rondine-screen-${ slug }` );
	await expect( root ).toBeVisible();
	await expect( root.locator( '.components-spinner' ) ).toHaveCount( 0, {
		timeout: 30_000,
	} );
};

async function campaignForStats( page: Page ): Promise< string > {
	const api = apiIn( page );
	const list = await api( '/rondine/v1/campaigns' );
	const campaigns = ( list.body.campaigns ?? list.body ) as Array< {
		id: string;
		name: string;
	} >;
	const existing = Array.isArray( campaigns )
		? campaigns.find( ( c ) => c.name === 'Black Friday' )
		: undefined;
	if ( existing ) {
		return existing.id;
	}
	const segments = ( await api( '/rondine/v1/segments' ) )
		.body as unknown as Array< {
		id: number;
	} >;
	let segment = Array.isArray( segments ) ? segments[ 0 ]?.id : undefined;
	if ( ! segment ) {
		segment = (
			await api( '/rondine/v1/segments', 'POST', {
				name: 'Italia',
				definition: {
					match: 'all',
					groups: [
						{
							match: 'all',
							filters: [
								{
									field: 'billing_country',
									op: 'in',
									value: [ 'IT' ],
								},
							],
						},
					],
				},
			} )
		).body.id as number;
	}
	const created = await api( '/rondine/v1/campaigns', 'POST', {
		name: 'Black Friday',
		audience: { segments: [ segment ], lists: [] },
		template: { name: 'hello_world', language: 'en_US', components: [] },
		start_at: new Date( Date.now() + 60_000 ).toISOString(),
		options: {},
	} );
	expect( created.ok, JSON.stringify( created.body ) ).toBe( true );
	const id = String(
		( created.body.campaign as { id: string } | undefined )?.id ??
			created.body.id
	);
	await api( `/rondine/v1/campaigns/${ id }/schedule`, 'POST', {} );
	return id;
}

for ( const language of [ 'en', 'it' ] as const ) {
	test( `every screen in ${ language === 'en' ? 'English' : 'Italian' }`, async ( {
		page,
	} ) => {
		setLocale( language === 'it' ? 'it_IT' : '' );
		try {
			await login( page );
			// wp.apiFetch is there once the admin app is.
			await page.goto( '/wp-admin/admin.php?page=rondine#/dashboard' );
			await screen( 'dashboard' )( page );
			const stats = await campaignForStats( page );
			// A contact of the demo shop with a name, for the contact page.
			const contacts = (
				await apiIn( page )(
					'/rondine/v1/contacts?per_page=20&consent=granted'
				)
			).body as unknown as Array< { id: number; last_name?: string } >;
			const contact =
				contacts.find( ( c ) => c.last_name ) ?? contacts[ 0 ];
			const shots: Shot[] = [
				[ 'dashboard', 'dashboard', screen( 'dashboard' ) ],
				[ 'campaigns', 'campaigns', screen( 'campaigns' ) ],
				[ 'campaign-editor', 'campaigns/new', screen( 'campaigns' ) ],
				[
					'campaign-stats',
					`campaigns/${ stats }/stats`,
					screen( 'campaigns' ),
				],
				[
					'audience-segments',
					'audience/segments',
					screen( 'audience' ),
				],
				[
					'segment-editor',
					'audience/segments/new',
					screen( 'audience' ),
				],
				[ 'audience-lists', 'audience/lists', screen( 'audience' ) ],
				[
					'audience-contacts',
					'audience/contacts',
					screen( 'audience' ),
				],
				[
					'contact',
					`audience/contacts/${ contact?.id ?? 1 }`,
					screen( 'audience' ),
				],
				[ 'audience-tags', 'audience/tags', screen( 'audience' ) ],
				[ 'automations', 'automations', screen( 'automations' ) ],
				[
					'automation-editor',
					'automations/new?starter=keyword',
					screen( 'automations' ),
				],
				[ 'templates', 'templates', screen( 'templates' ) ],
				[ 'chat-button', 'chat-button', screen( 'chat-button' ) ],
				[ 'settings', 'settings', screen( 'settings' ) ],
			];
			for ( const [ name, hash, ready ] of shots ) {
				await page.goto( 'about:blank' );
				await page.goto(
					`/wp-admin/admin.php?page=rondine#/${ hash }`
				);
				await ready( page );
				await expect(
					page.locator( '#wpbody .components-spinner' )
				).toHaveCount( 0, { timeout: 30_000 } );
				// Transitions and the chat button preview's first render settle.
				await page.evaluate(
					() =>
						new Promise( ( resolve ) =>
							requestAnimationFrame( () =>
								setTimeout( resolve, 600 )
							)
						)
				);
				await page.screenshot( {
					path: `${ OUT }${ name }.${ language }.png`,
				} );
				expect(
					existsSync( `${ OUT }${ name }.${ language }.png` )
				).toBe( true );
			}
		} finally {
			setLocale( '' );
		}
	} );
}
