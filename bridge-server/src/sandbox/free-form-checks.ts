/**
 * Meta's checks on the free-form messages a business may send inside the customer-service window: `text`,
 * `interactive` (reply buttons and lists) and media (`image`, `video`, `document`, `audio`). The limits are those of
 * Meta's "Interactive messages" and "Media messages" references: reply buttons 1 to 3, each with a unique id of at
 * most 256 characters and a unique title of at most 20; a list's button text at most 20 characters, 1 to 10 sections
 * and at most 10 rows in all, row ids unique (at most 200 characters), row titles at most 24 and descriptions at most
 * 72; a body of at most 1,024 characters (4,096 for a list or a text message); a footer of at most 60; a media object
 * with exactly one of `id` or `link` (an HTTPS link), a caption of at most 1,024 characters (none on audio). Meta
 * answers a missing field with 100 and a value out of its limits with 131009, as here.
 */

/**
 * Internal dependencies
 */
import { errors, type MetaErrorAnswer } from './meta-errors.js';

type Json = Record< string, unknown >;

const isObject = ( value: unknown ): value is Json =>
	typeof value === 'object' && value !== null && ! Array.isArray( value );

const MEDIA = [ 'image', 'video', 'document', 'audio' ] as const;

/** The free-form types the sandbox emulates. */
export const FREE_FORM_TYPES: readonly string[] = [
	'text',
	'interactive',
	...MEDIA,
];

/**
 * The first problem Meta would find in a free-form message, or null when it would accept it.
 *
 * @param type The message's `type`.
 * @param body The request body.
 */
export function checkFreeForm(
	type: string,
	body: Json
): MetaErrorAnswer | null {
	if ( type === 'text' ) {
		const text = body.text as { body?: unknown } | undefined;
		if ( typeof text?.body !== 'string' || text.body === '' ) {
			return errors.requiredParameter( 'text.body' );
		}
		return tooLong( 'text.body', text.body, 4096 );
	}
	if ( type === 'interactive' ) {
		return checkInteractive( body.interactive );
	}
	return checkMedia( type, body[ type ] );
}

function tooLong(
	name: string,
	value: string,
	max: number
): MetaErrorAnswer | null {
	return value.length > max
		? errors.parameterValueInvalid(
				`${ name } length invalid. Max length: ${ max }`
			)
		: null;
}

function checkInteractive( interactive: unknown ): MetaErrorAnswer | null {
	if ( ! isObject( interactive ) ) {
		return errors.requiredParameter( 'interactive' );
	}
	const kind = interactive.type;
	if ( kind !== 'button' && kind !== 'list' ) {
		return typeof kind === 'string'
			? errors.invalidParameter(
					`The sandbox emulates interactive button and list messages, not ${ kind }.`
				)
			: errors.requiredParameter( 'interactive.type' );
	}
	const text = isObject( interactive.body )
		? interactive.body.text
		: undefined;
	if ( typeof text !== 'string' || text === '' ) {
		return errors.requiredParameter( 'interactive.body.text' );
	}
	const problem =
		tooLong(
			'interactive.body.text',
			text,
			kind === 'list' ? 4096 : 1024
		) ??
		( isObject( interactive.footer ) &&
		typeof interactive.footer.text === 'string'
			? tooLong( 'interactive.footer.text', interactive.footer.text, 60 )
			: null );
	if ( problem ) {
		return problem;
	}
	if ( ! isObject( interactive.action ) ) {
		return errors.requiredParameter( 'interactive.action' );
	}
	return kind === 'button'
		? checkButtons( interactive.action.buttons )
		: checkList( interactive.action );
}

