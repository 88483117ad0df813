/**
 * The tenants store (src/tenants/store.ts, issue 15 item 3): the writes the dispatcher's halt and the account webhooks
 * will make through it, on the database and inside a transaction, on both databases.
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box.js';
import {
	createTenant,
	findTenant,
	haltTenant,
	markWebhooksVerified,
	setTenantLimits,
	setTenantSite,
	updateTenantAccount,
} from '../../src/tenants/store.js';
import type { Tenant } from '../../src/storage/schema.js';
import { dialects, openTestStore, type TestStore } from '../helpers/database';

describe.each( dialects() )( 'the tenants store on %s', ( dialect ) => {
	let store: TestStore;
	let a: Tenant;
	let b: Tenant;
	const box = new SecretBox( randomBytes( 32 ) );

	beforeAll( async () => {
		store = await openTestStore( dialect );
		a = ( await createTenant( store.storage.db, box, 'A', 1_000 ) ).tenant;
		b = ( await createTenant( store.storage.db, box, 'B', 1_000 ) ).tenant;
	} );

	afterAll( async () => {
		await store.drop();
	} );

	const read = async ( id: string ) =>
		( await findTenant( store.storage.db, id ) ) as Tenant;

	it( 'halts one tenant inside a transaction, and only once it commits', async () => {
		await expect(
			store.storage.db.transaction().execute( async ( trx ) => {
				await haltTenant( trx, a.id, 'token_expired (190): x', 2_000 );
				throw new Error( 'rolled back' );
			} )
		).rejects.toThrow( 'rolled back' );
		expect( ( await read( a.id ) ).halted_reason ).toBeNull();
		await store.storage.db.transaction().execute( async ( trx ) => {
			await haltTenant( trx, a.id, 'token_expired (190): x', 2_000 );
		} );
		expect( await read( a.id ) ).toMatchObject( {
			halted_reason: 'token_expired (190): x',
			updated_at: 2_000,
		} );
		expect( ( await read( b.id ) ).halted_reason ).toBeNull();
	} );

	it( 'marks webhooks verified the first time only, and does nothing for no tenants', async () => {
		await markWebhooksVerified( store.storage.db, [], 3_000 );
		expect( ( await read( a.id ) ).webhooks_verified_at ).toBeNull();
		await markWebhooksVerified( store.storage.db, [ a.id ], 3_000 );
		await markWebhooksVerified( store.storage.db, [ a.id, b.id ], 4_000 );
		expect( ( await read( a.id ) ).webhooks_verified_at ).toBe( 3_000 );
		expect( ( await read( b.id ) ).webhooks_verified_at ).toBe( 4_000 );
	} );

	it( "updates the account's tier, throughput and quality with only what is set", async () => {
		await updateTenantAccount( store.storage.db, b.id, {
			quality: 'RED',
			updated_at: 5_000,
		} );
		expect( await read( b.id ) ).toMatchObject( {
			quality: 'RED',
			messaging_limit_tier: 'TIER_250',
			throughput_mps: 80,
			updated_at: 5_000,
		} );
		await store.storage.db.transaction().execute( async ( trx ) => {
			await updateTenantAccount( trx, b.id, {
				messaging_limit_tier: 'TIER_2K',
				throughput_mps: 1000,
				updated_at: 6_000,
			} );
		} );
		expect( await read( b.id ) ).toMatchObject( {
			quality: 'RED',
			messaging_limit_tier: 'TIER_2K',
			throughput_mps: 1000,
			updated_at: 6_000,
		} );
	} );

	it( 'sets the limits and the site, and says when the tenant does not exist', async () => {
		expect(
			await setTenantLimits(
				store.storage.db,
				a.id,
				{ throughput_mps: 20 },
				7_000
			)
		).toBe( true );
		expect(
			await setTenantLimits(
				store.storage.db,
				'no-such-tenant',
				{ throughput_mps: 20 },
				7_000
			)
		).toBe( false );
		await setTenantSite(
			store.storage.db,
			a.id,
			{
				site_rest_url: 'https://shop.example/wp-json/',
				default_country: 'IT',
				timezone: 'Europe/Rome',
			},
			8_000
		);
		expect( await read( a.id ) ).toMatchObject( {
			throughput_mps: 20,
			messaging_limit_tier: 'TIER_250',
			site_rest_url: 'https://shop.example/wp-json/',
			default_country: 'IT',
			timezone: 'Europe/Rome',
			updated_at: 8_000,
		} );
	} );
} );
