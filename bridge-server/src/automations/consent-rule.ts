/**
 * Who may receive an automation's template, by its category (issue 16, "marketing consent by template category";
 * docs/design/automations-contract.md "Consent by template category"), checked right before the run's send:
 *
 * - MARKETING: only a phone with marketing consent. The bridge's record of it is `marketing_preferences` (the site
 *   pushes every consent change through its outbox; WhatsApp's own STOP and resume land there too): `resume` is
 *   consent, `stop` is none. A phone the bridge has no record of counts as consenting only when the run's contact
 *   values, which the site sent with the run's start, say `consent: granted`.
 * - UTILITY and AUTHENTICATION: a phone with marketing consent, or a customer of an order (the run's event names
 *   one: `data.order_id`) unless the shop chose to send messages about orders only to those who agreed to WhatsApp
 *   messages (`data.order_messages_to: consented`, the site's default), or a contact who wrote to the shop in the
 *   last 24 hours (the conversation is theirs).
 *
 * A template's category is the one Meta lists for it now (`templates_cache`: Meta may move a template to MARKETING
 * after approval), else the category the step was saved with (UTILITY or AUTHENTICATION), else MARKETING. Free-form text (send_text inside the
 * 24-hour window) is a reply to the person and is not a template: no category rule.
 */

/**
 * External dependencies
 */
import type { Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { withWebhookTables } from '../webhooks/schema.js';
import type { TemplateCategory, TemplateRef } from './types.js';

export type ConsentRefusal = 'no_marketing_consent' | 'no_utility_context';

const CATEGORY_TTL_MS = 60_000;
const categories = new Map<
	string,
	{ byTemplate: Map< string, TemplateCategory >; readAt: number }
>();

/** The category a template is sent under (see above); Meta's list is read at most once a minute per tenant. */
export async function sendCategory(
	trx: Transaction< Database >,
	tenantId: string,
	template: TemplateRef,
	now: number
): Promise< TemplateCategory > {
	let known = categories.get( tenantId );
	if ( ! known || Math.abs( now - known.readAt ) >= CATEGORY_TTL_MS ) {
		const row = await trx
			.selectFrom( 'templates_cache' )
			.select( 'templates' )
			.where( 'tenant_id', '=', tenantId )
			.executeTakeFirst();
		const byTemplate = new Map< string, TemplateCategory >();
		let listed: unknown = [];
		try {
			listed = row ? JSON.parse( row.templates ) : [];
		} catch {
			listed = [];
		}
		for ( const t of Array.isArray( listed ) ? listed : [] ) {
			const category = String( t?.category ?? '' ).toUpperCase();
			if (
				typeof t?.name === 'string' &&
				typeof t?.language === 'string' &&
				( category === 'MARKETING' ||
					category === 'UTILITY' ||
					category === 'AUTHENTICATION' )
			) {
				byTemplate.set(
					`${ t.name }\u0000${ t.language }`,
					category as TemplateCategory
				);
			}
		}
		if ( categories.size > 10_000 ) {
			categories.clear();
		}
		known = { byTemplate, readAt: now };
		categories.set( tenantId, known );
	}
	const saved = template.category;
	return (
		known.byTemplate.get(
			`${ template.name }\u0000${ template.language }`
		) ??
		( saved === 'UTILITY' || saved === 'AUTHENTICATION'
			? saved
			: 'MARKETING' )
	);
}

export interface ConsentSubject {
	tenantId: string;
	phone: string;
	/** The run's contact values (the site's `consent` among them, when the site sent it). */
	contact: Record< string, string >;
	/** The run's trigger event data. */
	event: Record< string, unknown >;
	/**
	 * Whether a campaign started the run: its audience is what the site streamed for the campaign, which holds only
	 * contacts who agreed to WhatsApp messages, so the site's consent at the campaign's start stands in for `consent`.
	 */
	fromCampaign?: boolean;
}

async function hasMarketingConsent(
	trx: Transaction< Database >,
	who: ConsentSubject
): Promise< boolean > {
	const preference = await withWebhookTables( trx )
		.selectFrom( 'marketing_preferences' )
		.select( 'value' )
		.where( 'tenant_id', '=', who.tenantId )
		.where( 'phone', '=', who.phone )
		.executeTakeFirst();
	if ( preference ) {
		return preference.value === 'resume';
	}
	return who.contact.consent === 'granted' || who.fromCampaign === true;
}

/**
 * Whether the run is about an order of the person that counts as context for a utility message: its event names
 * an order, and the shop's rule sent with the order events (`order_messages_to`) is not `consented` (only those
 * who agreed to WhatsApp messages). Events without the rule (a date trigger's last order) keep the order as context.
 */
function namesAnOrder( event: Record< string, unknown > ): boolean {
	const id = event.order_id;
	if ( event.order_messages_to === 'consented' ) {
		return false;
	}
	return (
		( typeof id === 'number' && id > 0 ) ||
		( typeof id === 'string' && id.trim() !== '' )
	);
}

/**
 * Why this template may not be sent to this run's phone, or null when it may.
 *
 * @param trx        The tick's transaction.
 * @param who        The run's phone, contact values and event data.
 * @param category   The category it would be sent under (sendCategory).
 * @param windowOpen Whether the phone wrote to the shop in the last 24 hours (asked only when it matters).
 */
export async function consentRefusal(
	trx: Transaction< Database >,
	who: ConsentSubject,
	category: TemplateCategory,
	windowOpen: () => Promise< boolean >
): Promise< ConsentRefusal | null > {
	if ( await hasMarketingConsent( trx, who ) ) {
		return null;
	}
	if ( category !== 'UTILITY' && category !== 'AUTHENTICATION' ) {
		return 'no_marketing_consent';
	}
	if ( namesAnOrder( who.event ) || ( await windowOpen() ) ) {
		return null;
	}
	return 'no_utility_context';
}
