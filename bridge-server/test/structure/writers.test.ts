/**
 * One writer each (issue 15, items 2 and 3): campaign counters are written only by src/storage/counters.ts, a
 * campaign's state only by the lifecycle's transition (src/campaigns/lifecycle.ts), and tenants only by src/tenants/
 * (its store.ts). Checked on the source text, so that a new module writing any of them directly fails here; and the
 * transition refuses what its table does not allow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import {
	canTransition,
	transitionCampaign,
} from '../../src/campaigns/lifecycle';
import { openStorage, migrate } from '../../src/storage/database';

const SRC = path.join( __dirname, '..', '..', 'src' );

function sources( dir = SRC ): Array< [ string, string ] > {
	return fs
		.readdirSync( dir, { withFileTypes: true } )
		.flatMap( ( entry ) => {
			const full = path.join( dir, entry.name );
			if ( entry.isDirectory() ) {
				return entry.name === 'migrations' ? [] : sources( full );
			}
			return entry.name.endsWith( '.ts' )
				? [
						[
							path.relative( SRC, full ),
							fs.readFileSync( full, 'utf8' ),
						] as [ string, string ],
					]
				: [];
		} );
}

describe( 'one writer', () => {
	it( 'only storage/counters.ts writes campaign_counters', () => {
		const writers = sources()
			.filter( ( [ , text ] ) =>
				/(updateTable|insertInto)\(\s*'campaign_counters'|(update|insert into)\s+campaign_counters/i.test(
					text
				)
			)
			.map( ( [ file ] ) => file );
		expect( writers ).toEqual( [ path.join( 'storage', 'counters.ts' ) ] );
	} );

	it( "only campaigns/lifecycle.ts writes a campaign's state", () => {
		const writers = sources()
			.filter( ( [ , text ] ) =>
				/updateTable\(\s*'campaigns'\s*\)\s*\.set\(\s*\{[^}]*\bstate:/s.test(
					text
				)
			)
			.map( ( [ file ] ) => file );
		expect( writers ).toEqual( [
			path.join( 'campaigns', 'lifecycle.ts' ),
		] );
	} );

	it( 'only tenants/ writes tenants', () => {
		const writers = sources()
			.filter( ( [ , text ] ) =>
				/(updateTable|insertInto|deleteFrom)\(\s*'tenants'|(update|insert into|delete from)\s+tenants\b/i.test(
					text
				)
			)
			.map( ( [ file ] ) => file )
			.filter( ( file ) => ! file.startsWith( `tenants${ path.sep }` ) );
		expect( writers ).toEqual( [] );
		// The store is the one writer that remains (a regex that matched nothing would pass the check above).
		expect(
			sources()
				.filter( ( [ , text ] ) =>
					/updateTable\(\s*'tenants'/.test( text )
				)
				.map( ( [ file ] ) => file )
		).toContain( path.join( 'tenants', 'store.ts' ) );
	} );

	it( 'the transition refuses a change its table does not allow, and makes only allowed ones', async () => {
		expect( canTransition( 'completed', 'running' ) ).toBe( false );
		expect( canTransition( 'scheduled', 'scheduled' ) ).toBe( true );
		const storage = openStorage( {} );
		await migrate( storage.db );
		await storage.db
			.insertInto( 'tenants' )
			.values( {
				id: 't',
				name: 'T',
				secret: 's',
				site_rest_url: null,
				default_country: null,
				timezone: null,
				phone_number_id: null,
				waba_id: null,
				access_token: null,
				app_secret: null,
				verify_token: null,
				display_phone_number: null,
				throughput_mps: 80,
				messaging_limit_tier: 'TIER_250',
				quality: 'GREEN',
				halted_reason: null,
				webhooks_verified_at: null,
				created_at: 0,
				updated_at: 0,
			} )
			.execute();
		await storage.db
			.insertInto( 'campaigns' )
			.values( {
				tenant_id: 't',
				id: 'c',
				name: 'C',
				audience: '{}',
				template_name: 'x',
				template_language: 'en',
				template_components: '[]',
				start_at: null,
				options: '{}',
				state: 'completed',
				state_reason: null,
				state_message: null,
				audience_done: 1,
				audience_cursor: null,
				snapshot_attempts: 0,
				next_snapshot_at: null,
				source_campaign_id: null,
				created_at: 0,
				updated_at: 0,
				started_at: 0,
				finished_at: 1,
			} )
			.execute();
		await expect(
			transitionCampaign( storage.db, 5, 't', 'c', 'paused', {}, [
				'completed',
			] )
		).rejects.toThrow( /cannot go from completed to paused/ );
		// Allowed from running only: the completed campaign stays as it is.
		expect(
			await transitionCampaign( storage.db, 5, 't', 'c', 'paused', {}, [
				'running',
			] )
		).toBe( false );
		const row = await storage.db
			.selectFrom( 'campaigns' )
			.select( [ 'state', 'finished_at' ] )
			.executeTakeFirstOrThrow();
		expect( row ).toEqual( { state: 'completed', finished_at: 1 } );
		await storage.close();
	} );
} );
