/**
 * Webhook payloads of the WhatsApp Business Account object, typed and parsed tolerantly.
 *
 * Meta adds fields, message types and whole change fields without notice, and newer payloads may carry business-scoped
 * user ids with an empty `wa_id`/`recipient_id`/`from`. So parsing never throws on a well-formed JSON value: whatever is
 * not understood comes out as an `unknown` event (or is ignored inside a known one), to be stored and skipped.
 */

/** A status error as sent in `statuses[].errors[]`. */
export interface StatusError {
	code: number;
	title: string;
	message: string;
	details: string;
}

export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusEvent {
	kind: 'status';
	wabaId: string;
	phoneNumberId: string;
	/** The wamid returned when the message was sent. */
	wamid: string;
	/** `sent`, `delivered`, `read`, `failed`, or a newer value Meta may add (`deleted`, `warning`, ...). */
	status: MessageStatus | ( string & {} );
	/** Unix seconds. */
	timestamp: number;
	/** Empty when Meta sends only a business-scoped user id. */
	recipientId: string;
	userId: string;
	bizOpaqueCallbackData: string | null;
	pricing: {
		billable: boolean;
		pricingModel: string;
		category: string;
		type: string;
	} | null;
	errors: StatusError[];
}

export interface InboundMessageEvent {
	kind: 'message';
	wabaId: string;
	phoneNumberId: string;
	/** The inbound message's own id. */
	id: string;
	/** Sender's phone digits (no `+`); empty when only `fromUserId` is given. */
	from: string;
	fromUserId: string;
	/** Sender's profile name, from `contacts[]`, when given. */
	profileName: string;
	timestamp: number;
	/** `text`, `button`, `interactive`, `reaction`, `unsupported`, ... kept as sent. */
	type: string;
	/** The wamid of the business message this one answers, when it is a reply or a button tap. */
	contextId: string | null;
	text: string | null;
	/** A template quick-reply tap (`type: button`): the payload set when sending, and the button's label. */
	button: { payload: string; text: string } | null;
	/** An interactive reply (`button_reply` / `list_reply`). */
	interactive: { type: string; id: string; title: string } | null;
}

export interface UserPreferenceEvent {
	kind: 'user_preference';
	wabaId: string;
	phoneNumberId: string;
	waId: string;
	userId: string;
	/** `marketing_messages` today. */
	category: string;
	/** `stop` or `resume`. */
	value: string;
	detail: string;
	timestamp: number;
}

export interface PhoneNumberQualityEvent {
	kind: 'phone_number_quality_update';
	wabaId: string;
	displayPhoneNumber: string;
	/** `THROUGHPUT_UPGRADE`, `UPGRADE`, `DOWNGRADE`, `FLAGGED`, `UNFLAGGED`, ... */
	event: string;
	/** `TIER_250` ... `TIER_UNLIMITED`, when given. */
	currentLimit: string | null;
}

export interface TemplateStatusEvent {
	kind: 'message_template_status_update';
	wabaId: string;
	templateId: string;
	name: string;
	language: string;
	/** `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, `PENDING_DELETION`, ... */
	event: string;
	reason: string | null;
	category: string | null;
}

export interface TemplateCategoryEvent {
	kind: 'template_category_update';
	wabaId: string;
	templateId: string;
	name: string;
	language: string;
	newCategory: string;
	previousCategory: string | null;
	correctCategory: string | null;
	/** Unix seconds when an impending change takes effect, when given. */
	effectiveAt: number | null;
}

/** A change this parser does not understand; kept whole so it can be stored and looked at. */
export interface UnknownEvent {
	kind: 'unknown';
	wabaId: string;
	field: string;
	value: unknown;
}

export type WebhookEvent =
	| StatusEvent
	| InboundMessageEvent
	| UserPreferenceEvent
	| PhoneNumberQualityEvent
	| TemplateStatusEvent
	| TemplateCategoryEvent
	| UnknownEvent;

export interface ParsedWebhook {
	/** `whatsapp_business_account` for WhatsApp; anything else yields no events. */
	object: string;
	events: WebhookEvent[];
}

type Json = Record< string, unknown >;

function isObject( value: unknown ): value is Json {
	return (
		typeof value === 'object' && value !== null && ! Array.isArray( value )
	);
}

function objects( value: unknown ): Json[] {
	return Array.isArray( value ) ? value.filter( isObject ) : [];
}

function str( value: unknown ): string {
	if ( typeof value === 'string' ) {
		return value;
	}
	return typeof value === 'number' || typeof value === 'bigint'
		? String( value )
		: '';
}

function strOrNull( value: unknown ): string | null {
	const s = str( value );
	return s === '' ? null : s;
}

/** A number Meta may send as a numeric string (times in message payloads) or as a number (elsewhere); 0 when neither. */
function numeric( value: unknown ): number {
	const n = typeof value === 'number' ? value : Number( str( value ) );
	return Number.isFinite( n ) ? n : 0;
}

function field( object: unknown, key: string ): Json {
	if ( ! isObject( object ) ) {
		return {};
	}
	const inner = object[ key ];
	return isObject( inner ) ? inner : {};
}

function parseStatus(
	status: Json,
	wabaId: string,
	phoneNumberId: string
): StatusEvent {
	const pricing = status.pricing;
	return {
		kind: 'status',
		wabaId,
		phoneNumberId,
		wamid: str( status.id ),
		status: str( status.status ),
		timestamp: numeric( status.timestamp ),
		recipientId: str( status.recipient_id ),
		userId: str( status.recipient_user_id ?? status.user_id ),
		bizOpaqueCallbackData: strOrNull( status.biz_opaque_callback_data ),
		pricing: isObject( pricing )
			? {
					billable: pricing.billable === true,
					pricingModel: str( pricing.pricing_model ),
					category: str( pricing.category ),
					type: str( pricing.type ),
				}
			: null,
		errors: objects( status.errors ).map( ( error ) => ( {
			code: numeric( error.code ),
			title: str( error.title ),
			message: str( error.message ),
			details: str( field( error, 'error_data' ).details ),
		} ) ),
	};
}

