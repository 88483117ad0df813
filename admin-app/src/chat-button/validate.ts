/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { ChatButtonSettings } from './types';

/** Longest texts, as plugin/src/Widget/Settings.php accepts them. */
const TEXT_LIMITS = {
	title: 80,
	greeting: 500,
	cta: 60,
	message: 1000,
	keyword: 40,
	later_note: 300,
	consent_text: 500,
} as const;

/** Fewer digits than this cannot be a whole international number yet (the bridge checks the rest). */
const MIN_PHONE_DIGITS = 8;

/**
 * What is wrong or still incomplete in the form, keyed like the plugin's `data.errors` (`agents[0].phone`), with
 * the plugin's own words: checked in the browser, so an incomplete form is neither previewed nor sent.
 *
 * @param settings The settings being edited.
 */
export function validateChatButton(
	settings: ChatButtonSettings
): Record< string, string > {
	const errors: Record< string, string > = {};
	for ( const [ field, limit ] of Object.entries( TEXT_LIMITS ) ) {
		const value = settings[ field as keyof typeof TEXT_LIMITS ] ?? '';
		if ( value.trim().length > limit ) {
			errors[ field ] = sprintf(
				/* translators: %d: maximum number of characters. */
				__( 'Please keep this under %d characters.', 'rondine' ),
				limit
			);
		}
	}
	if ( /\s/.test( settings.keyword.trim() ) ) {
		errors.keyword = __(
			'The keyword must be a single word, without spaces.',
			'rondine'
		);
	}
	if ( settings.consent_required && ! settings.consent_text.trim() ) {
		errors.consent_text = __(
			'Write the consent text visitors must accept.',
			'rondine'
		);
	}
	if ( ! /^#[0-9a-f]{6}$/i.test( settings.color ) ) {
		errors.color = __(
			'The colour must be a hex colour such as #25d366.',
			'rondine'
		);
	}
	for ( const [ field, max ] of [
		[ 'delay', 300 ],
		[ 'scroll', 100 ],
	] as const ) {
		const value = settings[ field ];
		if ( ! Number.isInteger( value ) || value < 0 || value > max ) {
			errors[ field ] = sprintf(
				/* translators: %d: the largest value allowed. */
				__( 'Enter a whole number from 0 to %d.', 'rondine' ),
				max
			);
		}
	}
	for ( const field of [ 'include_pages', 'exclude_pages' ] as const ) {
		const wrong = settings[ field ]
			.split( '\n' )
			.map( ( line ) => line.trim() )
			.find( ( line ) => line && ! line.startsWith( '/' ) );
		if ( wrong ) {
			errors[ field ] = sprintf(
				/* translators: %s: the path as typed. */
				__(
					'"%s" is not a page path: start it with / (for example /shop/ or /product/*).',
					'rondine'
				),
				wrong
			);
		}
	}
	settings.agents.forEach( ( agent, index ) => {
		const problem = ( field: string, message: string ) => {
			errors[ `agents[${ index }].${ field }` ] = sprintf(
				/* translators: 1: agent number (1, 2, ...), 2: what is wrong. */
				__( 'Agent %1$d: %2$s', 'rondine' ),
				index + 1,
				message
			);
		};
		const name = agent.name.trim();
		if ( ! name || name.length > 60 ) {
			problem(
				'name',
				__( 'the name is required (up to 60 characters).', 'rondine' )
			);
		}
		if ( agent.role.trim().length > 60 ) {
			problem(
				'role',
				__( 'the role can be up to 60 characters.', 'rondine' )
			);
		}
		const phone = agent.phone.trim();
		if ( /[^\d\s+().\-\/]/.test( phone ) ) {
			problem(
				'phone',
				sprintf(
					/* translators: %s: the number as typed. */
					__(
						'the WhatsApp number "%s" contains letters or symbols: use digits only, with the country code (for example +39 333 1234567).',
						'rondine'
					),
					phone
				)
			);
		} else if ( phone.replace( /\D/g, '' ).length < MIN_PHONE_DIGITS ) {
			problem(
				'phone',
				__(
					'type the whole WhatsApp number, with the country code (for example +39 333 1234567).',
					'rondine'
				)
			);
		}
		if (
			agent.photo.trim() &&
			! /^https?:\/\/\S+$/i.test( agent.photo.trim() )
		) {
			problem(
				'photo',
				__( 'the photo must be an http(s) address.', 'rondine' )
			);
		}
	} );
	if ( settings.enabled && ! settings.agents.length ) {
		errors.agents = __(
			'Add at least one agent with a WhatsApp number before turning the chat button on.',
			'rondine'
		);
	}
	return errors;
}

/**
 * The problems to show while typing: only those of fields changed since the last save, so that nothing is red
 * before the shop owner has typed anything there.
 *
 * @param problems Problems of the whole form.
 * @param settings The settings being edited.
 * @param saved    The settings as saved.
 */
export function problemsOfChangedFields(
	problems: Record< string, string >,
	settings: ChatButtonSettings,
	saved: ChatButtonSettings | null
): Record< string, string > {
	return Object.fromEntries(
		Object.entries( problems ).filter( ( [ key ] ) => {
			const field = key.split( /[.[]/ )[ 0 ] as keyof ChatButtonSettings;
			return (
				! saved ||
				JSON.stringify( settings[ field ] ) !==
					JSON.stringify( saved[ field ] )
			);
		} )
	);
}
