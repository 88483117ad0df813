/**
 * Internal dependencies
 */
import { isMessageStatus, type MessageStatus } from './status-merge';

/**
 * The webhook payload reduced to the events Rondine acts on. Meta's payloads are read defensively: every field may
 * be missing or of another type, unknown fields, change types and message types are kept as `unknown` events (the raw
 * body is stored anyway), and nothing here throws on a parsed JSON value.
 */

export interface StatusError {
	code: number | null;
	title: string;
	details: string;
}

export interface StatusEvent {
	kind: 'status';
	phoneNumberId: string;
	wamid: string;
	status: MessageStatus;
	timestamp: number;
	/** Phone of the person; empty when Meta sends only a business-scoped user id. */
	recipientId: string;
	userId: string;
	callbackData: string;
	errors: StatusError[];
}

export interface InboundEvent {
	kind: 'inbound';
	phoneNumberId: string;
	messageId: string;
	from: string;
	userId: string;
	timestamp: number;
	type: string;
	/** The wamid of the message this one answers (`context.id`), or ''. */
	contextId: string;
	/** Quick-reply payload (`button.payload`) or interactive reply id; '' for other messages. */
	payload: string;
	/** What the person saw or typed: button text, reply title or text body (trimmed to 1,000 characters). */
	text: string;
}

export interface PreferenceEvent {
	kind: 'user_preference';
	phoneNumberId: string;
	waId: string;
	userId: string;
	category: string;
	value: string;
	timestamp: number;
}

export interface QualityEvent {
	kind: 'phone_quality';
	wabaId: string;
	displayPhoneNumber: string;
	event: string;
	currentLimit: string;
}

export interface TemplateStatusEvent {
	kind: 'template_status';
	wabaId: string;
	templateId: string;
	name: string;
	language: string;
	event: string;
	reason: string;
}

export interface TemplateCategoryEvent {
	kind: 'template_category';
	wabaId: string;
	templateId: string;
	name: string;
	language: string;
	newCategory: string;
}

export interface UnknownEvent {
	kind: 'unknown';
	field: string;
}

export type WebhookEvent =
	| StatusEvent
	| InboundEvent
	| PreferenceEvent
	| QualityEvent
	| TemplateStatusEvent
	| TemplateCategoryEvent
	| UnknownEvent;

/** Which tenants a payload speaks for: business phone number ids, and WhatsApp Business Account ids for changes without metadata. */
export interface PayloadOwners {
	phoneNumberIds: Set< string >;
	wabaIds: Set< string >;
}

type Json = Record< string, unknown >;

function obj( value: unknown ): Json {
	return value !== null &&
		typeof value === 'object' &&
		! Array.isArray( value )
		? ( value as Json )
		: {};
}

function arr( value: unknown ): unknown[] {
	return Array.isArray( value ) ? value : [];
}

/** Meta sends ids and timestamps sometimes as strings, sometimes as numbers. */
function str( value: unknown ): string {
	if ( typeof value === 'string' ) {
		return value;
	}
	if ( typeof value === 'number' && Number.isFinite( value ) ) {
		return String( value );
	}
	return '';
}

function seconds( value: unknown ): number {
	const n = typeof value === 'number' ? value : Number( str( value ) );
	return Number.isFinite( n ) && n > 0 ? Math.floor( n ) : 0;
}

function statusEvent(
	raw: unknown,
	phoneNumberId: string
): StatusEvent | UnknownEvent {
	const s = obj( raw );
	const wamid = str( s.id );
	const status = str( s.status );
	if ( ! wamid || ! isMessageStatus( status ) || status === 'accepted' ) {
		return { kind: 'unknown', field: 'statuses' };
	}
	return {
		kind: 'status',
		phoneNumberId,
		wamid,
		status,
		timestamp: seconds( s.timestamp ),
		recipientId: str( s.recipient_id ),
		userId: str( s.recipient_user_id ) || str( s.user_id ),
		callbackData: str( s.biz_opaque_callback_data ),
		errors: arr( s.errors ).map( ( e ) => {
			const error = obj( e );
			const code = Number( error.code );
			return {
				code: Number.isInteger( code ) ? code : null,
				title: str( error.title ) || str( error.message ),
				details: str( obj( error.error_data ).details ),
			};
		} ),
	};
}

