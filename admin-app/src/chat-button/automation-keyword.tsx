/**
 * WordPress dependencies
 */
import { SelectControl } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { automationsStore } from '../automations/store';
import { stateLabels } from '../automations/labels';

/** A keyword as the bridge compares it: trimmed, without accents, lower case. */
export function normalizeKeyword( keyword: string ): string {
	return keyword
		.trim()
		.normalize( 'NFD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase();
}

/**
 * The automations a keyword starts (one word, as the chat button's keyword must be), to pick one: its keyword becomes
 * the chat button's.
 */
export function AutomationKeyword( {
	keyword,
	onChange,
}: {
	keyword: string;
	onChange: ( keyword: string ) => void;
} ) {
	const automations = useSelect(
		( select ) => select( automationsStore ).getAutomations(),
		[]
	);
	const choices = ( automations ?? [] ).flatMap( ( automation ) =>
		automation.trigger.type === 'keyword' &&
		automation.state !== 'archived' &&
		automation.trigger.keyword.trim() &&
		! /\s/.test( automation.trigger.keyword.trim() )
			? [ { automation, keyword: automation.trigger.keyword.trim() } ]
			: []
	);
	if ( ! choices.length ) {
		return null;
	}
	const current = choices.find(
		( choice ) =>
			normalizeKeyword( choice.keyword ) === normalizeKeyword( keyword )
	);
	const states = stateLabels();
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ __( 'Automation started by the chat button', 'rondine' ) }
			help={ __(
				'Its keyword is written before the visitor’s message.',
				'rondine'
			) }
			value={ current?.automation.id ?? '' }
			options={ [
				{ value: '', label: __( 'None', 'rondine' ) },
				...choices.map( ( { automation, keyword: word } ) => ( {
					value: automation.id,
					label: sprintf(
						/* translators: 1: automation name, 2: keyword, 3: state, e.g. Active. */
						__( '%1$s (keyword %2$s, %3$s)', 'rondine' ),
						automation.name,
						word,
						states[ automation.state ] ?? automation.state
					),
				} ) ),
			] }
			onChange={ ( id ) =>
				onChange(
					choices.find( ( choice ) => choice.automation.id === id )
						?.keyword ?? ''
				)
			}
		/>
	);
}
