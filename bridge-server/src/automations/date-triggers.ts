/**
 * Date triggers (`{ type: "date", field, offset_days, time }`, docs/design/automations-contract.md "Triggers"): once a
 * day, at `time` in the shop's timezone, the contacts whose `field` date (moved by `offset_days`) is that day start a
 * run. The contacts live on the site; the bridge keeps the time, because WP-Cron runs only when the site has visitors.
 *
 * A lease-held tick (one process at a time) does two things:
 * - plan: for each active date automation, when the shop's local time has reached today's `time`, it writes the row
 *   (tenant, automation, today) of `automation_date_days`. The key makes a day fire once: after a restart, in another
 *   process, after an edit of the time. A bridge that was down at that time fires when it is back the same day; a day
 *   that ended while it was down is not fired later (wishes a day late, or a reminder counted from the wrong day, are
 *   worse than none).
 * - pull: for each day still `pulling`, it asks the site (signed `POST rondine/v1/bridge/date-contacts`) for the
 *   contacts of that date page by page and starts their runs, a page per transaction together with the page's cursor,
 *   each start keyed by the event id `date:<automation>:<contact>:<day>` (automation_events), so a page taken again
 *   after a crash starts nobody twice. A site that fails is asked again with backoff until the local day ends (`missed`).
 *   While the automation is paused its day waits; it goes on if it is activated again the same day.
 *
 * The date asked for is the local day moved back by `offset_days` (60 days after the last order: the contacts whose
 * last order was 60 days before today). Birthdays compare month and day, and the site answers the 29 February
 * birthdays on 28 February when the year has no 29th.
 */

/**
 * External dependencies
 */
import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';

/**
 * Internal dependencies
 */
import type { SiteClient, SiteTarget } from '../audience/site-client.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { acquireLease, releaseLease } from '../storage/leases.js';
import type { AutomationDateDaysTable, Database } from '../storage/schema.js';
import { noteRunsChanged, flushWake } from './signal.js';
import { startRun } from './start.js';
import { addDays, localDay, zonedTime } from './timing.js';
import type { Trigger } from './types.js';

export const DATE_CONTACTS_ROUTE = 'rondine/v1/bridge/date-contacts';

export interface DateTriggerOptions {
	/** How often the plan and the pulls run. */
	intervalMs: number;
	/** Contacts per page asked of the site. */
	pageSize: number;
	/** Pages of one day taken per tick (the rest at the next tick). */
	pagesPerTick: number;
	leaseMs: number;
	/** First wait after the site failed; doubles each time, at most retryMaxMs. */
	retryBaseMs: number;
	retryMaxMs: number;
	/** Handled event ids and fired days are forgotten after this long. */
	keepMs: number;
}

export const DEFAULT_DATE_TRIGGER_OPTIONS: DateTriggerOptions = {
	intervalMs: 30_000,
	pageSize: 1_000,
	pagesPerTick: 20,
	leaseMs: 120_000,
	retryBaseMs: 60_000,
	retryMaxMs: 30 * 60_000,
	keepMs: 90 * 86_400_000,
};

const LEASE = 'date-triggers';
const E164 = /^\+[1-9]\d{6,14}$/;

/** One contact of the site's answer. */
export interface DateContact {
	contact_id: number | string;
	phone: string;
	/** The contact's values (template fields, conditions), `consent` and `tags` among them. */
	fields?: Record< string, unknown >;
	/** The contact's date that matched (YYYY-MM-DD). */
	date?: string;
	/** The order the date is of (last_order), for the run's event data. */
	order_id?: number | string | null;
}

interface DateContactsPage {
	contacts: DateContact[];
	next_cursor: string | null;
}

type DateTrigger = Extract< Trigger, { type: 'date' } >;

function validZone( zone: string | null | undefined ): string {
	if ( zone ) {
		try {
			new Intl.DateTimeFormat( 'en-US', { timeZone: zone } );
			return zone;
		} catch {
			// An unknown zone: UTC below.
		}
	}
	return 'UTC';
}

