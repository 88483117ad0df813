/**
 * Issue 13, defects 1, 3, 5 and 7, on both databases: media-header templates, template faults that a retry cannot fix,
 * retry drafts named as retries, cancelled recipients counted as cancelled, one daily-limit computation for the
 * dispatcher, the forecast and the waiting campaign, and "send a test to my phone".
 */

/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { OffsetClock } from '../../src/clock';
import { MEDIA_RULES, mediaProblem } from '../../src/campaigns/media';
import { STRICT_SITE_POLICY } from '../../src/net/site-url';
import { classifyError } from '../../src/whatsapp/errors';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const IMAGE = 'https://media.bottega-demo.it/uploads/collezione.jpg';

/** nuova_collezione (IMAGE header, one body variable) with its image. */
function collection( header?: Record< string, unknown > ) {
	return {
		name: 'nuova_collezione',
		language: 'it',
		components: [
			...( header ? [ { type: 'header', parameters: [ header ] } ] : [] ),
			{
				type: 'body',
				parameters: [
					{ type: 'text', field: 'first_name', fallback: 'cliente' },
				],
			},
		],
	};
}

const e164 = ( index: number ) =>
	String( contactAt( index ).phone ).replace( /\s/g, '' );

describe( 'media header rules (one table, no fetching)', () => {
	it( "checks Meta's types and sizes, https, public hosts and the extension, under the strict policy", () => {
		const ok = { type: 'image' as const, link: IMAGE };
		expect( mediaProblem( 'image', ok, STRICT_SITE_POLICY ) ).toBeNull();
		expect(
			mediaProblem(
				'image',
				{ ...ok, mime_type: 'image/png', size: 5 * 1024 * 1024 },
				STRICT_SITE_POLICY
			)
		).toBeNull();
		const refused = [
			{ ...ok, link: 'http://media.bottega-demo.it/a.jpg' },
			{ ...ok, link: 'https://127.0.0.1/a.jpg' },
			{ ...ok, link: 'https://169.254.169.254/latest/meta-data' },
			{ ...ok, link: 'https://localhost/a.jpg' },
			{ ...ok, link: 'https://user:pw@media.bottega-demo.it/a.jpg' },
			{ ...ok, link: 'https://media.bottega-demo.it/a.gif' },
			{ ...ok, mime_type: 'image/gif' },
			{ ...ok, size: 5 * 1024 * 1024 + 1 },
			{ type: 'image' as const },
			{ type: 'image' as const, id: 'not-a-number' },
		];
		for ( const media of refused ) {
			expect(
				mediaProblem( 'image', media, STRICT_SITE_POLICY ),
				JSON.stringify( media )
			).not.toBeNull();
		}
		expect(
			mediaProblem(
				'video',
				{
					type: 'video',
					link: 'https://media.bottega-demo.it/v.mp4',
					size: 16 * 1024 * 1024,
				},
				STRICT_SITE_POLICY
			)
		).toBeNull();
		expect(
			mediaProblem(
				'document',
				{
					type: 'document',
					id: '1234567890',
					mime_type: 'application/pdf',
					size: 100 * 1024 * 1024 + 1,
				},
				STRICT_SITE_POLICY
			)
		).toMatch( /100 MB/ );
		expect( MEDIA_RULES.video.types ).toEqual( [
			'video/mp4',
			'video/3gpp',
		] );
	} );

	it( 'classifies every template fault as not retryable, and a number not on WhatsApp as retryable', () => {
		for ( const code of [
			132000, 132001, 132005, 132007, 132012, 132015, 132016,
		] ) {
			expect( classifyError( code ), String( code ) ).toMatchObject( {
				action: 'fail_template',
				retryable: false,
			} );
		}
		expect(
			classifyError( 100, 'template parameter invalid' ).retryable
		).toBe( false );
		expect( classifyError( 131026 ).retryable ).toBe( true );
	} );
} );

