/**
 * External dependencies
 */
import {
	parsePhoneNumberFromString,
	type CountryCode,
} from 'libphonenumber-js/max';
import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import {
	referencedFields,
	pickVariables,
	type MappedComponent,
} from '../campaigns/template-mapping.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { idIn } from '../storage/lists.js';
import type { Campaign, Database, Tenant } from '../storage/schema.js';
import type { SiteClient, SiteContact } from './site-client.js';
import { retryableRecipients } from '../stats/retry-failed.js';
import {
	automationFields,
	campaignAutomation,
	campaignSteps,
	retryableRuns,
	startCampaignRuns,
	type RunStartPoint,
} from '../automations/campaign-runs.js';
import { DomainError } from '../errors.js';

export interface SnapshotOptions {
	pageSize: number;
	/** Attempts to reach the site before the campaign fails. */
	maxAttempts: number;
	/** First retry delay; doubles each time. */
	retryBaseMs: number;
	/** Contacts one campaign's audience may have (read from the site, duplicates and opt-outs included). */
	maxRecipients: number;
	/** Audience pages one campaign may read from the site (a site that keeps answering a next cursor is stopped). */
	maxPages: number;
}

/** Phones checked (libphonenumber-js) between two turns of the event loop while a page is taken. */
const CHECK_CHUNK = 500;

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {
	// The site's largest page (POST /rondine/v1/bridge/audience takes 1 to 5,000). Each page is one WordPress request,
	// and WordPress with WooCommerce costs 70-90 ms to boot per request on a small server whatever the page's size:
	// 131,026 recipients took 28.5 s in pages of 500 and 5.2 s in pages of 5,000 (docs/BENCHMARKS.md, "Audience").
	pageSize: 5_000,
	maxAttempts: 6,
	retryBaseMs: 2_000,
	maxRecipients: 1_000_000,
	maxPages: 10_000,
};

/**
 * The audience cannot be taken, and trying again would not help: the campaign fails at once with this reason
 * (`state_reason`) and message (`state_message`).
 */
export class AudienceRejected extends Error {
	constructor(
		readonly reason: 'audience_too_large' | 'audience_cursor_stuck',
		message: string
	) {
		super( message );
	}
}

/**
 * The automation a campaign launches cannot start runs now (paused, archived, deleted, or its trigger changed): the
 * scheduler pauses the campaign with this code (`state_reason`) and message, and its owner resumes it once the
 * automation is active again. The page was not taken.
 */
export class AutomationUnavailable extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super( message );
	}
}

export type PhoneCheck = { ok: true; e164: string } | { ok: false };

/** E.164 as the plugin stores it: "+", then 7 to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * E.164 with "+", or not valid. The contact's own country first, then the shop's.
 *
 * The plugin's normaliser (plugin/src/Phone/Normalizer.php) is the one authority on validity: a number reaches the
 * audience only once it has accepted it, stored in E.164, so a number in E.164 form is kept as it is; judging it again
 * here with other tables made the snapshot count differently from the segment editor (docs/ARCHITECTURE.md
 * "Contracts"; docs/phone-vectors.json). Only a raw number (a site that does not normalise) is read with
 * libphonenumber-js.
 */
export function normalisePhone(
	raw: string,
	country: string | null | undefined,
	fallback: string | null
): PhoneCheck {
	const input = raw.trim();
	if ( input === '' ) {
		return { ok: false };
	}
	if ( E164.test( input ) ) {
		return { ok: true, e164: input };
	}
	const region = ( country || fallback || undefined ) as
		CountryCode | undefined;
	// "00" is the international prefix in most of the shop countries: treat it as "+".
	const cleaned = input.startsWith( '00' ) ? `+${ input.slice( 2 ) }` : input;
	const parsed = parsePhoneNumberFromString( cleaned, region );
	if ( ! parsed || ! parsed.isValid() ) {
		return { ok: false };
	}
	return { ok: true, e164: parsed.number };
}

interface Row {
	contact_id: string | null;
	phone: string;
	variables: string;
	valid: boolean;
	/** A retried automation run: where it starts again (else step 0 of the campaign's pinned version). */
	start?: RunStartPoint;
}

/** The automation a campaign launches, as this page starts its runs. */
interface Launch {
	automationId: string;
	/** The version the runs are pinned to. */
	version: number;
}

export type SnapshotResult = 'done' | 'more';

/**
 * Takes the campaign's audience at start: pages pulled from the site (or, for a "retry failed" campaign, the failed
 * recipients of its source campaign), phones normalised, opted-out and duplicates dropped, invalid numbers recorded as
 * failed. Each page is stored with its cursor and counters in one transaction, so a crash resumes at the next page and
 * memory does not grow with the audience.
 */