function parseMessage(
	message: Json,
	contacts: Json[],
	wabaId: string,
	phoneNumberId: string
): InboundMessageEvent {
	const from = str( message.from );
	const fromUserId = str( message.from_user_id );
	const contact = contacts.find(
		( c ) =>
			( from !== '' && str( c.wa_id ) === from ) ||
			( fromUserId !== '' && str( c.user_id ) === fromUserId )
	);
	const type = str( message.type );
	const button = field( message, 'button' );
	const interactive = field( message, 'interactive' );
	const interactiveType = str( interactive.type );
	const reply = field( interactive, interactiveType );
	const context = field( message, 'context' );
	return {
		kind: 'message',
		wabaId,
		phoneNumberId,
		id: str( message.id ),
		from,
		fromUserId,
		profileName: str( field( contact, 'profile' ).name ),
		timestamp: numeric( message.timestamp ),
		type,
		contextId: strOrNull( context.id ),
		text: strOrNull( field( message, 'text' ).body ),
		button:
			type === 'button'
				? { payload: str( button.payload ), text: str( button.text ) }
				: null,
		interactive:
			type === 'interactive' && interactiveType !== ''
				? {
						type: interactiveType,
						id: str( reply.id ),
						title: str( reply.title ),
					}
				: null,
	};
}

function parseChange( change: Json, wabaId: string ): WebhookEvent[] {
	const name = str( change.field );
	const value = field( change, 'value' );
	const phoneNumberId = str( field( value, 'metadata' ).phone_number_id );
	switch ( name ) {
		case 'messages': {
			const contacts = objects( value.contacts );
			const events: WebhookEvent[] = [
				...objects( value.statuses ).map( ( s ) =>
					parseStatus( s, wabaId, phoneNumberId )
				),
				...objects( value.messages ).map( ( m ) =>
					parseMessage( m, contacts, wabaId, phoneNumberId )
				),
			];
			return events.length > 0
				? events
				: [ { kind: 'unknown', wabaId, field: name, value } ];
		}
		case 'user_preferences':
			return objects( value.user_preferences ).map( ( p ) => ( {
				kind: 'user_preference',
				wabaId,
				phoneNumberId,
				waId: str( p.wa_id ),
				userId: str( p.user_id ),
				category: str( p.category ),
				value: str( p.value ),
				detail: str( p.detail ),
				timestamp: numeric( p.timestamp ),
			} ) );
		case 'phone_number_quality_update':
			return [
				{
					kind: 'phone_number_quality_update',
					wabaId,
					displayPhoneNumber: str( value.display_phone_number ),
					event: str( value.event ),
					currentLimit: strOrNull( value.current_limit ),
				},
			];
		case 'message_template_status_update':
			return [
				{
					kind: 'message_template_status_update',
					wabaId,
					templateId: str( value.message_template_id ),
					name: str( value.message_template_name ),
					language: str( value.message_template_language ),
					event: str( value.event ),
					reason: strOrNull( value.reason ),
					category: strOrNull( value.message_template_category ),
				},
			];
		case 'template_category_update':
			return [
				{
					kind: 'template_category_update',
					wabaId,
					templateId: str( value.message_template_id ),
					name: str( value.message_template_name ),
					language: str( value.message_template_language ),
					newCategory: str( value.new_category ),
					previousCategory: strOrNull( value.previous_category ),
					correctCategory: strOrNull( value.correct_category ),
					effectiveAt:
						value.category_update_timestamp === undefined
							? null
							: numeric( value.category_update_timestamp ),
				},
			];
		default:
			return [ { kind: 'unknown', wabaId, field: name, value } ];
	}
}

/**
 * Every event of a webhook body (already JSON-parsed), in the order Meta listed them.
 *
 * @param body The parsed JSON body; any value is accepted.
 */
export function parseWebhook( body: unknown ): ParsedWebhook {
	if ( ! isObject( body ) ) {
		return { object: '', events: [] };
	}
	const object = str( body.object );
	if ( object !== 'whatsapp_business_account' ) {
		return { object, events: [] };
	}
	const events = objects( body.entry ).flatMap( ( entry ) =>
		objects( entry.changes ).flatMap( ( change ) =>
			parseChange( change, str( entry.id ) )
		)
	);
	return { object, events };
}

/**
 * The accounts a webhook body is about, to find the tenant (and so the app secret) before the signature is checked:
 * phone number ids from `metadata` and WABA ids from `entry[].id` (template and quality updates carry only the latter).
 *
 * @param body The parsed JSON body; any value is accepted.
 */
export function webhookAccounts( body: unknown ): {
	phoneNumberIds: string[];
	wabaIds: string[];
} {
	const phoneNumberIds = new Set< string >();
	const wabaIds = new Set< string >();
	if ( isObject( body ) ) {
		for ( const entry of objects( body.entry ) ) {
			const wabaId = str( entry.id );
			if ( wabaId !== '' ) {
				wabaIds.add( wabaId );
			}
			for ( const change of objects( entry.changes ) ) {
				const id = str(
					field( field( change, 'value' ), 'metadata' )
						.phone_number_id
				);
				if ( id !== '' ) {
					phoneNumberIds.add( id );
				}
			}
		}
	}
	return { phoneNumberIds: [ ...phoneNumberIds ], wabaIds: [ ...wabaIds ] };
}