describe.each( dialects() )( 'owner campaigns on %s', ( dialect ) => {
	let store: TestStore;
	let t: TestBridge;
	const clock = new OffsetClock();
	const sites: SiteServer[] = [];

	beforeAll( async () => {
		store = await openTestStore( dialect );
		t = await startTestBridge( { store, clock } );
	} );

	afterAll( async () => {
		await t.close();
		await Promise.all( sites.map( ( s ) => s.close() ) );
		await store.drop();
	} );

	async function tenantWithAudience(
		size: number,
		offset: number,
		tier: 'TIER_250' | 'TIER_2K' = 'TIER_2K'
	): Promise< TestTenant > {
		const shop = await t.addTenant( { tier, throughput: 1000 } );
		const site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size,
			contact: ( i ) => contactAt( offset + i ),
		} );
		sites.push( site );
		await store.storage.db
			.updateTable( 'tenants' )
			.set( { site_rest_url: site.restUrl } )
			.where( 'id', '=', shop.id )
			.execute();
		return shop;
	}

	const get = async ( shop: TestTenant, id: string ) =>
		( await t.call( shop, 'GET', `/v1/campaigns/${ id }` ) ).json();

	it( 'refuses an image-header campaign without its image (or with a link Meta would refuse), and sends one with it as Meta expects', async () => {
		const shop = await tenantWithAudience( 20, 0 );
		const without = await t.call( shop, 'PUT', '/v1/campaigns/no-image', {
			name: 'Nuova collezione',
			audience: {},
			template: collection(),
		} );
		expect( without.statusCode ).toBe( 422 );
		expect( without.json().error ).toMatchObject( {
			code: 'template_mapping',
		} );
		expect( without.json().error.message ).toMatch( /image/ );
		for ( const header of [
			{ type: 'image', link: 'http://media.bottega-demo.it/a.jpg' },
			{ type: 'image', link: 'https://169.254.169.254/a.jpg' },
			{ type: 'image', link: IMAGE, mime_type: 'image/webp' },
			{ type: 'image', link: IMAGE, size: 6 * 1024 * 1024 },
			{ type: 'video', link: IMAGE },
		] ) {
			const refused = await t.call(
				shop,
				'PUT',
				'/v1/campaigns/bad-image',
				{
					name: 'Nuova collezione',
					audience: {},
					template: collection( header ),
				}
			);
			expect( refused.statusCode, JSON.stringify( header ) ).toBe( 422 );
		}
		expect(
			( await t.call( shop, 'GET', '/v1/campaigns/bad-image' ) )
				.statusCode
		).toBe( 404 );

		const saved = await t.call( shop, 'PUT', '/v1/campaigns/with-image', {
			name: 'Nuova collezione',
			audience: {},
			template: collection( {
				type: 'image',
				link: IMAGE,
				mime_type: 'image/jpeg',
				size: 180_000,
			} ),
		} );
		expect( saved.statusCode ).toBe( 201 );
		await t.call( shop, 'POST', '/v1/campaigns/with-image/schedule' );
		await waitFor(
			async () =>
				( await get( shop, 'with-image' ) ).state === 'completed',
			60_000,
			'completion'
		);
		const campaign = await get( shop, 'with-image' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 20,
			failed: 0,
		} );
		expect( t.sandbox.receivedSummary( 'with-image:' ).messages ).toBe(
			20
		);
	} );

	it( 'refuses to schedule a campaign whose template it cannot fill; a 132012 failure is not retryable, the stats say why, and retries are named as retries', async () => {
		const shop = await tenantWithAudience( 12, 100 );
		await t.call( shop, 'PUT', '/v1/campaigns/broken', {
			name: 'Collezione',
			audience: {},
			template: collection( { type: 'image', link: IMAGE } ),
		} );
		// The stored mapping loses its header (as a campaign saved before the template had one).
		const stripped = JSON.stringify( collection().components );
		await store.storage.db
			.updateTable( 'campaigns' )
			.set( { template_components: stripped } )
			.where( 'tenant_id', '=', shop.id )
			.where( 'id', '=', 'broken' )
			.execute();
		const refused = await t.call(
			shop,
			'POST',
			'/v1/campaigns/broken/schedule'
		);
		expect( refused.statusCode ).toBe( 422 );
		expect( refused.json().error.code ).toBe( 'template_mapping' );
		expect( ( await get( shop, 'broken' ) ).state ).toBe( 'draft' );

		// Sent anyway (scheduled before the change): the emulator answers 132012 as Meta does.
		await store.storage.db
			.updateTable( 'campaigns' )
			.set( {
				template_components: JSON.stringify(
					collection( { type: 'image', link: IMAGE } ).components
				),
			} )
			.where( 'tenant_id', '=', shop.id )
			.where( 'id', '=', 'broken' )
			.execute();
		await t.call( shop, 'POST', '/v1/campaigns/broken/schedule', {
			start_at: new Date( clock.now() + 3_600_000 ).toISOString(),
		} );
		await store.storage.db
			.updateTable( 'campaigns' )
			.set( { template_components: stripped, start_at: clock.now() } )
			.where( 'tenant_id', '=', shop.id )
			.where( 'id', '=', 'broken' )
			.execute();
		await waitFor(
			async () => {
				const c = await get( shop, 'broken' );
				return (
					c.state === 'failed' && c.counters.automations.failed === 12
				);
			},
			60_000,
			'the campaign fails'
		);
		const failed = await get( shop, 'broken' );
		expect( failed.counters.automations.failed ).toBe( 12 );
		expect( failed.state_message ).toMatch( /132012/ );
		const recipients = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/broken/recipients?state=failed&limit=50'
			)
		).json().recipients;
		expect( recipients ).toHaveLength( 12 );
		for ( const r of recipients ) {
			expect( r.retryable ).toBe( false );
		}
		const stats = (
			await t.call( shop, 'GET', '/v1/campaigns/broken/stats' )
		).json();
		expect( stats.failures ).toEqual( [
			expect.objectContaining( { count: 12, retryable: false } ),
		] );
		expect( stats.failures[ 0 ].reason ).toMatch( /^template_/ );

		const retry = await t.call(
			shop,
			'POST',
			'/v1/campaigns/broken/retry-failed',
			{ id: 'broken-retry-1' }
		);
		expect( retry.statusCode ).toBe( 201 );
		expect( retry.json().name ).toBe( 'Collezione (retry 1)' );
		const second = await t.call(
			shop,
			'POST',
			'/v1/campaigns/broken/retry-failed',
			{ id: 'broken-retry-2', name_format: '%1$s (riprova %2$d)' }
		);
		expect( second.json().name ).toBe( 'Collezione (riprova 2)' );
	} );

	it( 'a campaign waiting for the daily window says so; cancelling counts the rest as cancelled, not failed; the forecast counts phones already reached as free', async () => {
		const shop = await tenantWithAudience( 300, 1_000, 'TIER_250' );
		const startedAt = clock.now();
		await t.call( shop, 'PUT', '/v1/campaigns/patient', {
			name: 'Patient',
			audience: {},
			template: TEMPLATE,
			options: { continue_when_limited: true },
		} );
		await t.call( shop, 'POST', '/v1/campaigns/patient/schedule' );
		await waitFor(
			async () => {
				const c = await get( shop, 'patient' );
				return (
					c.waiting !== null &&
					c.counters.automations.completed === 250
				);
			},
			60_000,
			'waiting for the window'
		);
		const waiting = await get( shop, 'patient' );
		expect( waiting.state ).toBe( 'running' );
		expect( waiting.counters.automations.completed ).toBe( 250 );
		expect( waiting.waiting ).toMatchObject( {
			reason: 'daily_limit',
			recipients: 50,
		} );
		const resumes = Date.parse( waiting.waiting.resumes_at );
		expect( resumes ).toBeGreaterThan( startedAt + 86_400_000 - 1 );
		expect( resumes ).toBeLessThan( clock.now() + 86_400_000 + 1_000 );
		const listed = ( await t.call( shop, 'GET', '/v1/campaigns' ) ).json()
			.campaigns;
		expect( listed[ 0 ].waiting ).toMatchObject( { recipients: 50 } );
		const waitingStats = (
			await t.call( shop, 'GET', '/v1/campaigns/patient/stats' )
		).json();
		expect( waitingStats.waiting ).toMatchObject( { recipients: 50 } );

		// The forecast: 10 phones already reached cost nothing, 5 new ones find the window full.
		const phones = [
			...Array.from( { length: 10 }, ( _, i ) => e164( 1_000 + i ) ),
			...Array.from( { length: 5 }, ( _, i ) => e164( 9_000 + i ) ),
		];
		const now = (
			await t.call( shop, 'POST', '/v1/forecast', { phones } )
		).json();
		expect( now ).toMatchObject( {
			limit: 250,
			recipients: 15,
			already_in_window: 10,
			free: 0,
			fits: 10,
			over: 5,
		} );
		const tomorrow = (
			await t.call( shop, 'POST', '/v1/forecast', {
				phones,
				start_at: new Date(
					clock.now() + 25 * 3_600_000
				).toISOString(),
			} )
		).json();
		expect( tomorrow ).toMatchObject( {
			already_in_window: 0,
			free: 250,
			over: 0,
		} );

		const cancelled = await t.call(
			shop,
			'POST',
			'/v1/campaigns/patient/cancel'
		);
		expect( cancelled.statusCode ).toBe( 200 );
		expect( cancelled.json().counters.automations ).toMatchObject( {
			completed: 250,
			failed: 0,
			cancelled: 50,
			to_start: 0,
		} );
		expect( cancelled.json().waiting ).toBeNull();
		const stats = (
			await t.call( shop, 'GET', '/v1/campaigns/patient/stats' )
		).json();
		expect( stats.progress ).toMatchObject( {
			done: 250,
			cancelled: 50,
			remaining: 0,
		} );
		expect( stats.failures ).toEqual( [] );
		const rows = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/patient/recipients?state=cancelled&limit=100'
			)
		).json().recipients;
		expect( rows ).toHaveLength( 50 );
		const csv = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/patient/recipients?state=cancelled',
				undefined,
				{ accept: 'text/csv' }
			)
		).body;
		expect( csv.trim().split( '\n' ) ).toHaveLength( 51 );
		expect( csv ).toMatch( /cancelled/ );
		expect( t.sandbox.receivedSummary( 'patient:' ).messages ).toBe( 250 );
	} );

	it( "sends a test to the owner's phone outside every campaign, with the same checks as a campaign", async () => {
		const shop = await tenantWithAudience( 1, 5_000 );
		const owner = '+393400000777';
		const missing = await t.call( shop, 'POST', '/v1/test-message', {
			to: owner,
			template: collection(),
		} );
		expect( missing.statusCode ).toBe( 422 );
		expect( missing.json().error.code ).toBe( 'template_mapping' );
		const bad = await t.call( shop, 'POST', '/v1/test-message', {
			to: '3400000777',
			template: TEMPLATE,
		} );
		expect( bad.statusCode ).toBe( 400 );
		expect( t.sandbox.received( owner ).count ).toBe( 0 );

		const sent = await t.call( shop, 'POST', '/v1/test-message', {
			to: owner,
			template: collection( { type: 'image', link: IMAGE } ),
			variables: { first_name: 'Marta' },
		} );
		expect( sent.statusCode ).toBe( 200 );
		expect( sent.json().wamid ).toMatch( /^wamid\./ );
		expect( t.sandbox.received( owner ).count ).toBe( 1 );
		const campaigns = (
			await t.call( shop, 'GET', '/v1/campaigns' )
		).json().campaigns;
		expect( campaigns ).toEqual( [] );
	} );

	it( 'limits test sends to 10 in 10 minutes per shop, counted in the database that every bridge process shares', async () => {
		const shop = await tenantWithAudience( 1, 6_000 );
		const send = ( to: string ) =>
			t.call( shop, 'POST', '/v1/test-message', {
				to,
				template: TEMPLATE,
			} );
		// Nine sent by another bridge process (or before a restart): what it wrote is all this process knows.
		const now = clock.now();
		await store.storage.db
			.insertInto( 'test_sends' )
			.values(
				Array.from( { length: 9 }, ( _, i ) => ( {
					tenant_id: shop.id,
					phone: `+39340000090${ i }`,
					sent_at: now - 60_000,
				} ) )
			)
			.execute();
		expect( ( await send( '+393400000911' ) ).statusCode ).toBe( 200 );
		const refused = await send( '+393400000912' );
		expect( refused.statusCode ).toBe( 429 );
		expect( refused.json().error.code ).toBe( 'too_many_tests' );
		expect( t.sandbox.received( '+393400000912' ).count ).toBe( 0 );
		// Another shop has its own ten.
		const other = await tenantWithAudience( 1, 7_000 );
		expect(
			(
				await t.call( other, 'POST', '/v1/test-message', {
					to: '+393400000913',
					template: TEMPLATE,
				} )
			).statusCode
		).toBe( 200 );
		// Ten minutes later the window has moved on.
		await store.storage.db
			.updateTable( 'test_sends' )
			.set( { sent_at: now - 11 * 60_000 } )
			.where( 'tenant_id', '=', shop.id )
			.execute();
		expect( ( await send( '+393400000912' ) ).statusCode ).toBe( 200 );
	} );
} );
