/*
 * The narrow interfaces the engine depends on (listmonk style): the dispatcher sends through a Messenger and asks a
 * WhatsAppDirectory about templates and the number; nothing else of the Cloud API leaks into the engine, so tests
 * can drive it with the emulator or an in-memory messenger and the real store.
 */

/** Where and as whom to call the Cloud API (Meta's Graph API, or the emulator under /sandbox). */
export interface WhatsAppAccount {
	/** e.g. https://graph.facebook.com or http://127.0.0.1:8090/sandbox */
	graphUrl: string;
	/** e.g. v23.0 */
	version: string;
	phoneNumberId: string;
	wabaId: string;
	accessToken: string;
}

export interface TemplateParameter {
	type: string;
	[ key: string ]: unknown;
}

export interface TemplateComponent {
	type: string;
	sub_type?: string;
	index?: string;
	parameters: TemplateParameter[];
}

export interface OutgoingMessage {
	/** E.164 with "+". */
	to: string;
	/** "<campaign id>:<recipient id>", echoed back in status webhooks. */
	bizOpaqueCallbackData: string;
	/**
	 * The request's JSON body for this recipient (template, parameters, `to` and the callback data included), as
	 * src/dispatch/message-body.ts writes it.
	 */
	body: string;
}

export type SendOutcome =
	/** Meta accepted the message (not yet delivered). */
	| {
			kind: 'accepted';
			wamid: string;
			messageStatus?: string;
			/** The WhatsApp id Meta resolved `to` into (digits), when it said. */
			waId?: string;
	  }
	/** Meta answered with an error: nothing was sent. */
	| {
			kind: 'error';
			code: number;
			subcode?: number;
			message: string;
			details?: string;
	  }
	/** Connection failed before the request was written: nothing was sent, safe to retry. */
	| { kind: 'not_sent'; reason: string }
	/** The request may have reached Meta but no answer came (timeout, reset): never re-send automatically. */
	| { kind: 'unknown'; reason: string };

export interface Messenger {
	send: (
		account: WhatsAppAccount,
		message: OutgoingMessage
	) => Promise< SendOutcome >;
	close?: () => Promise< void >;
}

export interface MessageTemplate {
	id?: string;
	name: string;
	language: string;
	status: string;
	category: string;
	/** NAMED ({{first_name}}) or POSITIONAL ({{1}}) placeholders. */
	parameter_format?: string;
	/** Why Meta rejected it (REJECTED templates). */
	rejected_reason?: string | null;
	components: Array< {
		type: string;
		text?: string;
		format?: string;
		buttons?: unknown[];
		[ key: string ]: unknown;
	} >;
}

export interface PhoneNumberInfo {
	displayPhoneNumber?: string;
	/** The business name Meta verified for the number (what customers see). */
	verifiedName?: string;
	qualityRating?: string;
	messagingLimitTier?: string;
	throughputMps?: number;
}

/** Thrown by WhatsAppDirectory calls; `code` is Meta's error code when it answered with one. */
export class WhatsAppApiError extends Error {
	constructor(
		message: string,
		readonly code?: number
	) {
		super( message );
	}
}

export interface WhatsAppDirectory {
	listTemplates: ( account: WhatsAppAccount ) => Promise< MessageTemplate[] >;
	phoneNumberInfo: ( account: WhatsAppAccount ) => Promise< PhoneNumberInfo >;
}