export class AudienceSnapshot {
	constructor(
		private readonly db: Kysely< Database >,
		private readonly site: SiteClient,
		private readonly box: SecretBox,
		private readonly clock: Clock,
		private readonly options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS
	) {}

	/** Stores one page; the caller loops while it answers 'more'. Throws SiteError when the site fails. */
	async step(
		tenant: Tenant,
		campaign: Campaign
	): Promise< SnapshotResult > {
		let launch: Launch | null = null;
		let fields: string[];
		if ( campaign.automation_id !== null ) {
			// Checked before every page: a paused automation starts no run (contract: Runs).
			const automation = await campaignAutomation(
				this.db,
				tenant.id,
				campaign.automation_id
			).catch( ( error: unknown ) => {
				throw error instanceof DomainError
					? new AutomationUnavailable( error.code, error.message )
					: error;
			} );
			launch = {
				automationId: automation.id,
				version: campaign.automation_version ?? automation.version,
			};
			fields = automationFields(
				await campaignSteps(
					this.db,
					tenant.id,
					automation,
					launch.version
				)
			);
		} else {
			fields = referencedFields(
				JSON.parse( campaign.template_components ) as MappedComponent[]
			);
		}
		let contacts: SiteContact[];
		let next: string | null;
		let retried: Row[] | null = null;
		if ( campaign.source_campaign_id && launch ) {
			( { rows: retried, next } = await this.runsFromSource(
				tenant,
				campaign
			) );
			contacts = [];
		} else if ( campaign.source_campaign_id ) {
			( { contacts, next } = await this.pageFromSource(
				tenant,
				campaign
			) );
		} else {
			await this.checkLimits( tenant, campaign );
			if ( ! tenant.site_rest_url ) {
				throw new Error(
					'the site has not told the bridge its REST URL yet (PUT /v1/site)'
				);
			}
			const page = await this.site.audiencePage(
				{
					siteId: tenant.id,
					secret: this.box.open( tenant.secret ),
					restUrl: tenant.site_rest_url,
				},
				{
					campaign_id: campaign.id,
					audience: JSON.parse( campaign.audience ),
					cursor: campaign.audience_cursor,
					limit: this.options.pageSize,
				}
			);
			contacts = page.recipients;
			next = page.next_cursor;
			if ( next !== null && next === campaign.audience_cursor ) {
				throw new AudienceRejected(
					'audience_cursor_stuck',
					`The site answered the same audience cursor again ("${ next.slice( 0, 100 ) }") after ${ campaign.audience_pages } pages: its paging does not advance, so the audience was not taken.`
				);
			}
		}
		const rows: Row[] = retried ?? [];
		for ( let i = 0; i < contacts.length; i += CHECK_CHUNK ) {
			if ( i > 0 ) {
				// A page is up to 5,000 phones: let the dispatcher's sending rounds run between chunks of checks.
				await new Promise( ( resolve ) => setImmediate( resolve ) );
			}
			rows.push(
				...contacts
					.slice( i, i + CHECK_CHUNK )
					.map( ( contact ): Row => {
						const check = normalisePhone(
							String( contact.phone ?? '' ),
							contact.country,
							tenant.default_country
						);
						return {
							contact_id:
								contact.contact_id === null ||
								contact.contact_id === undefined
									? null
									: String( contact.contact_id ),
							phone: check.ok
								? check.e164
								: String( contact.phone ?? '' ).trim(),
							variables: JSON.stringify(
								pickVariables(
									fields,
									contact as Record< string, unknown >
								)
							),
							valid: check.ok,
						};
					} )
			);
		}
		const stored = await this.db.transaction().execute( async ( trx ) => {
			// Still running (or paused) and still at this cursor: another process did not store this page meanwhile.
			const current = await trx
				.selectFrom( 'campaigns' )
				.select( [ 'audience_cursor', 'audience_done', 'state' ] )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'id', '=', campaign.id )
				.executeTakeFirst();
			if (
				! current ||
				current.audience_done === 1 ||
				current.audience_cursor !== campaign.audience_cursor ||
				( current.state !== 'running' && current.state !== 'paused' )
			) {
				return false;
			}
			await this.storePage( trx, tenant, campaign, rows, launch );
			await trx
				.updateTable( 'campaigns' )
				.set( ( eb ) => ( {
					// The first page pins the version the campaign's runs follow.
					...( launch ? { automation_version: launch.version } : {} ),
					audience_pages: eb( 'audience_pages', '+', 1 ),
					audience_cursor: next,
					audience_done: next === null ? 1 : 0,
					snapshot_attempts: 0,
					next_snapshot_at: null,
					updated_at: this.clock.now(),
				} ) )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'id', '=', campaign.id )
				.execute();
			return true;
		} );
		campaign.audience_cursor = next;
		if ( stored ) {
			campaign.audience_pages += 1;
		}
		return stored && next !== null ? 'more' : 'done';
	}

	/** Before another page from the site: the audience is still within the caps (pages read, contacts received). */
	private async checkLimits(
		tenant: Tenant,
		campaign: Campaign
	): Promise< void > {
		if ( campaign.audience_pages >= this.options.maxPages ) {
			throw new AudienceRejected(
				'audience_too_large',
				`The site kept sending audience pages: ${ campaign.audience_pages } pages were read, the most one campaign may have. The audience was not taken.`
			);
		}
		const counters = await this.db
			.selectFrom( 'campaign_counters' )
			.select( [ 'total', 'opted_out', 'duplicates' ] )
			.where( 'tenant_id', '=', tenant.id )
			.where( 'campaign_id', '=', campaign.id )
			.executeTakeFirst();
		const received = counters
			? Number( counters.total ) +
				Number( counters.opted_out ) +
				Number( counters.duplicates )
			: 0;
		if ( received >= this.options.maxRecipients ) {
			throw new AudienceRejected(
				'audience_too_large',
				`The audience has more than ${ this.options.maxRecipients.toLocaleString( 'en' ) } contacts, the most one campaign may have. Split it into smaller audiences.`
			);
		}
	}

	private async pageFromSource( tenant: Tenant, campaign: Campaign ) {
		const after = Number( campaign.audience_cursor ?? 0 );
		// Which failures qualify (send errors and failed status webhooks, 131049 only after 24 h): src/stats/retry-failed.ts.
		const failed = await retryableRecipients(
			this.db,
			tenant.id,
			campaign.source_campaign_id as string,
			this.clock.now(),
			after,
			this.options.pageSize,
			true
		);
		const contacts: SiteContact[] = failed.map( ( r ) => {
			const variables = JSON.parse( r.variables ) as Record<
				string,
				unknown
			>;
			// The stored values first: a variable can never replace the recipient's own phone or contact id.
			return {
				...variables,
				contact_id: r.contact_id,
				phone: r.phone,
				fields: variables,
			};
		} );
		const last = failed.at( -1 );
		return {
			contacts,
			next:
				failed.length === this.options.pageSize && last
					? String( last.id )
					: null,
		};
	}

	/**
	 * One page of a "Retry failed" of a campaign that launched an automation: its source's runs that failed at a send,
	 * each to start again at that step (automations/campaign-runs.ts `retryableRuns`), with the values it had.
	 */
	private async runsFromSource( tenant: Tenant, campaign: Campaign ) {
		const runs = await retryableRuns(
			this.db,
			tenant.id,
			campaign.source_campaign_id as string,
			this.clock.now(),
			Number( campaign.audience_cursor ?? 0 ),
			this.options.pageSize
		);
		const last = runs.at( -1 );
		return {
			rows: runs.map( ( run ): Row => ( {
				contact_id: run.contact_id,
				phone: run.phone,
				variables: run.variables,
				valid: true,
				start: run.start,
			} ) ),
			next:
				runs.length === this.options.pageSize && last
					? String( last.id )
					: null,
		};
	}

	private async storePage(
		trx: Transaction< Database >,
		tenant: Tenant,
		campaign: Campaign,
		rows: Row[],
		launch: Launch | null
	) {
		const now = this.clock.now();
		const validPhones = rows
			.filter( ( r ) => r.valid )
			.map( ( r ) => r.phone );
		const optedOut = new Set(
			validPhones.length === 0
				? []
				: (
						await trx
							.selectFrom( 'opt_outs' )
							.select( 'phone' )
							.where( 'tenant_id', '=', tenant.id )
							.where( 'phone', 'in', validPhones )
							.execute()
					).map( ( r ) => r.phone )
		);
		const keep = rows.filter(
			( r ) => ! ( r.valid && optedOut.has( r.phone ) )
		);
		const skippedOptOut = rows.length - keep.length;
		let insertedValid = 0;
		let insertedInvalid = 0;
		for ( const valid of [ true, false ] ) {
			const batch = keep.filter( ( r ) => r.valid === valid );
			// SQLite allows 32766 bound values; 200 rows x 13 columns stays far below.
			// One statement per 500 rows whose SQL text does not depend on the row count (rows bound as one JSON text on
			// SQLite, as arrays on PostgreSQL); ids follow the page order.
			for ( let i = 0; i < batch.length; i += 500 ) {
				const chunk = batch.slice( i, i + 500 );
				const inserted = await insertRecipients(
					trx,
					isPostgres( trx ),
					tenant.id,
					campaign.id,
					valid,
					now,
					chunk,
					// A run of an automation sends its first message when the engine takes it; an invalid number's run
					// never starts and keeps its failed message, as in a template campaign.
					! ( launch && valid )
				);
				if ( valid ) {
					insertedValid += inserted.length;
				} else {
					insertedInvalid += inserted.length;
				}
				if ( launch && valid ) {
					const byPhone = new Map(
						chunk.map( ( r ) => [ r.phone, r ] )
					);
					await startCampaignRuns(
						trx,
						tenant.id,
						campaign.id,
						launch.automationId,
						inserted.map( ( run ) => ( {
							runId: run.id,
							start: byPhone.get( run.phone )?.start ?? {
								version: launch.version,
								step: 0,
								event: '{}',
							},
						} ) ),
						now
					);
				}
			}
		}
		const duplicates = keep.length - insertedValid - insertedInvalid;
		await applyCounterDeltas( trx, tenant.id, campaign.id, {
			total: insertedValid + insertedInvalid,
			// An automation's runs count in runs_to_start (startCampaignRuns); their messages come step by step.
			to_start: launch ? 0 : insertedValid,
			failed: insertedInvalid,
			invalid: insertedInvalid,
			// An invalid number's run never starts: a failed run.
			runs_failed: launch ? insertedInvalid : 0,
			opted_out: skippedOptOut,
			duplicates,
		} );
	}

	/** After a failed page: when to try again, or null when it is time to give up. */
	nextAttemptAt( attempts: number ): number | null {
		if ( attempts >= this.options.maxAttempts ) {
			return null;
		}
		const delay = this.options.retryBaseMs * 2 ** ( attempts - 1 );
		return (
			this.clock.now() + Math.round( delay * ( 1 + Math.random() / 4 ) )
		);
	}
}

