/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type {
	MessageTemplate,
	WhatsAppDirectory,
} from '../dispatch/messenger.js';
import type { Database, Tenant } from '../storage/schema.js';
import type { AccountResolver } from '../tenants/accounts.js';
import { DomainError } from '../errors.js';

/** Template management calls are limited (200/h per WABA): keep the list for a few minutes. */
export const TEMPLATES_TTL_MS = 5 * 60_000;

export class TemplateCatalog {
	constructor(
		private readonly db: Kysely< Database >,
		private readonly directory: WhatsAppDirectory,
		private readonly accounts: AccountResolver,
		private readonly clock: Clock
	) {}

	async list(
		tenant: Tenant,
		refresh = false
	): Promise< MessageTemplate[] > {
		const now = this.clock.now();
		if ( ! refresh ) {
			const cached = await this.db
				.selectFrom( 'templates_cache' )
				.selectAll()
				.where( 'tenant_id', '=', tenant.id )
				.executeTakeFirst();
			if ( cached && now - cached.fetched_at < TEMPLATES_TTL_MS ) {
				return JSON.parse( cached.templates ) as MessageTemplate[];
			}
		}
		let templates: MessageTemplate[];
		try {
			templates = await this.directory.listTemplates(
				await this.accounts.prepare( tenant )
			);
		} catch ( error ) {
			throw new DomainError(
				'upstream_unavailable',
				'whatsapp_unavailable',
				`Could not read the templates from the Cloud API: ${ error instanceof Error ? error.message : String( error ) }`
			);
		}
		const row = {
			tenant_id: tenant.id,
			templates: JSON.stringify( templates ),
			fetched_at: now,
		};
		await this.db
			.insertInto( 'templates_cache' )
			.values( row )
			.onConflict( ( oc ) =>
				oc.column( 'tenant_id' ).doUpdateSet( {
					templates: row.templates,
					fetched_at: now,
				} )
			)
			.execute();
		return templates;
	}

	async find(
		tenant: Tenant,
		name: string,
		language: string
	): Promise< MessageTemplate | undefined > {
		const match = ( list: MessageTemplate[] ) =>
			list.find( ( t ) => t.name === name && t.language === language );
		// A template approved a minute ago is not in a 4-minute-old list: look again before saying it does not exist.
		return (
			match( await this.list( tenant ) ) ??
			match( await this.list( tenant, true ) )
		);
	}

	async forget( tenantId: string ): Promise< void > {
		await this.db
			.deleteFrom( 'templates_cache' )
			.where( 'tenant_id', '=', tenantId )
			.execute();
	}
}
