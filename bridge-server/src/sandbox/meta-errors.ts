/**
 * Graph API error answers, worded and shaped as Meta sends them (`{error:{message, type, code, error_data, ...}}`).
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';

export interface MetaErrorAnswer {
	httpStatus: number;
	body: {
		error: {
			message: string;
			type: string;
			code: number;
			error_data?: { messaging_product: 'whatsapp'; details: string };
			error_subcode?: number;
			fbtrace_id: string;
		};
	};
}

/** A trace id like Meta's: 23 url-safe characters. */
export function fbtraceId(): string {
	return randomBytes( 18 ).toString( 'base64url' ).slice( 0, 23 );
}

export function metaError(
	httpStatus: number,
	code: number,
	message: string,
	details?: string,
	subcode?: number,
	type = 'OAuthException'
): MetaErrorAnswer {
	// Meta's key order: message, type, code, error_data, error_subcode, fbtrace_id.
	const error: MetaErrorAnswer[ 'body' ][ 'error' ] = {
		message,
		type,
		code,
		...( details === undefined
			? {}
			: {
					error_data: {
						messaging_product: 'whatsapp' as const,
						details,
					},
				} ),
		...( subcode === undefined ? {} : { error_subcode: subcode } ),
		fbtrace_id: fbtraceId(),
	};
	return { httpStatus, body: { error } };
}

export const errors = {
	invalidToken: () =>
		metaError(
			401,
			190,
			'Invalid OAuth access token - Cannot parse access token'
		),
	unknownObject: ( id: string, method: string ) =>
		metaError(
			400,
			100,
			`Unsupported ${ method.toLowerCase() } request. Object with ID '${ id }' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
			undefined,
			33,
			'GraphMethodException'
		),
	invalidParameter: ( details: string ) =>
		metaError( 400, 100, '(#100) Invalid parameter', details ),
	requiredParameter: ( name: string ) =>
		metaError(
			400,
			100,
			`(#100) The parameter ${ name } is required.`,
			`The parameter ${ name } is required.`
		),
	parameterValueInvalid: ( details: string ) =>
		metaError(
			400,
			131009,
			'(#131009) Parameter value is not valid',
			details
		),
	throughput: () =>
		metaError(
			400,
			130429,
			'(#130429) Rate limit hit',
			'Cloud API message throughput has been reached.',
			2494055
		),
	pairRate: () =>
		metaError(
			400,
			131056,
			'(#131056) (Business Account, Consumer Account) pair rate limit hit',
			'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.'
		),
	templateMissing: ( name: string, language: string ) =>
		metaError(
			404,
			132001,
			'(#132001) Template name does not exist in the translation',
			`template name (${ name }) does not exist in ${ language }`
		),
	templateNotApproved: ( name: string, status: string ) =>
		metaError(
			404,
			132001,
			'(#132001) Template name does not exist in the translation',
			`template name (${ name }) is not approved (status ${ status })`
		),
	templatePaused: () =>
		metaError(
			400,
			132015,
			'(#132015) Template is Paused',
			'Template is paused due to low quality so it cannot be sent in a template message.'
		),
	templateDisabled: () =>
		metaError(
			400,
			132016,
			'(#132016) Template is disabled',
			'Template has been paused too many times due to low quality and is now permanently disabled.'
		),
	parameterCount: ( component: string, given: number, expected: number ) =>
		metaError(
			400,
			132000,
			'(#132000) Number of parameters does not match the expected number of params',
			`${ component }: number of localizable_params (${ given }) does not match the expected number of params (${ expected })`
		),
	parameterFormat: ( details: string ) =>
		metaError(
			400,
			132012,
			'(#132012) Parameter format does not match format in the created template',
			details
		),
	reEngagement: () =>
		metaError(
			400,
			131047,
			'(#131047) Re-engagement message',
			'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'
		),
	serverError: ( n: number ): MetaErrorAnswer => {
		switch ( n % 3 ) {
			case 0:
				return metaError(
					500,
					131000,
					'(#131000) Something went wrong',
					'Something went wrong'
				);
			case 1:
				return metaError(
					503,
					2,
					'Service temporarily unavailable',
					'Service temporarily unavailable'
				);
			default:
				return metaError(
					503,
					133004,
					'(#133004) Server is temporarily unavailable',
					'Server is temporarily unavailable'
				);
		}
	},
};

/** The `errors[]` item of a failed status webhook for a code. */
export function statusError( code: number ): {
	code: number;
	title: string;
	message: string;
	error_data: { details: string };
	href: string;
} {
	const known: Record< number, [ string, string ] > = {
		131026: [ 'Message undeliverable', 'Message Undeliverable.' ],
		131050: [
			'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
			'The user has stopped marketing messages from this business.',
		],
		131049: [
			'This message was not delivered to maintain healthy ecosystem engagement.',
			'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
		],
	};
	const [ title, details ] = known[ code ] ?? [
		'Something went wrong',
		'Something went wrong',
	];
	return {
		code,
		title,
		message: title,
		error_data: { details },
		href: '/documentation/business-messaging/whatsapp/support/error-codes',
	};
}