function inboundEvent(
	raw: unknown,
	phoneNumberId: string
): InboundEvent | UnknownEvent {
	const m = obj( raw );
	const messageId = str( m.id );
	if ( ! messageId ) {
		return { kind: 'unknown', field: 'messages' };
	}
	const type = str( m.type ) || 'unknown';
	let payload = '';
	let text = '';
	if ( type === 'button' ) {
		const button = obj( m.button );
		payload = str( button.payload );
		text = str( button.text );
	} else if ( type === 'interactive' ) {
		const interactive = obj( m.interactive );
		const reply = obj( interactive.button_reply ?? interactive.list_reply );
		payload = str( reply.id );
		text = str( reply.title );
	} else if ( type === 'text' ) {
		text = str( obj( m.text ).body );
	}
	return {
		kind: 'inbound',
		phoneNumberId,
		messageId,
		from: str( m.from ),
		userId: str( m.from_user_id ),
		timestamp: seconds( m.timestamp ),
		type,
		contextId: str( obj( m.context ).id ),
		payload,
		text: text.slice( 0, 1000 ),
	};
}

function preferenceEvent(
	raw: unknown,
	phoneNumberId: string
): PreferenceEvent | UnknownEvent {
	const p = obj( raw );
	const value = str( p.value );
	if ( ! value ) {
		return { kind: 'unknown', field: 'user_preferences' };
	}
	return {
		kind: 'user_preference',
		phoneNumberId,
		waId: str( p.wa_id ),
		userId: str( p.user_id ),
		category: str( p.category ),
		value,
		timestamp: seconds( p.timestamp ),
	};
}

/**
 * All the events of a parsed payload, in payload order, with the phone number ids and WABA ids it names.
 * @param payload
 */
export function readWebhookPayload( payload: unknown ): {
	events: WebhookEvent[];
	owners: PayloadOwners;
} {
	const events: WebhookEvent[] = [];
	const owners: PayloadOwners = {
		phoneNumberIds: new Set(),
		wabaIds: new Set(),
	};
	const root = obj( payload );
	if ( root.object !== 'whatsapp_business_account' ) {
		events.push( {
			kind: 'unknown',
			field: `object:${ str( root.object ) }`,
		} );
		return { events, owners };
	}
	for ( const rawEntry of arr( root.entry ) ) {
		const entry = obj( rawEntry );
		const wabaId = str( entry.id );
		for ( const rawChange of arr( entry.changes ) ) {
			const change = obj( rawChange );
			const field = str( change.field );
			const value = obj( change.value );
			const phoneNumberId = str( obj( value.metadata ).phone_number_id );
			if ( phoneNumberId ) {
				owners.phoneNumberIds.add( phoneNumberId );
			} else if ( wabaId ) {
				owners.wabaIds.add( wabaId );
			}
			switch ( field ) {
				case 'messages':
					for ( const s of arr( value.statuses ) ) {
						events.push( statusEvent( s, phoneNumberId ) );
					}
					for ( const m of arr( value.messages ) ) {
						events.push( inboundEvent( m, phoneNumberId ) );
					}
					break;
				case 'user_preferences':
					for ( const p of arr( value.user_preferences ) ) {
						events.push( preferenceEvent( p, phoneNumberId ) );
					}
					break;
				case 'phone_number_quality_update':
					events.push( {
						kind: 'phone_quality',
						wabaId,
						displayPhoneNumber: str( value.display_phone_number ),
						event: str( value.event ),
						currentLimit: str( value.current_limit ),
					} );
					break;
				case 'message_template_status_update':
					events.push( {
						kind: 'template_status',
						wabaId,
						templateId: str( value.message_template_id ),
						name: str( value.message_template_name ),
						language: str( value.message_template_language ),
						event: str( value.event ),
						reason: str( value.reason ),
					} );
					break;
				case 'template_category_update':
					events.push( {
						kind: 'template_category',
						wabaId,
						templateId: str( value.message_template_id ),
						name: str( value.message_template_name ),
						language: str( value.message_template_language ),
						newCategory: str( value.new_category ),
					} );
					break;
				default:
					events.push( {
						kind: 'unknown',
						field: field || 'missing',
					} );
			}
		}
	}
	return { events, owners };
}
