/**
 * WordPress dependencies
 */
import { FormTokenField } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { AudienceChoice, AudienceChoiceKind } from '../store/types';

/** Wait this long after the last keystroke before searching. */
const SEARCH_DELAY_MS = 250;

/** What the owner reads for a choice: the name, with the SKU or the parent category to tell look-alikes apart. */
export function choiceLabel( choice: AudienceChoice ): string {
	if ( choice.sku ) {
		return sprintf(
			/* translators: 1: product name, 2: its SKU. */
			__( '%1$s (SKU %2$s)', 'rondine' ),
			choice.name,
			choice.sku
		);
	}
	if ( choice.parent_name ) {
		return sprintf(
			/* translators: 1: category name, 2: its parent category. */
			__( '%1$s (in %2$s)', 'rondine' ),
			choice.name,
			choice.parent_name
		);
	}
	return choice.name;
}

/** The token of an id whose item no longer exists (a deleted product or tag). */
function missingLabel( id: number ): string {
	/* translators: %d: id of a product, category or tag that no longer exists. */
	return sprintf( __( '#%d (no longer exists)', 'rondine' ), id );
}

/** Labels by id, and the way back. Two items with the same label get their id appended. */
interface Names {
	byId: Record< number, string >;
	byLabel: Record< string, number >;
}

function withChoices( names: Names, choices: AudienceChoice[] ): Names {
	const byId = { ...names.byId };
	const byLabel = { ...names.byLabel };
	for ( const choice of choices ) {
		let label = choiceLabel( choice );
		const taken = byLabel[ label ];
		if ( taken !== undefined && taken !== choice.id ) {
			label = `${ label } #${ choice.id }`;
		}
		byId[ choice.id ] = label;
		byLabel[ label ] = choice.id;
	}
	return { byId, byLabel };
}

/**
 * Products, categories or tags picked by name: the owner types, the plugin
 * searches, the chosen items show as tokens; the segment keeps their ids.
 * Saved ids are named when the picker opens.
 */
export function ChoicePicker( {
	kind,
	label,
	value,
	onChange,
}: {
	kind: AudienceChoiceKind;
	label: string;
	value: number[];
	onChange: ( ids: number[] ) => void;
} ) {
	const { searchAudienceChoices, resolveAudienceChoices } =
		useDispatch( store );
	const [ names, setNames ] = useState< Names >( {
		byId: {},
		byLabel: {},
	} );
	// Answers arrive out of render: they extend the latest names, not the ones of their render.
	const namesRef = useRef( names );
	const learn = ( choices: AudienceChoice[] ) => {
		namesRef.current = withChoices( namesRef.current, choices );
		setNames( namesRef.current );
		return namesRef.current;
	};
	const [ suggestions, setSuggestions ] = useState< string[] >( [] );
	const asked = useRef( new Set< number >() );
	const timer = useRef< ReturnType< typeof setTimeout > >();
	const latest = useRef( '' );

	// Name the saved ids (once each).
	useEffect( () => {
		const missing = value.filter(
			( id ) => ! ( id in names.byId ) && ! asked.current.has( id )
		);
		if ( ! missing.length ) {
			return;
		}
		missing.forEach( ( id ) => asked.current.add( id ) );
		resolveAudienceChoices( kind, missing ).then(
			( found: AudienceChoice[] ) => {
				const gone = missing
					.filter( ( id ) => ! found.some( ( c ) => c.id === id ) )
					.map( ( id ) => ( { id, name: missingLabel( id ) } ) );
				learn( [ ...found, ...gone ] );
			},
			() => {
				// The notice says why; the ids stay as they are.
			}
		);
	}, [ kind, value, names.byId, resolveAudienceChoices ] );

	useEffect( () => () => clearTimeout( timer.current ), [] );

	const search = ( text: string ) => {
		latest.current = text;
		clearTimeout( timer.current );
		if ( text.trim().length < 2 ) {
			setSuggestions( [] );
			return;
		}
		timer.current = setTimeout( async () => {
			let found: AudienceChoice[];
			try {
				found = await searchAudienceChoices( kind, text.trim() );
			} catch {
				return;
			}
			if ( latest.current !== text ) {
				return; // The owner typed on: this answer is stale.
			}
			const next = learn( found );
			setSuggestions(
				found.map( ( choice ) => next.byId[ choice.id ] ?? choice.name )
			);
		}, SEARCH_DELAY_MS );
	};

	return (
		<FormTokenField
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ label }
			value={ value.map( ( id ) => names.byId[ id ] ?? `#${ id }` ) }
			suggestions={ suggestions }
			maxSuggestions={ 20 }
			// Not "Separate with commas": items are picked from the suggestions.
			help={ __( 'Type to search, then pick from the list.', 'rondine' ) }
			onInputChange={ search }
			// Only items the plugin found can be chosen: free text has no id.
			__experimentalValidateInput={ ( token ) => token in names.byLabel }
			// Typed text is not a token, so it does not filter the suggestions either: the plugin already matched
			// them, also where the text differs from the label (“caffe” finds “Tazza da caffè”, an id finds its product).
			saveTransform={ ( token ) =>
				token.trim() in names.byLabel ? token.trim() : ''
			}
			onChange={ ( tokens ) => {
				const ids: number[] = [];
				for ( const token of tokens ) {
					const text =
						typeof token === 'string' ? token : token.value;
					const id =
						names.byLabel[ text ] ??
						value.find( ( known ) => `#${ known }` === text );
					if ( id !== undefined && ! ids.includes( id ) ) {
						ids.push( id );
					}
				}
				onChange( ids );
			} }
		/>
	);
}
