/**
 * External dependencies
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import {
	computeSignature,
	SIGNATURE_WINDOW_SECONDS,
	signaturesEqual,
} from '../crypto/signing.js';
import type { Database, Tenant } from '../storage/schema.js';
import { findTenant } from '../tenants/store.js';
import { ApiError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRUNE_EVERY_MS = 60_000;

function unauthorized( code: string, message: string ): ApiError {
	return new ApiError( 401, code, message );
}

function header( request: FastifyRequest, name: string ): string | undefined {
	const value = request.headers[ name ];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Checks X-Rondine-Site/Timestamp/Signature (docs/ARCHITECTURE.md "Signing") over the raw body bytes and remembers the
 * signature in `request_signatures`, shared by every bridge process, so a replay is refused even on another process.
 */
export class RequestAuthenticator {
	private lastPrune = 0;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly box: SecretBox,
		private readonly clock: Clock
	) {}

	async authenticate(
		request: FastifyRequest,
		rawBody: Buffer
	): Promise< Tenant > {
		const siteId = header( request, 'x-rondine-site' );
		const timestamp = header( request, 'x-rondine-timestamp' );
		const signature = header( request, 'x-rondine-signature' );
		if ( ! siteId || ! timestamp || ! signature ) {
			throw unauthorized(
				'missing_signature',
				'This request must be signed: X-Rondine-Site, X-Rondine-Timestamp and X-Rondine-Signature are required.'
			);
		}
		if ( ! UUID.test( siteId ) ) {
			throw unauthorized( 'unknown_site', 'Unknown site.' );
		}
		const nowMs = this.clock.now();
		if (
			! /^\d{1,12}$/.test( timestamp ) ||
			Math.abs( nowMs / 1000 - Number( timestamp ) ) >
				SIGNATURE_WINDOW_SECONDS
		) {
			throw unauthorized(
				'stale_timestamp',
				'The request timestamp is more than 5 minutes away from the bridge clock; check the site clock.'
			);
		}
		const tenant = await findTenant( this.db, siteId );
		if ( ! tenant ) {
			throw unauthorized( 'unknown_site', 'Unknown site.' );
		}
		const expected = computeSignature(
			this.box.open( tenant.secret ),
			request.method,
			request.url,
			timestamp,
			rawBody
		);
		if ( ! signaturesEqual( expected, signature ) ) {
			throw unauthorized(
				'bad_signature',
				'The request signature does not match.'
			);
		}
		await this.rememberSignature( expected, tenant.id, nowMs );
		return tenant;
	}

	private async rememberSignature(
		signature: string,
		tenantId: string,
		nowMs: number
	): Promise< void > {
		if ( nowMs - this.lastPrune > PRUNE_EVERY_MS ) {
			this.lastPrune = nowMs;
			await this.db
				.deleteFrom( 'request_signatures' )
				.where(
					'seen_at',
					'<',
					nowMs - 2 * SIGNATURE_WINDOW_SECONDS * 1000
				)
				.execute();
		}
		const inserted = await this.db
			.insertInto( 'request_signatures' )
			.values( { signature, tenant_id: tenantId, seen_at: nowMs } )
			.onConflict( ( oc ) => oc.column( 'signature' ).doNothing() )
			.executeTakeFirst();
		if ( Number( inserted.numInsertedOrUpdatedRows ?? 0 ) !== 1 ) {
			throw unauthorized(
				'replayed_request',
				'This signed request was already received.'
			);
		}
	}
}
