/**
 * WordPress dependencies
 */
import { Button, TextControl } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { Contact, ContactsPage } from '../store/types';

/** What a contact fills a template variable with (the fields the bridge receives with each recipient). */
export function contactValues(
	contact: Contact | null
): Record< string, string > {
	if ( ! contact ) {
		return {};
	}
	const values: Record< string, string > = {};
	for ( const field of [
		'first_name',
		'last_name',
		'email',
		'phone',
		'country',
	] as const ) {
		const value = contact[ field ];
		if ( typeof value === 'string' && value !== '' ) {
			values[ field ] = value;
		}
	}
	return values;
}

const contactName = ( contact: Contact ) =>
	[ contact.first_name, contact.last_name ].filter( Boolean ).join( ' ' ) ||
	contact.phone ||
	contact.email ||
	String( contact.id );

/** "Preview as": a real contact, found by name, email or phone, whose values fill the preview and the test. */
export function PreviewAs( {
	value,
	onChange,
}: {
	value: Contact | null;
	onChange: ( contact: Contact | null ) => void;
} ) {
	const [ search, setSearch ] = useState( '' );
	const term = search.trim();
	const page = useSelect(
		( select ) =>
			term.length >= 2
				? ( select( store ).getContacts( {
						search: term,
						per_page: 5,
					} ) as ContactsPage | null )
				: null,
		[ term ]
	);
	return (
		<div
			className="rondine-editor__preview-as"
			data-testid="rondine-preview-as"
		>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Preview as a contact', 'rondine' ) }
				placeholder={ __( 'Name, email or phone', 'rondine' ) }
				value={ search }
				onChange={ setSearch }
			/>
			{ value && (
				<p>
					{ __( 'Previewing as:', 'rondine' ) }{ ' ' }
					<strong>{ contactName( value ) }</strong>{ ' ' }
					<Button variant="link" onClick={ () => onChange( null ) }>
						{ __( 'Stop', 'rondine' ) }
					</Button>
				</p>
			) }
			{ ( page?.items ?? [] ).map( ( contact ) => (
				<Button
					key={ contact.id }
					variant="secondary"
					size="compact"
					onClick={ () => {
						onChange( contact );
						setSearch( '' );
					} }
				>
					{ contactName( contact ) }
				</Button>
			) ) }
		</div>
	);
}
