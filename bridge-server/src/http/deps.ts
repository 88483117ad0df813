/**
 * What the HTTP API is built from: the dependencies every route plugin receives (app.ts composes them; the route
 * plugins of src/http, src/stats, src/privacy and src/webhooks read them). Kept apart from app.ts so that a route
 * plugin never imports the module that registers it (no cycle: see scripts/check-layers.mjs).
 */
import type { FastifyPluginAsync, FastifyServerOptions } from 'fastify';

import type { CampaignService } from '../campaigns/campaign-service.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Messenger, WhatsAppDirectory } from '../dispatch/messenger.js';
import type { Storage } from '../storage/database.js';
import type { AccountResolver } from '../tenants/accounts.js';
import { STRICT_SITE_POLICY, type SitePolicy } from '../net/site-url.js';

export interface AppDeps {
	storage: Storage;
	clock: Clock;
	box: SecretBox;
	publicUrl: string;
	campaigns: CampaignService;
	accounts: AccountResolver;
	directory: WhatsAppDirectory;
	/** Sends "test to my phone" messages (POST /v1/test-message); the dispatcher's messenger. */
	messenger?: Messenger | undefined;
	logger?: FastifyServerOptions[ 'logger' ];
	/** The emulator (src/sandbox), served under /sandbox when given. */
	sandboxPlugin?: FastifyPluginAsync< any > | undefined;
	sandboxOptions?: Record< string, unknown >;
	/** Webhooks from the Cloud API (src/webhooks), registered at the root when given. */
	webhooksPlugin?: FastifyPluginAsync< any > | undefined;
	webhooksOptions?: Record< string, unknown >;
	/** Timeouts, the per-IP failure limit and the site URL policy; strict defaults (src/http/edge-config.ts). */
	edge?: Partial< AppEdgeOptions >;
}

export interface AppEdgeOptions {
	requestTimeoutMs: number;
	connectionTimeoutMs: number;
	keepAliveTimeoutMs: number;
	authFailureLimit: number;
	authFailureWindowMs: number;
	site: SitePolicy;
	/** Fastify's trustProxy (hops or proxy addresses); undefined: client IP is the socket's. */
	trustProxy?: number | string[] | undefined;
}

export const DEFAULT_EDGE: AppEdgeOptions = {
	requestTimeoutMs: 30_000,
	connectionTimeoutMs: 60_000,
	keepAliveTimeoutMs: 10_000,
	authFailureLimit: 30,
	authFailureWindowMs: 60_000,
	site: STRICT_SITE_POLICY,
};
