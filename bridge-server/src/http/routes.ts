/**
 * The signed /v1 API: one route plugin per resource, registered here in one place and in this order (the OpenAPI
 * document, bridge-server/openapi.json, lists the paths in registration order). Each plugin receives only the
 * dependencies it uses; DomainErrors and ApiErrors become HTTP answers in one error handler (http/errors.ts).
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';

/**
 * Internal dependencies
 */
import type { AppDeps } from './deps.js';
import { TemplateCatalog } from '../campaigns/templates.js';
import { STRICT_SITE_POLICY } from '../net/site-url.js';
import { statsRoutes } from '../stats/index.js';
import { privacyRoutes } from '../privacy/routes.js';
import { automationRoutes } from '../automations/routes.js';
import { accountRoutes } from './account-routes.js';
import { campaignRoutes } from './campaign-routes.js';
import { ownerRoutes } from './owner-routes.js';
import { policyRoutes } from './policy-routes.js';
import { templateRoutes } from './template-routes.js';

export { credentialsError } from './credentials.js';

export const apiRoutes: FastifyPluginAsync< { deps: AppDeps } > = async (
	api,
	{ deps }
) => {
	const { campaigns, accounts, storage, clock, box } = deps;
	const db = storage.db;
	// One catalog for both: saving new credentials forgets the templates GET /templates cached.
	const catalog = new TemplateCatalog( db, deps.directory, accounts, clock );

	// The tenant's WhatsApp credentials, site and status.
	await api.register( accountRoutes, {
		db,
		clock,
		box,
		accounts,
		directory: deps.directory,
		catalog,
		sitePolicy: deps.edge?.site ?? STRICT_SITE_POLICY,
	} );
	// The WhatsApp account's message templates.
	await api.register( templateRoutes, { catalog } );
	// Campaigns and their lifecycle.
	await api.register( campaignRoutes, { campaigns } );
	// Daily-limit forecast and "send a test to my phone" (src/http/owner-routes.ts).
	await api.register( ownerRoutes, {
		campaigns,
		accounts,
		storage,
		clock,
		messenger: deps.messenger,
	} );
	// Stats, drill-down, CSV export and interaction settings (src/stats).
	await api.register( statsRoutes, { campaigns, storage, clock } );
	// Consent changes, privacy export and erasure (src/privacy).
	await api.register( privacyRoutes, { storage, clock } );
	// Quiet hours and the marketing frequency cap (src/http/policy-routes.ts, applied in src/dispatch/claim.ts).
	await api.register( policyRoutes, { db, clock } );
	// Automations, their runs and the events that start and end them (src/automations).
	await api.register( automationRoutes, { storage, clock } );
};
