/**
 * External dependencies
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	buildWebhookApp,
	dialects,
	ManualClock,
	openTestDatabase,
	seedCampaign,
	seedSentRecipients,
	seedTenant,
	signedPost,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from './harness';
import { expectCountersMatchRows } from '../helpers/counters';

const RECIPIENTS = 10_000;
const COPIES = 3;

/** A deterministic generator, so that a failure can be replayed. */
function random( seed: number ): () => number {
	let state = seed % 2 ** 32;
	return () => {
		state = ( state * 1664525 + 1013904223 ) % 2 ** 32;
		return state / 2 ** 32;
	};
}

type Outcome =
	| 'sent'
	| 'delivered'
	| 'read'
	| 'failed'
	| 'failed_after_delivery'
	| 'read_only';

/** The statuses Meta would send for each outcome (before duplication and shuffling). */
const STATUSES: Record< Outcome, string[] > = {
	sent: [ 'sent' ],
	delivered: [ 'sent', 'delivered' ],
	read: [ 'sent', 'delivered', 'read' ],
	failed: [ 'sent', 'failed' ],
	// A stale failure report for a message that was delivered: the delivery wins.
	failed_after_delivery: [ 'sent', 'delivered', 'failed' ],
	// Meta sometimes skips delivered: read implies it.
	read_only: [ 'read' ],
};
const FINAL: Record< Outcome, string > = {
	sent: 'sent',
	delivered: 'delivered',
	read: 'read',
	failed: 'failed',
	failed_after_delivery: 'delivered',
	read_only: 'read',
};
const OUTCOMES = Object.keys( STATUSES ) as Outcome[];

describe.each( dialects() )(
	'chaos: 10k recipients, every status three times, shuffled (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let tenant: SeededTenant;
		const next = random( 20261125 );
		const outcomes: Outcome[] = [];
		let ids: number[] = [];

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			tenant = await seedTenant( database.db, { id: 'chaos' } );
			await seedCampaign( database.db, tenant.id, 'big' );
			const rows = Array.from( { length: RECIPIENTS }, ( _, i ) => ( {
				phone: `+3933${ String( i ).padStart( 8, '0' ) }`,
				wamid: `wamid.chaos.${ i }`,
			} ) );
			ids = await seedSentRecipients(
				database.db,
				tenant.id,
				'big',
				rows
			);
			for ( let i = 0; i < RECIPIENTS; i++ ) {
				outcomes.push(
					OUTCOMES[
						Math.floor( next() * OUTCOMES.length )
					] as Outcome
				);
			}
			app = await buildWebhookApp(
				database.storage,
				new ManualClock( 1_750_000_000_000 )
			);
		}, 120_000 );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'ends with every recipient at its true final status and every counter exact', async () => {
			const statuses: Array< Record< string, unknown > > = [];
			outcomes.forEach( ( outcome, i ) => {
				STATUSES[ outcome ].forEach( ( status, step ) => {
					for ( let copy = 0; copy < COPIES; copy++ ) {
						statuses.push( {
							id: `wamid.chaos.${ i }`,
							status,
							timestamp: String(
								1_750_000_000 + step * 60 + copy
							),
							recipient_id: `3933${ String( i ).padStart( 8, '0' ) }`,
							// Half carry the dispatcher's callback data, half are found by wamid alone.
							...( i % 2 === 0
								? {
										biz_opaque_callback_data: `big:${ ids[ i ] }`,
									}
								: {} ),
							...( status === 'failed'
								? {
										errors: [
											{
												code: 131026,
												title: 'Message undeliverable',
												error_data: { details: 'x' },
											},
										],
									}
								: {} ),
						} );
					}
				} );
			} );
			// Fisher-Yates: read before delivered, late sent, copies far apart.
			for ( let i = statuses.length - 1; i > 0; i-- ) {
				const j = Math.floor( next() * ( i + 1 ) );
				[ statuses[ i ], statuses[ j ] ] = [
					statuses[ j ] as Record< string, unknown >,
					statuses[ i ] as Record< string, unknown >,
				];
			}
			// Requests of 1 to 40 statuses (Meta batches), 64 in flight at a time.
			const bodies: string[] = [];
			for ( let i = 0; i < statuses.length; ) {
				const size = next() < 0.5 ? 1 : 1 + Math.floor( next() * 40 );
				bodies.push(
					statusPayload(
						tenant.phoneNumberId,
						statuses.slice( i, i + size )
					)
				);
				i += size;
			}
			let cursor = 0;
			const failures: number[] = [];
			await Promise.all(
				Array.from( { length: 64 }, async () => {
					while ( cursor < bodies.length ) {
						const body = bodies[ cursor++ ] as string;
						const response = await signedPost(
							app,
							body,
							tenant.appSecret
						);
						if ( response.statusCode !== 200 ) {
							failures.push( response.statusCode );
						}
					}
				} )
			);
			expect( failures ).toEqual( [] );

			const rows = await database.db
				.selectFrom( 'messages' )
				.select( [
					'id',
					'message_status',
					'error_code',
					'error_reason',
					'retryable',
					'delivered_at',
					'read_at',
				] )
				.orderBy( 'id' )
				.execute();
			const wrong = rows.filter(
				( row, i ) =>
					row.message_status !== FINAL[ outcomes[ i ] as Outcome ]
			);
			expect( wrong.slice( 0, 5 ) ).toEqual( [] );
			rows.forEach( ( row, i ) => {
				if ( FINAL[ outcomes[ i ] as Outcome ] === 'failed' ) {
					expect( row ).toMatchObject( {
						error_code: 131026,
						error_reason: 'not_on_whatsapp',
						retryable: 1,
					} );
				} else {
					expect( row.error_code ).toBeNull();
				}
				if ( row.message_status === 'read' ) {
					expect( row.delivered_at ).not.toBeNull();
				}
			} );

			const count = ( finals: string[] ) =>
				outcomes.filter( ( outcome ) =>
					finals.includes( FINAL[ outcome ] )
				).length;
			const counters = await database.db
				.selectFrom( 'campaign_counters' )
				.selectAll()
				.where( 'campaign_id', '=', 'big' )
				.executeTakeFirstOrThrow();
			expect( counters ).toMatchObject( {
				completed: RECIPIENTS,
				messages_sent: count( [ 'sent', 'delivered', 'read' ] ),
				messages_delivered: count( [ 'delivered', 'read' ] ),
				messages_read: count( [ 'read' ] ),
				messages_failed: count( [ 'failed' ] ),
			} );
			// Every counter equals the COUNT of the rows it summarises.
			await expectCountersMatchRows(
				database.storage.db,
				tenant.id,
				'big'
			);
			// Every outcome was exercised.
			for ( const outcome of OUTCOMES ) {
				expect(
					outcomes.filter( ( o ) => o === outcome ).length
				).toBeGreaterThan( 1000 );
			}
		}, 300_000 );
	}
);
