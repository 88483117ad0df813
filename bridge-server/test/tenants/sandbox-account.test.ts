/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box.js';
import { AccountResolver } from '../../src/tenants/accounts.js';
import type { Tenant } from '../../src/storage/schema.js';

function resolver( key: Buffer ): AccountResolver {
	return new AccountResolver( new SecretBox( randomBytes( 32 ) ), {
		graphUrl: 'https://graph.facebook.com',
		graphVersion: 'v23.0',
		sandboxGraphUrl: 'http://127.0.0.1:1/sandbox',
		sandboxKey: key,
	} );
}

const tenant = {
	id: '2f8c6a1e-9b7d-4c3e-8a5f-0d1e2c3b4a59',
	access_token: null,
	phone_number_id: null,
	throughput_mps: 80,
	messaging_limit_tier: 'TIER_250',
	quality: 'GREEN',
} as unknown as Tenant;

describe( 'sandbox account of a tenant without Meta credentials', () => {
	it( 'has an access token that cannot be guessed from the tenant id', () => {
		const account = resolver( randomBytes( 32 ) ).forTenant( tenant );
		expect( account.phoneNumberId ).toBe( `sandbox-${ tenant.id }` );
		expect( account.accessToken ).not.toContain( tenant.id );
		expect( account.accessToken ).toMatch( /^sandbox-[0-9a-f]{64}$/ );
	} );

	it( 'derives token and app secret from the bridge key: stable for one key, different for another', () => {
		const key = randomBytes( 32 );
		const first = resolver( key );
		const again = resolver( key );
		const other = resolver( randomBytes( 32 ) );
		expect( again.forTenant( tenant ).accessToken ).toBe(
			first.forTenant( tenant ).accessToken
		);
		expect( other.forTenant( tenant ).accessToken ).not.toBe(
			first.forTenant( tenant ).accessToken
		);
		expect( first.sandboxAppSecret( tenant.id ) ).not.toBe(
			first.sandboxAccessToken( tenant.id )
		);
	} );
} );
