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
}

/**
 * Sandbox identities are derived from the tenant id so the emulator can tell tenants apart without any setup:
 * phone number id "sandbox-<tenant id>", WABA id "sandbox-waba-<tenant id>", token "sandbox-token-<tenant id>".
 */
export function sandboxAccount( tenant: Pick< Tenant, 'id' >, graphUrl: string, version: string ): WhatsAppAccount {
	return {
		graphUrl,
		version,
		phoneNumberId: `sandbox-${ tenant.id }`,
		wabaId: `sandbox-waba-${ tenant.id }`,
		accessToken: `sandbox-token-${ tenant.id }`,
	};
}

export class AccountResolver {
	constructor(
		private readonly box: SecretBox,
		private readonly options: AccountResolverOptions
	) {}

	get sandboxGraphUrl(): string {
		return this.options.sandboxGraphUrl;
	}

	forTenant( tenant: Tenant ): WhatsAppAccount {
		if ( usesSandbox( tenant ) ) {
			return sandboxAccount( tenant, this.options.sandboxGraphUrl, this.options.graphVersion );
		}
		return {
			graphUrl: this.options.graphUrl,
			version: this.options.graphVersion,
			phoneNumberId: tenant.phone_number_id as string,
			wabaId: tenant.waba_id ?? '',
			accessToken: this.box.openString( tenant.access_token as string ),
		};
	}

	/** An account from credentials not saved yet (PUT /v1/whatsapp checks them first). */
	candidate( credentials: { phoneNumberId: string; wabaId: string; accessToken: string } ): WhatsAppAccount {
		return {
			graphUrl: this.options.graphUrl,
			version: this.options.graphVersion,
			...credentials,
		};
	}
}