/** When `time` comes on a local day, and when that day ends (the next midnight), in the shop's timezone. */
export function dayBounds(
	day: string,
	time: string,
	timeZone: string
): { fireAt: number; endsAt: number } {
	const [ y, m, d ] = day.split( '-' ).map( Number ) as [
		number,
		number,
		number,
	];
	const [ hh, mm ] = time.split( ':' ).map( Number ) as [ number, number ];
	return {
		fireAt: zonedTime( y, m, d, hh, mm, timeZone ),
		endsAt: zonedTime( y, m, d + 1, 0, 0, timeZone ),
	};
}

function stringValues(
	fields: Record< string, unknown > | undefined
): Record< string, string > {
	const out: Record< string, string > = {};
	for ( const [ key, value ] of Object.entries( fields ?? {} ) ) {
		if ( typeof value === 'string' || typeof value === 'number' ) {
			out[ key ] = String( value );
		}
	}
	return out;
}

export class DateTriggers {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise< void > | null = null;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly box: SecretBox,
		private readonly clock: Clock,
		private readonly site: SiteClient,
		private readonly workerId: string,
		private readonly log: Pick< Logger, 'warn' | 'error' >,
		private readonly options: DateTriggerOptions = DEFAULT_DATE_TRIGGER_OPTIONS
	) {}

	start(): void {
		if ( this.timer ) {
			return;
		}
		void this.tick();
		this.timer = setInterval(
			() => void this.tick(),
			this.options.intervalMs
		);
		this.timer.unref();
	}

	async stop(): Promise< void > {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
		await this.running;
		await releaseLease( this.db, LEASE, this.workerId ).catch( () => {} );
	}

	/** One round that starts after this call (tests call it with an injected clock); rounds never overlap. */
	async tick(): Promise< void > {
		while ( this.running ) {
			await this.running;
		}
		this.running = this.round()
			.catch( ( error ) =>
				this.log.error( { err: error }, 'date triggers failed' )
			)
			.finally( () => ( this.running = null ) );
		return this.running;
	}

	private async round(): Promise< void > {
		if (
			! ( await acquireLease(
				this.db,
				LEASE,
				this.workerId,
				this.options.leaseMs
			) )
		) {
			return;
		}
		await this.plan();
		await this.pull();
		await this.forget();
	}

	/** Writes today's row for every active date automation whose time has come today. */
	async plan(): Promise< void > {
		const now = this.clock.now();
		const automations = await this.db
			.selectFrom( 'automations as a' )
			.innerJoin( 'tenants as t', 't.id', 'a.tenant_id' )
			.select( [ 'a.tenant_id', 'a.id', 'a.trigger', 't.timezone' ] )
			.where( 'a.state', '=', 'active' )
			.where( 'a.trigger_type', '=', 'date' )
			.execute();
		for ( const automation of automations ) {
			const trigger = JSON.parse( automation.trigger ) as DateTrigger;
			const zone = validZone( automation.timezone );
			const day = localDay( now, zone );
			if ( now < dayBounds( day, trigger.time, zone ).fireAt ) {
				continue;
			}
			await this.db
				.insertInto( 'automation_date_days' )
				.values( {
					tenant_id: automation.tenant_id,
					automation_id: automation.id,
					day,
					state: 'pulling',
					cursor: null,
					next_attempt_at: now,
					last_error: null,
					created_at: now,
					finished_at: null,
				} )
				.onConflict( ( oc ) =>
					oc
						.columns( [ 'tenant_id', 'automation_id', 'day' ] )
						.doNothing()
				)
				.execute();
		}
	}

	/** Takes the contacts of the days being pulled, page by page. */
	async pull(): Promise< void > {
		const now = this.clock.now();
		const days = await this.db
			.selectFrom( 'automation_date_days as d' )
			.innerJoin( 'automations as a', ( join ) =>
				join
					.onRef( 'a.tenant_id', '=', 'd.tenant_id' )
					.onRef( 'a.id', '=', 'd.automation_id' )
			)
			.innerJoin( 'tenants as t', 't.id', 'd.tenant_id' )
			.selectAll( 'd' )
			.select( [
				'a.state as automation_state',
				'a.trigger_type',
				'a.trigger',
				'a.version',
				'a.reentry',
				't.timezone',
				't.secret',
				't.site_rest_url',
			] )
			.where( 'd.state', '=', 'pulling' )
			.where( 'd.next_attempt_at', '<=', now )
			.orderBy( 'd.next_attempt_at' )
			.limit( 100 )
			.execute();
		for ( const day of days ) {
			const zone = validZone( day.timezone );
			const trigger = JSON.parse( day.trigger ) as DateTrigger;
			const { endsAt } = dayBounds(
				day.day,
				trigger.time ?? '00:00',
				zone
			);
			if ( now >= endsAt || day.trigger_type !== 'date' ) {
				await this.finish( day, 'missed', now, day.last_error );
				this.log.warn(
					{
						tenantId: day.tenant_id,
						automationId: day.automation_id,
						day: day.day,
					},
					'a date trigger day ended before its contacts were taken'
				);
				continue;
			}
			if ( day.automation_state !== 'active' ) {
				// Paused: its day waits, and goes on if it is activated again before the day ends.
				continue;
			}
			let cursor = day.cursor;
			let failures = day.attempts;
			for ( let page = 0; page < this.options.pagesPerTick; page++ ) {
				let answer: DateContactsPage;
				try {
					if ( ! day.site_rest_url ) {
						throw new Error(
							'the site has not told the bridge its REST URL yet'
						);
					}
					answer = await this.page(
						{
							siteId: day.tenant_id,
							secret: this.box.open( day.secret ),
							restUrl: day.site_rest_url,
						},
						{
							automation_id: day.automation_id,
							field: trigger.field,
							date: addDays( day.day, -trigger.offset_days ),
							cursor,
							limit: this.options.pageSize,
						}
					);
				} catch ( error ) {
					await this.retryLater( day, cursor, failures, now, error );
					break;
				}
				const next = await this.startPage(
					day,
					trigger,
					cursor,
					answer,
					now
				);
				if ( next === undefined || next === null ) {
					break;
				}
				cursor = next;
				failures = 0;
			}
		}
	}

	private async page(
		target: SiteTarget,
		request: {
			automation_id: string;
			field: string;
			date: string;
			cursor: string | null;
			limit: number;
		}
	): Promise< DateContactsPage > {
		const answer = await this.site.post< Partial< DateContactsPage > >(
			target,
			DATE_CONTACTS_ROUTE,
			request
		);
		if ( ! answer || ! Array.isArray( answer.contacts ) ) {
			throw new Error(
				'the site answered the date contacts without a contacts list'
			);
		}
		const next = answer.next_cursor ?? null;
		if ( next !== null && typeof next !== 'string' ) {
			throw new Error(
				'the site answered a next_cursor that is not a string'
			);
		}
		if ( next !== null && next === request.cursor ) {
			throw new Error( 'the site answered the same cursor again' );
		}
		return { contacts: answer.contacts, next_cursor: next };
	}

	/**
	 * Starts the runs of one page and moves the day's cursor, in one transaction that first checks the cursor is still
	 * the one this page was asked with. Answers the next cursor (null: the day is done; undefined: another process
	 * moved the day meanwhile).
	 */
	private async startPage(
		day: Selectable< AutomationDateDaysTable > & {
			version: number;
			reentry: string;
		},
		trigger: DateTrigger,
		cursor: string | null,
		answer: DateContactsPage,
		now: number
	): Promise< string | null | undefined > {
		const moved = await this.db.transaction().execute( async ( trx ) => {
			const taken = await trx
				.updateTable( 'automation_date_days' )
				.set( {
					cursor: answer.next_cursor,
					state: answer.next_cursor === null ? 'done' : 'pulling',
					finished_at: answer.next_cursor === null ? now : null,
					attempts: 0,
					last_error: null,
					next_attempt_at: now,
					contacts: ( eb ) =>
						eb( 'contacts', '+', answer.contacts.length ),
				} )
				.where( 'tenant_id', '=', day.tenant_id )
				.where( 'automation_id', '=', day.automation_id )
				.where( 'day', '=', day.day )
				.where( 'state', '=', 'pulling' )
				.where( ( eb ) =>
					cursor === null
						? eb( 'cursor', 'is', null )
						: eb( 'cursor', '=', cursor )
				)
				.executeTakeFirst();
			if ( Number( taken.numUpdatedRows ) !== 1 ) {
				return false;
			}
			let started = 0;
			for ( const contact of answer.contacts ) {
				const contactId = String( contact?.contact_id ?? '' );
				if (
					! /^\d{1,20}$/.test( contactId ) ||
					typeof contact.phone !== 'string' ||
					! E164.test( contact.phone )
				) {
					continue;
				}
				const fresh = await trx
					.insertInto( 'automation_events' )
					.values( {
						tenant_id: day.tenant_id,
						id: `date:${ day.automation_id }:${ contactId }:${ day.day }`,
						received_at: now,
					} )
					.onConflict( ( oc ) =>
						oc.columns( [ 'tenant_id', 'id' ] ).doNothing()
					)
					.returning( 'id' )
					.executeTakeFirst();
				if ( ! fresh ) {
					continue;
				}
				const event: Record< string, unknown > = {
					field: trigger.field,
					day: day.day,
				};
				if ( typeof contact.date === 'string' ) {
					event.date = contact.date;
				}
				if (
					contact.order_id !== null &&
					contact.order_id !== undefined &&
					String( contact.order_id ) !== ''
				) {
					event.order_id = contact.order_id;
				}
				const run = await startRun(
					trx,
					{
						tenant_id: day.tenant_id,
						id: day.automation_id,
						version: day.version,
						reentry: day.reentry,
					},
					{
						phone: contact.phone,
						contactId,
						contact: stringValues( contact.fields ),
						event,
					},
					now
				);
				started += run === null ? 0 : 1;
			}
			if ( started > 0 ) {
				await trx
					.updateTable( 'automation_date_days' )
					.set( ( eb ) => ( {
						started: eb( 'started', '+', started ),
					} ) )
					.where( 'tenant_id', '=', day.tenant_id )
					.where( 'automation_id', '=', day.automation_id )
					.where( 'day', '=', day.day )
					.execute();
				noteRunsChanged();
			}
			return true;
		} );
		flushWake();
		return moved ? answer.next_cursor : undefined;
	}

	private async retryLater(
		day: Selectable< AutomationDateDaysTable >,
		cursor: string | null,
		failures: number,
		now: number,
		error: unknown
	): Promise< void > {
		const attempts = failures + 1;
		const wait = Math.min(
			this.options.retryMaxMs,
			this.options.retryBaseMs * 2 ** Math.min( 20, attempts - 1 )
		);
		const message =
			error instanceof Error ? error.message : String( error );
		this.log.warn(
			{
				tenantId: day.tenant_id,
				automationId: day.automation_id,
				day: day.day,
				err: message,
			},
			'the site did not answer the date contacts; will retry'
		);
		await this.db
			.updateTable( 'automation_date_days' )
			.set( {
				attempts,
				next_attempt_at: now + wait,
				last_error: message.slice( 0, 500 ),
			} )
			.where( 'tenant_id', '=', day.tenant_id )
			.where( 'automation_id', '=', day.automation_id )
			.where( 'day', '=', day.day )
			.where( 'state', '=', 'pulling' )
			.where( ( eb ) =>
				cursor === null
					? eb( 'cursor', 'is', null )
					: eb( 'cursor', '=', cursor )
			)
			.execute();
	}

	private async finish(
		day: Selectable< AutomationDateDaysTable >,
		state: 'done' | 'missed',
		now: number,
		error: string | null
	): Promise< void > {
		await this.db
			.updateTable( 'automation_date_days' )
			.set( {
				state,
				finished_at: now,
				last_error:
					error ??
					( state === 'missed'
						? 'the day ended before the site answered'
						: null ),
			} )
			.where( 'tenant_id', '=', day.tenant_id )
			.where( 'automation_id', '=', day.automation_id )
			.where( 'day', '=', day.day )
			.where( 'state', '=', 'pulling' )
			.execute();
	}

	/** Old fired days and handled event ids (their duplicates cannot come any more). */
	private async forget(): Promise< void > {
		const before = this.clock.now() - this.options.keepMs;
		await this.db
			.deleteFrom( 'automation_date_days' )
			.where( 'created_at', '<', before )
			.where( 'state', '!=', 'pulling' )
			.execute();
		await this.db
			.deleteFrom( 'automation_events' )
			.where( 'received_at', '<', before )
			.execute();
	}
}
