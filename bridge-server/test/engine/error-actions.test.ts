/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { OffsetClock } from '../../src/clock';
import { AdaptiveRate } from '../../src/dispatch/rate';
import { ERROR_TABLE } from '../../src/whatsapp/errors';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import { ScriptedMessenger } from '../helpers/scripted-messenger';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

/** What the dispatcher must do after the first send of every recipient of a campaign answers `code`. */
type Expected =
	| { recipient: 'retry' }
	| { recipient: 'failed'; retryable: boolean; optOut?: boolean }
	| { campaign: 'paused'; reason: string }
	| { campaign: 'failed' }
	| { tenant: 'halted' };

function expected( code: number ): Expected {
	const action = ( ERROR_TABLE.get( code ) ?? { action: 'halt_tenant' } )
		.action;
	switch ( action ) {
		case 'retry':
		case 'retry_later':
		case 'pair_rate':
		case 'no_retry_24h':
			return { recipient: 'retry' };
		case 'pause_campaign':
			return { campaign: 'paused', reason: 'spam_rate_limit' };
		case 'opt_out':
			return { recipient: 'failed', retryable: false, optOut: true };
		case 'fail':
			return {
				recipient: 'failed',
				retryable: ! [ 100, 131008, 131009 ].includes( code ),
			};
		case 'fail_template':
			return { campaign: 'failed' };
		case 'halt_tenant':
			return { tenant: 'halted' };
	}
}

// Every code of the WhatsApp facts' table (test/vectors/meta/WHATSAPP.md) (ERROR_TABLE holds them all) and one of the 200-299 permission range.
const CODES = [ ...ERROR_TABLE.keys(), 250 ];
const RECIPIENTS = 3;

