/**
 * External dependencies
 */
import { createHmac } from 'node:crypto';

/**
 * Internal dependencies
 */
import type { SecretBox } from '../crypto/secret-box.js';
import type { WhatsAppAccount } from '../dispatch/messenger.js';
import type { Tenant } from '../storage/schema.js';
import { usesSandbox } from './tenants.js';

export interface AccountResolverOptions {
	graphUrl: string;
	graphVersion: string;
	/** `<public url>/sandbox`: where tenants without Meta credentials send. */
	sandboxGraphUrl: string;
	/** Key the sandbox app secrets are derived from (the bridge's secret key). */
	sandboxKey: Buffer;
	/** Called the first time a sandbox tenant is used in this process, so the emulator can create its account. */
	onSandboxTenant?: (
		tenant: Tenant,
		account: WhatsAppAccount,
		appSecret: string
	) => void | Promise< void >;
}

/**
 * Sandbox identities are derived from the tenant id so the emulator can tell tenants apart without any setup:
 * phone number id "sandbox-<tenant id>", WABA id "sandbox-waba-<tenant id>". The token is derived with the bridge's
 * secret key (like the app secret), so knowing a tenant id is not enough to send through its emulated number.
 */
export function sandboxAccount(
	tenant: Pick< Tenant, 'id' >,
	graphUrl: string,
	version: string,
	accessToken: string
): WhatsAppAccount {
	return {
		graphUrl,
		version,
		phoneNumberId: `sandbox-${ tenant.id }`,
		wabaId: `sandbox-waba-${ tenant.id }`,
		accessToken,
	};
}

export class AccountResolver {
	private readonly announced = new Map< string, string >();
	private readonly announcing = new Map< string, Promise< void > >();

	constructor(
		private readonly box: SecretBox,
		private readonly options: AccountResolverOptions
	) {}

	get sandboxGraphUrl(): string {
		return this.options.sandboxGraphUrl;
	}

	/** Tests learn the port only after listening. */
	setSandboxGraphUrl( url: string ): void {
		this.options.sandboxGraphUrl = url;
	}

	/** The secret that signs this tenant's webhooks (X-Hub-Signature-256): Meta's app secret, or a derived one in the sandbox. */
	appSecretFor( tenant: Tenant ): string | null {
		if ( usesSandbox( tenant ) ) {
			return this.sandboxAppSecret( tenant.id );
		}
		return tenant.app_secret
			? this.box.openString( tenant.app_secret )
			: null;
	}

	/** The emulator's app secret for a tenant without Meta credentials (derived, never stored). */
	sandboxAppSecret( tenantId: string ): string {
		return this.derive( `sandbox-app-secret:${ tenantId }` );
	}

	/** The emulator's access token for a tenant without Meta credentials (derived, never stored). */
	sandboxAccessToken( tenantId: string ): string {
		return `sandbox-${ this.derive( `sandbox-token:${ tenantId }` ) }`;
	}

	private derive( label: string ): string {
		return createHmac( 'sha256', this.options.sandboxKey )
			.update( label )
			.digest( 'hex' );
	}

	forTenant( tenant: Tenant ): WhatsAppAccount {
		if ( usesSandbox( tenant ) ) {
			const account = sandboxAccount(
				tenant,
				this.options.sandboxGraphUrl,
				this.options.graphVersion,
				this.sandboxAccessToken( tenant.id )
			);
			const version = `${ tenant.throughput_mps }|${ tenant.messaging_limit_tier }|${ tenant.quality }`;
			if (
				this.options.onSandboxTenant &&
				this.announced.get( tenant.id ) !== version
			) {
				this.announced.set( tenant.id, version );
				const done = this.options.onSandboxTenant(
					tenant,
					account,
					this.appSecretFor( tenant ) as string
				);
				if ( done ) {
					this.announcing.set(
						tenant.id,
						done.catch( ( error: unknown ) => {
							// Try again next time rather than send from an account the emulator does not know.
							this.announced.delete( tenant.id );
							throw error;
						} )
					);
				}
			}
			return account;
		}
		return {
			graphUrl: this.options.graphUrl,
			version: this.options.graphVersion,
			phoneNumberId: tenant.phone_number_id as string,
			wabaId: tenant.waba_id ?? '',
			accessToken: this.box.openString( tenant.access_token as string ),
		};
	}

	/** The account, once the emulator knows it (an external emulator is told over HTTP). */
	async prepare( tenant: Tenant ): Promise< WhatsAppAccount > {
		const account = this.forTenant( tenant );
		await this.announcing.get( tenant.id );
		return account;
	}

	/** An account from credentials not saved yet (PUT /v1/whatsapp checks them first). */
	candidate( credentials: {
		phoneNumberId: string;
		wabaId: string;
		accessToken: string;
	} ): WhatsAppAccount {
		return {
			graphUrl: this.options.graphUrl,
			version: this.options.graphVersion,
			...credentials,
		};
	}
}
