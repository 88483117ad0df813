/**
 * The checks Meta makes on a send before accepting it, in Meta's order, each failing with Meta's own error.
 */

/**
 * Internal dependencies
 */
import type { MessageTemplate } from '../whatsapp/client.js';
import { checkFreeForm, FREE_FORM_TYPES } from './free-form-checks.js';
import { errors, type MetaErrorAnswer } from './meta-errors.js';
import { templateShape } from './templates.js';

/** What the checks need to know about the sending number. */
export interface MessageSender {
	/** Calling code of the business number (digits): Meta prefixes it to a `to` without `+`. */
	countryCode: string;
	/** The WABA's template with this name and language, if any. */
	template: ( name: string, language: string ) => MessageTemplate | undefined;
}

/**
 * Meta's checks on a message body, in Meta's order; the recipient's wa_id and the template's category when it passes
 * (category null for a free-form message: text, interactive or media).
 *
 * @param body   The parsed body.
 * @param sender The sending number.
 */
export function checkMessage(
	body: Record< string, unknown >,
	sender: MessageSender
):
	| { answer: MetaErrorAnswer }
	| { waId: string; input: string; category: string | null } {
	if ( body.messaging_product !== 'whatsapp' ) {
		return { answer: errors.requiredParameter( 'messaging_product' ) };
	}
	if (
		body.recipient_type !== undefined &&
		body.recipient_type !== 'individual'
	) {
		return {
			answer: errors.invalidParameter(
				'The sandbox sends to individuals only (recipient_type individual).'
			),
		};
	}
	if ( typeof body.to !== 'string' || body.to.trim() === '' ) {
		return { answer: errors.requiredParameter( 'to' ) };
	}
	const input = body.to;
	const compact = input.replace( /[\s\-().]/g, '' );
	if ( ! /^\+?\d{6,15}$/.test( compact ) ) {
		return {
			answer: errors.parameterValueInvalid(
				'The parameter to is not a valid phone number.'
			),
		};
	}
	// Without "+", Meta reads the number as local to the business number's country.
	const waId = compact.startsWith( '+' )
		? compact.slice( 1 )
		: sender.countryCode + compact;
	const callback = body.biz_opaque_callback_data;
	if (
		callback !== undefined &&
		( typeof callback !== 'string' || callback.length > 512 )
	) {
		return {
			answer: errors.invalidParameter(
				'biz_opaque_callback_data must be a string of at most 512 characters.'
			),
		};
	}
	const type = body.type ?? 'text';
	if ( typeof type === 'string' && FREE_FORM_TYPES.includes( type ) ) {
		const problem = checkFreeForm( type, body );
		return problem ? { answer: problem } : { waId, input, category: null };
	}
	if ( type !== 'template' ) {
		return {
			answer: errors.invalidParameter(
				`The sandbox emulates template, text, interactive and media messages, not ${ String( type ) }.`
			),
		};
	}
	const template = body.template as Record< string, unknown > | undefined;
	if ( typeof template !== 'object' || template === null ) {
		return { answer: errors.requiredParameter( 'template' ) };
	}
	const language = ( template.language as { code?: unknown } | undefined )
		?.code;
	if ( typeof template.name !== 'string' || template.name === '' ) {
		return { answer: errors.requiredParameter( 'template.name' ) };
	}
	if ( typeof language !== 'string' || language === '' ) {
		return {
			answer: errors.requiredParameter( 'template.language.code' ),
		};
	}
	const found = sender.template( template.name, language );
	if ( ! found ) {
		return {
			answer: errors.templateMissing( template.name, language ),
		};
	}
	if ( found.status === 'PAUSED' ) {
		return { answer: errors.templatePaused() };
	}
	if ( found.status === 'DISABLED' ) {
		return { answer: errors.templateDisabled() };
	}
	if ( found.status !== 'APPROVED' ) {
		return {
			answer: errors.templateNotApproved( found.name, found.status ),
		};
	}
	const problem = checkComponents( found, template.components );
	if ( problem ) {
		return { answer: problem };
	}
	return { waId, input, category: found.category };
}

type Parameter = Record< string, unknown >;

/**
 * The template checks Meta makes on the send's components: parameter counts (132000), header format (132012),
 * named parameters, button indexes.
 *
 * @param template   The approved template.
 * @param components The send's `template.components`.
 */
function checkComponents(
	template: MessageTemplate,
	components: unknown
): MetaErrorAnswer | null {
	if ( components !== undefined && ! Array.isArray( components ) ) {
		return errors.invalidParameter(
			'template.components must be an array.'
		);
	}
	const list = ( components ?? [] ) as Array< Record< string, unknown > >;
	const shape = templateShape( template );
	const of = ( type: string ) =>
		list.filter( ( c ) => String( c?.type ).toLowerCase() === type );
	const params = ( component: Record< string, unknown > | undefined ) =>
		( Array.isArray( component?.parameters )
			? component.parameters
			: [] ) as Parameter[];

	const bodyParams = params( of( 'body' )[ 0 ] );
	if ( shape.bodyNamed.length > 0 ) {
		const names = bodyParams.map( ( p ) => p.parameter_name );
		if (
			names.length !== shape.bodyNamed.length ||
			! shape.bodyNamed.every( ( n ) => names.includes( n ) )
		) {
			return errors.parameterCount(
				'body',
				bodyParams.length,
				shape.bodyNamed.length
			);
		}
	} else if ( bodyParams.length !== shape.bodyPositional ) {
		return errors.parameterCount(
			'body',
			bodyParams.length,
			shape.bodyPositional
		);
	}
	for ( const parameter of bodyParams ) {
		if ( parameter.type === 'text' && typeof parameter.text !== 'string' ) {
			return errors.invalidParameter(
				'body: a text parameter needs its text.'
			);
		}
	}

	const headerParams = params( of( 'header' )[ 0 ] );
	if (
		shape.headerFormat !== null &&
		shape.headerFormat !== 'TEXT' &&
		shape.headerParams > 0
	) {
		const expected = shape.headerFormat.toLowerCase();
		const given = headerParams[ 0 ];
		if ( headerParams.length !== 1 || given?.type !== expected ) {
			return errors.parameterFormat(
				`header: Format mismatch, expected ${ shape.headerFormat }, received ${ given ? String( given.type ).toUpperCase() : 'UNKNOWN' }`
			);
		}
		const media = given[ expected ] as
			{ link?: unknown; id?: unknown } | undefined;
		if (
			typeof media?.link !== 'string' &&
			typeof media?.id !== 'string'
		) {
			return errors.invalidParameter(
				`header: the ${ expected } needs a link or an id.`
			);
		}
	} else if ( headerParams.length !== shape.headerParams ) {
		return errors.parameterCount(
			'header',
			headerParams.length,
			shape.headerParams
		);
	}

	for ( const button of of( 'button' ) ) {
		const index = Number( button.index );
		if (
			! Number.isInteger( index ) ||
			index < 0 ||
			index >= shape.buttons
		) {
			return errors.parameterValueInvalid(
				`buttons: button at index ${ String( button.index ) } does not exist in the template.`
			);
		}
	}
	return null;
}