describe.each( dialects() )(
	"Meta's error table drives the dispatcher on %s",
	( dialect ) => {
		let store: TestStore;
		let t: TestBridge;
		let site: SiteServer;
		const clock = new OffsetClock();
		const tenants = new Map< number, TestTenant >();
		const codeByPhoneNumberId = new Map< string, number >();
		const messenger = new ScriptedMessenger(
			( account, message, attempt ) => {
				const code = codeByPhoneNumberId.get( account.phoneNumberId );
				if ( code === -1 ) {
					return {
						kind: 'unknown',
						reason: 'timeout after the request was written',
					};
				}
				if ( code === -2 ) {
					return {
						kind: 'error',
						code: 131026,
						message: 'Message undeliverable',
					};
				}
				if ( code === -3 ) {
					return {
						kind: 'error',
						code: 131000,
						message: 'Something went wrong',
					};
				}
				return code !== undefined && attempt === 1
					? {
							kind: 'error',
							code,
							message: `error ${ code }`,
							details: 'details',
						}
					: null;
			}
		);

		beforeAll( async () => {
			store = await openTestStore( dialect );
			t = await startTestBridge( {
				store,
				clock,
				messenger,
				bridge: { dispatcher: { failuresToPause: 5 } },
			} );
		} );

		afterAll( async () => {
			await t.close();
			await site?.close();
			await store.drop();
		} );

		async function runCampaign(
			code: number,
			size = RECIPIENTS,
			throughput = 1000
		): Promise< TestTenant > {
			const shop = await t.addTenant( {
				name: `Code ${ code }`,
				throughput,
			} );
			tenants.set( code, shop );
			codeByPhoneNumberId.set( `sandbox-${ shop.id }`, code );
			site ??= await startSiteServer( {
				siteId: '',
				secret: Buffer.alloc( 0 ),
				size: 0,
				contact: contactAt,
			} );
			const server = await startSiteServer( {
				siteId: shop.id,
				secret: shop.secret,
				size,
				contact: ( i ) => contactAt( 10_000 + i ),
			} );
			afterAllClose.push( server );
			await store.storage.db
				.updateTable( 'tenants' )
				.set( { site_rest_url: server.restUrl } )
				.where( 'id', '=', shop.id )
				.execute();
			await t.call( shop, 'PUT', '/v1/campaigns/c', {
				name: `Code ${ code }`,
				audience: {},
				template: TEMPLATE,
			} );
			await t.call( shop, 'POST', '/v1/campaigns/c/schedule' );
			return shop;
		}
		const afterAllClose: SiteServer[] = [];
		afterAll( async () =>
			Promise.all( afterAllClose.map( ( s ) => s.close() ) )
		);

		const recipients = ( shop: TestTenant ) =>
			store.storage.db
				.selectFrom( 'messages' )
				.selectAll()
				.where( 'tenant_id', '=', shop.id )
				.orderBy( 'id' )
				.execute();
		const campaign = async ( shop: TestTenant ) =>
			( await t.call( shop, 'GET', '/v1/campaigns/c' ) ).json();

		it( 'each error code leads to its documented action', async () => {
			for ( const code of CODES ) {
				await runCampaign( code );
			}
			// Every recipient answered once (attempts >= 1) and none is still being sent.
			await waitFor(
				async () => {
					for ( const shop of tenants.values() ) {
						const rows = await recipients( shop );
						if (
							rows.length !== RECIPIENTS ||
							rows.some(
								( r ) => r.attempts < 1 || r.state === 'sending'
							)
						) {
							return false;
						}
					}
					return true;
				},
				60_000,
				'every recipient to be tried once'
			);
			for ( const code of CODES ) {
				const shop = tenants.get( code ) as TestTenant;
				const want = expected( code );
				const rows = await recipients( shop );
				const c = await campaign( shop );
				const label = `code ${ code }`;
				if ( 'recipient' in want && want.recipient === 'retry' ) {
					// Retried later (the campaign goes on); after the backoff the second attempt is accepted.
					expect(
						rows.every(
							( r ) =>
								( r.state === 'retry' &&
									r.error_code === code ) ||
								( r.state === 'completed' && r.attempts === 2 )
						),
						label
					).toBe( true );
					expect( c.state, label ).toBe( 'running' );
				} else if ( 'recipient' in want ) {
					for ( const r of rows ) {
						expect( r, label ).toMatchObject( {
							state: 'failed',
							error_code: code,
							retryable: want.retryable ? 1 : 0,
						} );
					}
					if ( want.optOut ) {
						const optOuts = await store.storage.db
							.selectFrom( 'opt_outs' )
							.selectAll()
							.where( 'tenant_id', '=', shop.id )
							.execute();
						expect(
							optOuts.map( ( o ) => o.phone ).sort(),
							label
						).toEqual( rows.map( ( r ) => r.phone ).sort() );
					}
					await waitFor(
						async () =>
							( await campaign( shop ) ).state === 'completed',
						10_000,
						`${ label } completed`
					);
				} else if ( 'campaign' in want && want.campaign === 'paused' ) {
					expect( c, label ).toMatchObject( {
						state: 'paused',
						state_reason: want.reason,
					} );
					expect(
						rows.every( ( r ) => r.state === 'retry' ),
						label
					).toBe( true );
				} else if ( 'campaign' in want ) {
					// The last answer is recorded before the campaign fails as a whole (its own transaction).
					await waitFor(
						async () =>
							( await campaign( shop ) ).state !== 'running',
						10_000,
						`${ label } campaign to stop`
					);
					const stopped = await campaign( shop );
					expect( stopped.state, label ).toBe( 'failed' );
					expect( stopped.state_message, label ).toMatch(
						new RegExp( String( code ) )
					);
					expect(
						rows.every(
							( r ) =>
								r.state === 'failed' && r.error_code === code
						),
						label
					).toBe( true );
					expect( stopped.counters.automations.failed, label ).toBe(
						RECIPIENTS
					);
				} else {
					const tenant = await store.storage.db
						.selectFrom( 'tenants' )
						.selectAll()
						.where( 'id', '=', shop.id )
						.executeTakeFirstOrThrow();
					expect( tenant.halted_reason, label ).toMatch(
						new RegExp( String( code ) )
					);
					expect( c, label ).toMatchObject( {
						state: 'paused',
						state_reason: 'tenant_halted',
					} );
					expect(
						rows.every( ( r ) => r.state === 'retry' ),
						label
					).toBe( true );
					// Resuming is refused until the credentials change.
					expect(
						(
							await t.call(
								shop,
								'POST',
								'/v1/campaigns/c/resume'
							)
						).statusCode,
						label
					).toBe( 409 );
				}
			}
			// Retries do come back: jump past the longest backoff (24 h + jitter for 131049); every retried campaign completes.
			clock.advance( 31 * 3_600_000 );
			for ( const code of CODES ) {
				const want = expected( code );
				if ( 'recipient' in want && want.recipient === 'retry' ) {
					const shop = tenants.get( code ) as TestTenant;
					await waitFor(
						async () =>
							( await campaign( shop ) ).state === 'completed',
						20_000,
						`code ${ code } retried`
					);
					const rows = await recipients( shop );
					expect(
						rows.every(
							( r ) => r.state === 'completed' && r.attempts === 2
						)
					).toBe( true );
				}
			}
		} );

		it( 'an outcome that cannot be known becomes unknown and is never sent again', async () => {
			const shop = await runCampaign( -1 );
			await waitFor(
				async () => ( await campaign( shop ) ).state === 'completed',
				20_000,
				'completion'
			);
			clock.advance( 3_600_000 );
			await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
			const rows = await recipients( shop );
			expect(
				rows.every(
					( r ) => r.state === 'unknown' && r.retryable === 0
				)
			).toBe( true );
			expect(
				( await campaign( shop ) ).counters.automations.unknown
			).toBe( RECIPIENTS );
			for ( const r of rows ) {
				expect(
					messenger.attemptsFor( r.phone, `sandbox-${ shop.id }` )
				).toBe( 1 );
			}
		} );

		it( 'too many failures in a row pause the campaign with the reason', async () => {
			// 20 mps: a few recipients per claim, so the pause comes while most are still to start.
			const shop = await runCampaign( -2, 40, 20 );
			await waitFor(
				async () => ( await campaign( shop ) ).state === 'paused',
				20_000,
				'auto-pause'
			);
			const c = await campaign( shop );
			expect( c.state_reason ).toBe( 'too_many_failures' );
			expect( c.counters.automations.failed ).toBeGreaterThanOrEqual( 5 );
			expect( c.counters.automations.to_start ).toBeGreaterThan( 0 );
		} );

		it( 'transient errors are retried a bounded number of times, then fail (retryable)', async () => {
			const shop = await runCampaign( -3, 1 );
			for (
				let i = 0;
				i < 8 && ( await campaign( shop ) ).state !== 'completed';
				i++
			) {
				await new Promise( ( resolve ) => setTimeout( resolve, 400 ) );
				clock.advance( 10 * 60_000 );
			}
			await waitFor(
				async () => ( await campaign( shop ) ).state === 'completed',
				10_000,
				'final failure'
			);
			const [ row ] = await recipients( shop );
			expect( row ).toMatchObject( {
				state: 'failed',
				error_code: 131000,
				retryable: 1,
				attempts: 5,
			} );
			expect(
				messenger.attemptsFor(
					row?.phone as string,
					`sandbox-${ shop.id }`
				)
			).toBe( 5 );
		} );
	}
);

describe( 'adaptive sending rate', () => {
	it( 'slows down on 130429 and climbs back to the number throughput', () => {
		let now = 0;
		const rate = new AdaptiveRate( 80, () => now );
		rate.throttled();
		expect( rate.currentRate ).toBeCloseTo( 64 );
		now += 250;
		rate.throttled();
		expect( rate.currentRate ).toBeCloseTo( 51.2 );
		let sent = 0;
		for ( let ms = 0; ms < 20_000; ms += 10 ) {
			now += 10;
			sent += rate.take( 1_000 );
		}
		expect( rate.currentRate ).toBe( 80 );
		expect( sent ).toBeLessThanOrEqual( 80 * 20 );
		expect( sent ).toBeGreaterThan( 80 * 20 * 0.85 );
	} );
} );
