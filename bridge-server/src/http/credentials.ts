/**
 * WhatsApp Cloud API credentials as the account routes check them: the owner's words for a refusal
 * (`credentialsError`), the "number taken" conflict, and whether new credentials keep the verified webhooks.
 */

/**
 * Internal dependencies
 */
import { WhatsAppApiError } from '../dispatch/messenger.js';
import type { Tenant } from '../storage/schema.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { ApiError } from './errors.js';

/** Whether new credentials keep the number and app secret whose webhooks were verified (a stored secret that cannot be opened does not). */
export function sameWebhookCredentials(
	tenant: Tenant,
	phoneNumberId: string,
	appSecret: string,
	box: SecretBox
): boolean {
	if ( tenant.phone_number_id !== phoneNumberId || ! tenant.app_secret ) {
		return false;
	}
	try {
		return box.openString( tenant.app_secret ) === appSecret;
	} catch {
		return false;
	}
}

/**
 * Why the Cloud API refused credentials, as a stable error code the plugin turns into the owner's words (one code per
 * thing the owner can fix), from Meta's error code and the call that failed.
 *
 * @param error The failure of the phone number read (`step` 'phone') or of the templates list ('waba').
 * @param step  Which call failed.
 */
export function credentialsError(
	error: unknown,
	step: 'phone' | 'waba'
): ApiError {
	const code = error instanceof WhatsAppApiError ? error.code : undefined;
	const detail =
		error instanceof WhatsAppApiError
			? error.message
			: 'no answer from the Cloud API';
	let reason = 'whatsapp_credentials_rejected';
	if ( code === undefined ) {
		reason = 'whatsapp_unreachable';
	} else if ( code === 190 || code === 0 ) {
		reason = 'whatsapp_token_rejected';
	} else if ( code === 3 || code === 10 || ( code >= 200 && code <= 299 ) ) {
		reason = 'whatsapp_permission_missing';
	} else if ( code === 100 ) {
		reason =
			step === 'phone'
				? 'whatsapp_phone_number_id_unknown'
				: 'whatsapp_waba_id_unknown';
	}
	return new ApiError(
		422,
		reason,
		`The Cloud API did not accept these credentials (${ detail }); nothing was saved.`
	);
}

export function phoneNumberConflict( phoneNumberId: string ): ApiError {
	return new ApiError(
		409,
		'phone_number_id_taken',
		`The WhatsApp number ${ phoneNumberId } is already connected to another shop on this bridge; one number can serve one shop only. Nothing was saved.`
	);
}