function checkButtons( buttons: unknown ): MetaErrorAnswer | null {
	if ( ! Array.isArray( buttons ) || buttons.length === 0 ) {
		return errors.requiredParameter( 'interactive.action.buttons' );
	}
	if ( buttons.length > 3 ) {
		return errors.parameterValueInvalid(
			'Buttons count invalid. Min count: 1, Max count: 3'
		);
	}
	const ids = new Set< string >();
	const titles = new Set< string >();
	for ( const button of buttons as unknown[] ) {
		const reply = isObject( button ) ? button.reply : undefined;
		if (
			! isObject( button ) ||
			button.type !== 'reply' ||
			! isObject( reply )
		) {
			return errors.invalidParameter(
				'Each button must be {"type":"reply","reply":{"id","title"}}.'
			);
		}
		if ( typeof reply.id !== 'string' || reply.id === '' ) {
			return errors.requiredParameter( 'reply.id' );
		}
		if ( typeof reply.title !== 'string' || reply.title === '' ) {
			return errors.requiredParameter( 'reply.title' );
		}
		if ( reply.id.length > 256 ) {
			return errors.parameterValueInvalid(
				'Button id length invalid. Max length: 256'
			);
		}
		if ( [ ...reply.title ].length > 20 ) {
			return errors.parameterValueInvalid(
				'Button title length invalid. Min length: 1, Max length: 20'
			);
		}
		if ( ids.has( reply.id ) || titles.has( reply.title ) ) {
			return errors.parameterValueInvalid(
				'Button ids and titles must be unique.'
			);
		}
		ids.add( reply.id );
		titles.add( reply.title );
	}
	return null;
}

function checkList( action: Json ): MetaErrorAnswer | null {
	if ( typeof action.button !== 'string' || action.button === '' ) {
		return errors.requiredParameter( 'interactive.action.button' );
	}
	if ( [ ...action.button ].length > 20 ) {
		return errors.parameterValueInvalid(
			'Button text length invalid. Max length: 20'
		);
	}
	const sections = action.sections;
	if ( ! Array.isArray( sections ) || sections.length === 0 ) {
		return errors.requiredParameter( 'interactive.action.sections' );
	}
	if ( sections.length > 10 ) {
		return errors.parameterValueInvalid(
			'Sections count invalid. Min count: 1, Max count: 10'
		);
	}
	const ids = new Set< string >();
	for ( const section of sections as unknown[] ) {
		if ( ! isObject( section ) || ! Array.isArray( section.rows ) ) {
			return errors.requiredParameter( 'sections.rows' );
		}
		if ( sections.length > 1 && typeof section.title !== 'string' ) {
			return errors.requiredParameter( 'sections.title' );
		}
		if (
			typeof section.title === 'string' &&
			[ ...section.title ].length > 24
		) {
			return errors.parameterValueInvalid(
				'Section title length invalid. Max length: 24'
			);
		}
		for ( const row of section.rows as unknown[] ) {
			if (
				! isObject( row ) ||
				typeof row.id !== 'string' ||
				row.id === '' ||
				typeof row.title !== 'string' ||
				row.title === ''
			) {
				return errors.requiredParameter( 'rows.id and rows.title' );
			}
			if (
				row.id.length > 200 ||
				[ ...row.title ].length > 24 ||
				( typeof row.description === 'string' &&
					[ ...row.description ].length > 72 )
			) {
				return errors.parameterValueInvalid(
					'Row length invalid. Max length: id 200, title 24, description 72'
				);
			}
			if ( ids.has( row.id ) ) {
				return errors.parameterValueInvalid(
					'Row ids must be unique.'
				);
			}
			ids.add( row.id );
		}
	}
	if ( ids.size === 0 || ids.size > 10 ) {
		return errors.parameterValueInvalid(
			'Rows count invalid. Min count: 1, Max count: 10'
		);
	}
	return null;
}

function checkMedia( type: string, media: unknown ): MetaErrorAnswer | null {
	if ( ! isObject( media ) ) {
		return errors.requiredParameter( type );
	}
	const hasId = typeof media.id === 'string' && media.id !== '';
	const hasLink = typeof media.link === 'string' && media.link !== '';
	if ( hasId === hasLink ) {
		return errors.invalidParameter(
			`${ type } needs exactly one of id or link.`
		);
	}
	if ( hasLink && ! /^https:\/\//i.test( String( media.link ) ) ) {
		return errors.parameterValueInvalid(
			`${ type }.link must be a public HTTPS URL.`
		);
	}
	if ( media.caption !== undefined ) {
		if ( type === 'audio' || typeof media.caption !== 'string' ) {
			return errors.invalidParameter(
				`${ type } takes no caption of this kind.`
			);
		}
		return tooLong( `${ type }.caption`, media.caption, 1024 );
	}
	return null;
}
