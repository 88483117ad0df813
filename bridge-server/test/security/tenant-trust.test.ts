/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { migrate, openStorage, type Storage } from '../../src/storage/database';
import type { DialectName } from '../../src/storage/dialect';
import { migrationProvider } from '../../src/storage/migrations/index';
import { webhooksPlugin } from '../../src/webhooks/index';
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';

/** A database migrated only up to (and including) `last`, dropped afterwards. */
async function storageAt(
	dialect: DialectName,
	last: string
): Promise< { storage: Storage; drop: () => Promise< void > } > {
	let storage: Storage;
	let drop: () => Promise< void >;
	if ( dialect === 'sqlite' ) {
		storage = openStorage( {} );
		drop = () => storage.close();
	} else {
		const adminUrl = process.env.RONDINE_TEST_PG_URL as string;
		const name = `rondine_trust_${ randomBytes( 6 ).toString( 'hex' ) }`;
		const admin = new pg.Client( { connectionString: adminUrl } );
		await admin.connect();
		await admin.query( `CREATE DATABASE ${ name }` );
		await admin.end();
		const url = new URL( adminUrl );
		url.pathname = `/${ name }`;
		storage = openStorage( { databaseUrl: url.toString(), poolSize: 2 } );
		drop = async () => {
			await storage.close();
			const cleanup = new pg.Client( { connectionString: adminUrl } );
			await cleanup.connect();
			await cleanup.query(
				`DROP DATABASE IF EXISTS ${ name } WITH (FORCE)`
			);
			await cleanup.end();
		};
	}
	const { error } = await new Migrator( {
		db: storage.db,
		provider: migrationProvider,
	} ).migrateTo( last );
	if ( error ) {
		throw error;
	}
	return { storage, drop };
}

describe.each( dialects() )( 'tenants trust their number (%s)', ( dialect ) => {
	let store: TestStore;
	let t: TestBridge;
	let shop: TestTenant;
	let intruder: TestTenant;
	const key = randomBytes( 32 );
	const box = new SecretBox( key );
	const appSecret = 'shop-app-secret-0123456789';

	beforeAll( async () => {
		store = await openTestStore( dialect );
		t = await startTestBridge( {
			store,
			key,
			engine: false,
			bridge: {
				webhooksPlugin,
				webhooksOptions: { reportOptOuts: false },
			},
		} );
		shop = await t.addTenant( { name: 'Owner' } );
		intruder = await t.addTenant( { name: 'Intruder' } );
		// The owner's number, configured earlier (as PUT /v1/whatsapp leaves it).
		await store.storage.db
			.updateTable( 'tenants' )
			.set( {
				phone_number_id: '1098765432',
				waba_id: '2098765432',
				access_token: box.seal( 'EAAG-owner-token' ),
				app_secret: box.seal( appSecret ),
			} )
			.where( 'id', '=', shop.id )
			.execute();
	} );

	afterAll( async () => {
		await t?.close();
		await store?.drop();
	} );

	it( 'a phone number id already used by another tenant: 409 with a clear message, nothing saved @security', async () => {
		const before = await store.storage.db
			.selectFrom( 'tenants' )
			.selectAll()
			.where( 'id', '=', intruder.id )
			.executeTakeFirstOrThrow();
		const response = await t.call( intruder, 'PUT', '/v1/whatsapp', {
			phone_number_id: '1098765432',
			waba_id: '2098765432',
			access_token: 'EAAG-intruder-token',
			app_secret: 'intruder-secret-0123',
		} );
		expect( response.statusCode ).toBe( 409 );
		expect( response.json().error.code ).toBe( 'phone_number_id_taken' );
		expect( response.json().error.message ).toMatch(
			/already connected to another shop/
		);
		expect(
			await store.storage.db
				.selectFrom( 'tenants' )
				.selectAll()
				.where( 'id', '=', intruder.id )
				.executeTakeFirstOrThrow()
		).toEqual( before );
		// The database refuses it too, whatever path writes it.
		await expect(
			store.storage.db
				.updateTable( 'tenants' )
				.set( { phone_number_id: '1098765432' } )
				.where( 'id', '=', intruder.id )
				.execute()
		).rejects.toThrow();
	} );

	it( "webhooks are unverified until a delivery signed with the tenant's app secret arrives @security", async () => {
		const status = async () =>
			( await t.call( shop, 'GET', '/v1/status' ) ).json().whatsapp;
		expect( ( await status() ).webhooks_verified ).toBe( false );
		const body = JSON.stringify( {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '2098765432',
					changes: [
						{
							field: 'messages',
							value: {
								metadata: { phone_number_id: '1098765432' },
								statuses: [],
							},
						},
					],
				},
			],
		} );
		const post = ( secret: string ) =>
			t.bridge.app.inject( {
				method: 'POST',
				url: '/v1/webhooks/whatsapp',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': signWebhook( secret, body ),
				},
				payload: body,
			} );
		// Signed with another secret (say, the intruder's): refused, and the tenant stays unverified.
		expect( ( await post( 'intruder-secret-0123' ) ).statusCode ).toBe(
			401
		);
		expect( ( await status() ).webhooks_verified ).toBe( false );
		expect( ( await post( appSecret ) ).statusCode ).toBe( 200 );
		expect( ( await status() ).webhooks_verified ).toBe( true );
		// The owner's deliveries verify the owner only, never the intruder.
		expect(
			( await t.call( intruder, 'GET', '/v1/status' ) ).json().whatsapp
				.webhooks_verified
		).toBe( false );
	} );

	it( 'upgrading a database where two tenants share a number: the first keeps it, the other is halted without credentials @security', async () => {
		const { storage, drop } = await storageAt(
			dialect,
			'0102-recipients-by-phone'
		);
		try {
			const row = ( id: string, updatedAt: number ) => ( {
				id,
				name: id,
				secret: 'v1.x.y.z',
				phone_number_id: '555000111',
				waba_id: '666',
				access_token: 'sealed-token',
				app_secret: 'sealed-secret',
				throughput_mps: 80,
				messaging_limit_tier: 'TIER_250' as const,
				quality: 'GREEN',
				created_at: 1,
				updated_at: updatedAt,
			} );
			await storage.db
				.insertInto( 'tenants' )
				.values( [ row( 'second', 20 ), row( 'first', 10 ) ] )
				.execute();
			await migrate( storage.db );
			const rows = await storage.db
				.selectFrom( 'tenants' )
				.select( [
					'id',
					'phone_number_id',
					'access_token',
					'app_secret',
					'halted_reason',
				] )
				.orderBy( 'id' )
				.execute();
			expect( rows ).toEqual( [
				{
					id: 'first',
					phone_number_id: '555000111',
					access_token: 'sealed-token',
					app_secret: 'sealed-secret',
					halted_reason: null,
				},
				{
					id: 'second',
					phone_number_id: null,
					access_token: null,
					app_secret: null,
					halted_reason: expect.stringMatching(
						/^duplicate_phone_number_id: /
					),
				},
			] );
		} finally {
			await drop();
		}
	} );
} );
