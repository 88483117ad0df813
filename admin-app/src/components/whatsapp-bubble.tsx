/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Template } from '../store/types';

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** Placeholder keys in order of first appearance (`1`, `2` or `first_name`). */
export function placeholders( text: string | undefined ): string[] {
	const keys: string[] = [];
	for ( const match of ( text ?? '' ).matchAll( PLACEHOLDER ) ) {
		if ( match[ 1 ] && ! keys.includes( match[ 1 ] ) ) {
			keys.push( match[ 1 ] );
		}
	}
	return keys;
}

/** Splits text into literal parts and filled placeholders, so that values render as text, never as HTML. */
function fill(
	text: string,
	values: ( key: string ) => string | undefined
): Array< { text: string; isValue: boolean } > {
	const parts: Array< { text: string; isValue: boolean } > = [];
	let last = 0;
	for ( const match of text.matchAll( PLACEHOLDER ) ) {
		const index = match.index ?? 0;
		if ( index > last ) {
			parts.push( { text: text.slice( last, index ), isValue: false } );
		}
		const key = match[ 1 ] ?? '';
		parts.push( { text: values( key ) ?? match[ 0 ], isValue: true } );
		last = index + match[ 0 ].length;
	}
	if ( last < text.length ) {
		parts.push( { text: text.slice( last ), isValue: false } );
	}
	return parts;
}

function Filled( {
	text,
	values,
}: {
	text: string;
	values: ( key: string ) => string | undefined;
} ) {
	return (
		<>
			{ fill( text, values ).map( ( part, index ) =>
				part.isValue ? (
					<mark key={ index } className="rondine-bubble__value">
						{ part.text }
					</mark>
				) : (
					<span key={ index }>{ part.text }</span>
				)
			) }
		</>
	);
}

/**
 * A template as the recipient will see it in WhatsApp: header, body,
 * footer and buttons. `values( component, key )` gives the preview text of
 * each placeholder (a sample, or the name of the mapped field).
 */
export function WhatsAppBubble( {
	template,
	values = () => undefined,
}: {
	template: Template;
	values?: ( component: string, key: string ) => string | undefined;
} ) {
	const header = template.components.find( ( c ) => c.type === 'HEADER' );
	const body = template.components.find( ( c ) => c.type === 'BODY' );
	const footer = template.components.find( ( c ) => c.type === 'FOOTER' );
	const buttons =
		template.components.find( ( c ) => c.type === 'BUTTONS' )?.buttons ??
		[];
	return (
		<div className="rondine-bubble" data-testid="rondine-bubble">
			<div className="rondine-bubble__message">
				{ header &&
					( header.format && header.format !== 'TEXT' ? (
						<div className="rondine-bubble__media">
							{ header.format === 'IMAGE' &&
								__( 'Image', 'rondine' ) }
							{ header.format === 'VIDEO' &&
								__( 'Video', 'rondine' ) }
							{ header.format === 'DOCUMENT' &&
								__( 'Document', 'rondine' ) }
							{ header.format === 'LOCATION' &&
								__( 'Location', 'rondine' ) }
						</div>
					) : (
						<div className="rondine-bubble__header">
							<Filled
								text={ header.text ?? '' }
								values={ ( key ) => values( 'header', key ) }
							/>
						</div>
					) ) }
				{ body && (
					<div className="rondine-bubble__body">
						<Filled
							text={ body.text ?? '' }
							values={ ( key ) => values( 'body', key ) }
						/>
					</div>
				) }
				{ footer && (
					<div className="rondine-bubble__footer">
						{ footer.text }
					</div>
				) }
			</div>
			{ buttons.length > 0 && (
				<div className="rondine-bubble__buttons">
					{ buttons.map( ( button, index ) => (
						<div key={ index } className="rondine-bubble__button">
							{ button.text }
						</div>
					) ) }
				</div>
			) }
		</div>
	);
}
