/**
 * External dependencies
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import pino, { type Logger } from 'pino';

/**
 * Internal dependencies
 */
import { buildApp, DEFAULT_EDGE, type AppEdgeOptions } from './app.js';
import {
	AudienceSnapshot,
	DEFAULT_SNAPSHOT_OPTIONS,
	type SnapshotOptions,
} from './audience/snapshot.js';
import { SiteClient } from './audience/site-client.js';
import { CampaignService } from './campaigns/campaign-service.js';
import {
	DEFAULT_SCHEDULER_OPTIONS,
	Scheduler,
	type SchedulerOptions,
} from './campaigns/scheduler.js';
import { TemplateCatalog } from './campaigns/templates.js';
import { systemClock, type Clock } from './clock.js';
import { deriveKey, KEY_LABELS, SecretBox } from './crypto/secret-box.js';
import { hostOf } from './http/edge.js';
import {
	DEFAULT_DISPATCHER_OPTIONS,
	Dispatcher,
	type DispatcherOptions,
} from './dispatch/dispatcher.js';
import type {
	Messenger,
	WhatsAppAccount,
	WhatsAppDirectory,
} from './dispatch/messenger.js';
import type { Storage } from './storage/database.js';
import {
	AutomationEngine,
	DEFAULT_ENGINE_OPTIONS,
	type EngineOptions,
} from './automations/engine.js';
import { onWake } from './automations/signal.js';
import { ContactActionReporter } from './automations/contact-reporter.js';
import {
	DateTriggers,
	DEFAULT_DATE_TRIGGER_OPTIONS,
	type DateTriggerOptions,
} from './automations/date-triggers.js';
import type { Tenant } from './storage/schema.js';
import { AccountResolver } from './tenants/accounts.js';
import { resealLegacySecrets } from './tenants/store.js';

export interface BridgeOptions {
	storage: Storage;
	secretKey: Buffer;
	publicUrl: string;
	graphUrl: string;
	graphVersion: string;
	messenger: Messenger;
	directory: WhatsAppDirectory;
	clock?: Clock;
	logger?: Logger;
	/** Log requests (Fastify's logger). */
	httpLogger?: boolean;
	sandboxPlugin?: FastifyPluginAsync< any >;
	sandboxOptions?: Record< string, unknown >;
	onSandboxTenant?: (
		tenant: Tenant,
		account: WhatsAppAccount,
		appSecret: string
	) => void | Promise< void >;
	/** Where sandbox tenants send: `<public url>/sandbox` by default, or an emulator running as its own process. */
	sandboxGraphUrl?: string;
	webhooksPlugin?: FastifyPluginAsync< any >;
	webhooksOptions?: Record< string, unknown >;
	scheduler?: Partial< SchedulerOptions >;
	dispatcher?: Partial< DispatcherOptions >;
	snapshot?: Partial< SnapshotOptions >;
	/** The automations' run engine (src/automations/engine.ts). */
	automations?: Partial< EngineOptions >;
	/** Date triggers (src/automations/date-triggers.ts). */
	dateTriggers?: Partial< DateTriggerOptions >;
	/** Run the scheduler and the dispatcher (false: API only). */
	engine?: boolean;
	siteTimeoutMs?: number;
	/** Timeouts, per-IP failure limit, site URL policy (strict by default; main.ts reads them from the environment). */
	edge?: Partial< AppEdgeOptions >;
	/**
	 * Serve the emulator's control API (under /sandbox/_control) behind this token. Refused (403) while a tenant has
	 * real Meta credentials unless `withRealTenants`.
	 */
	sandboxControl?: { token: string; withRealTenants?: boolean };
	/** Host values the emulator answers besides loopback ones and the public URL's. */
	allowedHosts?: string[];
}

export interface Bridge {
	app: FastifyInstance;
	campaigns: CampaignService;
	accounts: AccountResolver;
	scheduler: Scheduler;
	dispatcher: Dispatcher;
	automations: AutomationEngine;
	contactActions: ContactActionReporter;
	dateTriggers: DateTriggers;
	box: SecretBox;
	workerId: string;
	/** Starts the scheduler and dispatcher. */
	startEngine: () => Promise< void >;
	/** Graceful: stop taking work, finish requests in flight, write their outcomes, close HTTP. */
	close: () => Promise< void >;
}

