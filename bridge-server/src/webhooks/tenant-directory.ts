/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../storage/schema.js';
import type { WebhookEvent } from '../whatsapp/webhook-types.js';

/** What the webhook endpoint needs to know about a tenant to accept its webhooks. */
export interface WebhookTenant {
	id: string;
	phoneNumberId: string;
	wabaId: string;
	displayPhoneNumber: string;
	/** The Meta app secret that signs this tenant's webhooks; null when none is configured (then nothing is accepted). */
	appSecret: string | null;
	verifyToken: string | null;
}

export interface TenantDirectoryOptions {
	db: Kysely< Database >;
	box: SecretBox;
	/**
	 * How long the in-memory copy is trusted. A miss reloads sooner, at most once per `minReloadMs`. Both follow the
	 * monotonic clock, not the app's (a test clock must not freeze the cache).
	 */
	ttlMs?: number;
	minReloadMs?: number;
	/**
	 * The app secret the emulator signs with for a tenant without Meta credentials (those tenants are addressed as
	 * phone number id "sandbox-<tenant id>", see tenants/accounts.ts).
	 */
	sandboxAppSecret?: ( tenantId: string ) => string | null;
}

/**
 * Tenants by phone number id, WABA id and verify token, held in memory: the endpoint looks one up for every webhook
 * (thousands per second), and decrypting the app secret each time would cost more than the rest of the request.
 */
export class TenantDirectory {
	private byPhoneNumberId = new Map< string, WebhookTenant >();
	private byWabaId = new Map< string, WebhookTenant[] >();
	private byId = new Map< string, WebhookTenant >();
	private loadedAt = -Infinity;
	private loading: Promise< void > | null = null;
	private readonly secrets = new Map< string, string >();

	constructor( private readonly options: TenantDirectoryOptions ) {}

	/** Forget the copy (after credentials change), so the next lookup reads the database. */
	invalidate(): void {
		this.loadedAt = -Infinity;
	}

	async byPhoneNumber(
		phoneNumberId: string
	): Promise< WebhookTenant | undefined > {
		await this.fresh();
		const found = this.byPhoneNumberId.get( phoneNumberId );
		if ( found || ! ( await this.reloadOnMiss() ) ) {
			return found;
		}
		return this.byPhoneNumberId.get( phoneNumberId );
	}

	async byWaba( wabaId: string ): Promise< WebhookTenant[] > {
		await this.fresh();
		const found = this.byWabaId.get( wabaId );
		if ( found || ! ( await this.reloadOnMiss() ) ) {
			return found ?? [];
		}
		return this.byWabaId.get( wabaId ) ?? [];
	}

	async byTenantId( id: string ): Promise< WebhookTenant | undefined > {
		await this.fresh();
		const found = this.byId.get( id );
		if ( found || ! ( await this.reloadOnMiss() ) ) {
			return found;
		}
		return this.byId.get( id );
	}

	async byVerifyToken( token: string ): Promise< WebhookTenant[] > {
		await this.fresh();
		return [ ...this.byId.values() ].filter(
			( tenant ) =>
				tenant.verifyToken !== null && tenant.verifyToken === token
		);
	}

	private async fresh(): Promise< void > {
		if (
			performance.now() - this.loadedAt >
			( this.options.ttlMs ?? 10_000 )
		) {
			await this.load();
		}
	}

	private async reloadOnMiss(): Promise< boolean > {
		if (
			performance.now() - this.loadedAt <
			( this.options.minReloadMs ?? 1_000 )
		) {
			return false;
		}
		await this.load();
		return true;
	}

	private load(): Promise< void > {
		if ( ! this.loading ) {
			this.loading = this.read().finally( () => ( this.loading = null ) );
		}
		return this.loading;
	}

	private openSecret( sealed: string ): string | null {
		let plain = this.secrets.get( sealed );
		if ( plain === undefined ) {
			try {
				plain = this.options.box.openString( sealed );
			} catch {
				return null;
			}
			this.secrets.set( sealed, plain );
		}
		return plain;
	}

	private async read(): Promise< void > {
		const rows = await this.options.db
			.selectFrom( 'tenants' )
			.select( [
				'id',
				'phone_number_id',
				'waba_id',
				'display_phone_number',
				'app_secret',
				'verify_token',
			] )
			.execute();
		const byPhoneNumberId = new Map< string, WebhookTenant >();
		const byWabaId = new Map< string, WebhookTenant[] >();
		const byId = new Map< string, WebhookTenant >();
		for ( const row of rows ) {
			const sandbox = row.phone_number_id === null;
			const tenant: WebhookTenant = {
				id: row.id,
				phoneNumberId: row.phone_number_id ?? `sandbox-${ row.id }`,
				wabaId:
					row.waba_id ??
					( sandbox ? `sandbox-waba-${ row.id }` : '' ),
				displayPhoneNumber: row.display_phone_number ?? '',
				appSecret: row.app_secret
					? this.openSecret( row.app_secret )
					: ( sandbox &&
							this.options.sandboxAppSecret?.( row.id ) ) ||
						null,
				verifyToken: row.verify_token,
			};
			byId.set( tenant.id, tenant );
			byPhoneNumberId.set( tenant.phoneNumberId, tenant );
			if ( tenant.wabaId ) {
				byWabaId.set( tenant.wabaId, [
					...( byWabaId.get( tenant.wabaId ) ?? [] ),
					tenant,
				] );
			}
		}
		this.byPhoneNumberId = byPhoneNumberId;
		this.byWabaId = byWabaId;
		this.byId = byId;
		this.loadedAt = performance.now();
	}
}

/**
 * The tenant each event belongs to: by the business phone number id of its change, or by the WhatsApp Business
 * Account id for changes that carry no phone number (template and quality updates).
 */
export async function attributeEvents(
	directory: TenantDirectory,
	events: WebhookEvent[]
): Promise< {
	tenants: Map< string, WebhookTenant >;
	attributed: Array< { tenantId: string; event: WebhookEvent } >;
} > {
	const tenants = new Map< string, WebhookTenant >();
	const attributed: Array< { tenantId: string; event: WebhookEvent } > = [];
	for ( const event of events ) {
		const phoneNumberId =
			'phoneNumberId' in event ? event.phoneNumberId : '';
		let owners: WebhookTenant[] = [];
		if ( phoneNumberId ) {
			const tenant = await directory.byPhoneNumber( phoneNumberId );
			owners = tenant ? [ tenant ] : [];
		} else if ( event.wabaId ) {
			owners = await directory.byWaba( event.wabaId );
			if (
				event.kind === 'phone_number_quality_update' &&
				owners.length > 1
			) {
				const digits = event.displayPhoneNumber.replace( /\D/g, '' );
				owners = owners.filter(
					( t ) =>
						t.displayPhoneNumber.replace( /\D/g, '' ) === digits
				);
			}
		}
		for ( const tenant of owners ) {
			tenants.set( tenant.id, tenant );
			attributed.push( { tenantId: tenant.id, event } );
		}
	}
	return { tenants, attributed };
}