/**
 * Inserts recipients (runs) of one campaign and, with `withMessages`, the message of their one step, all valid
 * (`pending`) or all invalid (run ended, message `failed invalid_phone`); duplicates skipped. Answers the rows inserted.
 */
async function insertRecipients(
	trx: Transaction< Database >,
	postgres: boolean,
	tenantId: string,
	campaignId: string,
	valid: boolean,
	now: number,
	rows: Row[],
	withMessages: boolean
): Promise< Array< { id: number; phone: string } > > {
	const runState = valid ? 'active' : 'ended';
	const state = valid ? 'pending' : 'failed';
	const reason = valid ? null : 'invalid_phone';
	const retryable = valid ? null : 0;
	const columns = sql`insert into recipients (tenant_id, campaign_id, contact_id, phone, variables, state, updated_at)`;
	const constant = sql`cast(${ tenantId } as text), cast(${ campaignId } as text)`;
	const rest = sql`cast(${ runState } as text), cast(${ now } as bigint)`;
	const inserted = postgres
		? await sql< { id: number; phone: string } >`${ columns }
			select ${ constant }, v.contact_id, v.phone, v.variables, ${ rest }
			from unnest(cast(${ rows.map( ( r ) => r.contact_id ) } as text[]), cast(${ rows.map(
				( r ) => r.phone
			) } as text[]),
				cast(${ rows.map( ( r ) => r.variables ) } as text[])) with ordinality as v(contact_id, phone, variables, n)
			order by v.n
			on conflict (tenant_id, campaign_id, phone, entry) do nothing
			returning id, phone`.execute( trx )
		: await sql< { id: number; phone: string } >`${ columns }
			select ${ constant }, value ->> 0, value ->> 1, value ->> 2, ${ rest }
			from json_each(${ JSON.stringify(
				rows.map( ( r ) => [ r.contact_id, r.phone, r.variables ] )
			) })
			where true
			on conflict (tenant_id, campaign_id, phone, entry) do nothing
			returning id, phone`.execute( trx );
	const ids = inserted.rows.map( ( r ) => Number( r.id ) );
	if ( ids.length > 0 && withMessages ) {
		await sql`insert into messages (tenant_id, campaign_id, run_id, step, phone, body, state, attempts, next_attempt_at,
			error_code, error_reason, retryable, updated_at)
			select tenant_id, campaign_id, id, 0, phone, variables, cast(${ state } as text), 0, 0, null,
				cast(${ reason } as text), cast(${ retryable } as integer), updated_at
			from recipients where ${ idIn( postgres ? 'postgres' : 'sqlite', 'id', ids ) } order by id`.execute(
			trx
		);
	}
	return inserted.rows.map( ( r ) => ( {
		id: Number( r.id ),
		phone: r.phone,
	} ) );
}