/** Everything the bridge process runs, wired together; main.ts and the tests use the same function. */
export async function createBridge(
	options: BridgeOptions
): Promise< Bridge > {
	const clock = options.clock ?? systemClock;
	const log = options.logger ?? pino( { level: 'silent' } );
	const box = new SecretBox( options.secretKey );
	const db = options.storage.db;
	const workerId = randomUUID();
	const accounts = new AccountResolver( box, {
		graphUrl: options.graphUrl,
		graphVersion: options.graphVersion,
		sandboxGraphUrl:
			options.sandboxGraphUrl ?? `${ options.publicUrl }/sandbox`,
		sandboxKey: deriveKey( options.secretKey, KEY_LABELS.sandbox ),
		...( options.onSandboxTenant
			? { onSandboxTenant: options.onSandboxTenant }
			: {} ),
	} );
	const templates = new TemplateCatalog(
		db,
		options.directory,
		accounts,
		clock
	);
	const edge = { ...DEFAULT_EDGE, ...options.edge };
	const campaigns = new CampaignService(
		db,
		clock,
		templates,
		edge.site,
		async ( tenantId ) =>
			(
				await db
					.selectFrom( 'tenants' )
					.select( 'messaging_limit_tier' )
					.where( 'id', '=', tenantId )
					.executeTakeFirst()
			)?.messaging_limit_tier
	);
	const control = options.sandboxControl;
	const sandboxOptions = {
		allowedHosts: [
			hostOf( options.publicUrl ),
			...( options.allowedHosts ?? [] ),
		],
		// Accounts made through the control API send webhooks to this bridge only.
		webhookUrlPrefixes: [ `${ options.publicUrl }/v1/webhooks/whatsapp` ],
		...options.sandboxOptions,
		...( control
			? {
					controlToken: control.token,
					controlGuard: async () => {
						if ( control.withRealTenants ) {
							return null;
						}
						const real = await db
							.selectFrom( 'tenants' )
							.select( 'id' )
							.where( 'access_token', 'is not', null )
							.where( 'phone_number_id', 'is not', null )
							.limit( 1 )
							.executeTakeFirst();
						return real
							? 'The emulator control API is off while a tenant has real WhatsApp credentials (RONDINE_SANDBOX_CONTROL_WITH_REAL_TENANTS=1 allows it).'
							: null;
					},
				}
			: { controlToken: undefined } ),
	};
	const app = await buildApp( {
		storage: options.storage,
		clock,
		box,
		publicUrl: options.publicUrl,
		campaigns,
		accounts,
		directory: options.directory,
		messenger: options.messenger,
		logger: options.httpLogger ? log : false,
		sandboxPlugin: options.sandboxPlugin,
		webhooksPlugin: options.webhooksPlugin,
		sandboxOptions,
		edge,
		...( options.webhooksOptions
			? { webhooksOptions: options.webhooksOptions }
			: {} ),
	} );
	const siteClient = new SiteClient( clock, options.siteTimeoutMs, {
		policy: edge.site,
		log,
	} );
	const snapshot = new AudienceSnapshot( db, siteClient, box, clock, {
		...DEFAULT_SNAPSHOT_OPTIONS,
		...options.snapshot,
	} );
	const singleProcess = options.storage.dialect === 'sqlite';
	const scheduler = new Scheduler(
		db,
		campaigns,
		snapshot,
		clock,
		workerId,
		log,
		{
			...DEFAULT_SCHEDULER_OPTIONS,
			singleProcess,
			...options.scheduler,
		}
	);
	const dispatcher = new Dispatcher(
		db,
		options.storage.dialect,
		clock,
		options.messenger,
		accounts,
		campaigns,
		workerId,
		log,
		{
			...DEFAULT_DISPATCHER_OPTIONS,
			shareThroughput: ! singleProcess,
			...options.dispatcher,
		}
	);
	const automations = new AutomationEngine(
		db,
		options.storage.dialect,
		clock,
		workerId,
		log,
		{ ...DEFAULT_ENGINE_OPTIONS, ...options.automations },
		() => dispatcher.wake()
	);
	// Tag, list and notify steps: posted to the sites from their outbox.
	const contactActions = new ContactActionReporter(
		db,
		box,
		clock,
		siteClient,
		log
	);
	// Date triggers: the day's contacts asked of the sites when the shop's local time comes.
	const dateTriggers = new DateTriggers(
		db,
		box,
		clock,
		siteClient,
		workerId,
		log,
		{ ...DEFAULT_DATE_TRIGGER_OPTIONS, ...options.dateTriggers }
	);
	let stopWake = () => {};
	let engineStarted = false;
	return {
		app,
		campaigns,
		accounts,
		scheduler,
		dispatcher,
		automations,
		contactActions,
		dateTriggers,
		box,
		workerId,
		async startEngine() {
			engineStarted = true;
			// Secrets an earlier version sealed with the bridge key itself go under the derived key.
			await resealLegacySecrets( db, box, clock.now() );
			await dispatcher.start();
			scheduler.start();
			automations.start();
			contactActions.start();
			dateTriggers.start();
			stopWake = onWake( () => automations.wake() );
		},
		async close() {
			if ( engineStarted ) {
				stopWake();
				await contactActions.stop();
				await dateTriggers.stop();
				await automations.stop();
				await scheduler.stop();
				await dispatcher.stop();
			}
			await app.close();
			await siteClient.close();
		},
	};
}
