/**
 * WordPress dependencies
 */
import { SelectControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Template } from '../store/types';
import { buildHash } from '../router';

/** A template's key in the picker: its name and language. */
export const templateKey = ( template: { name: string; language: string } ) =>
	`${ template.name }|${ template.language }`;

/**
 * The approved templates to choose from (the campaign editor's and the automation steps'), or a pointer to the
 * Templates screen when there is none yet.
 */
export function TemplatePicker( {
	templates,
	value,
	onChange,
	label = __( 'Approved template', 'rondine' ),
}: {
	templates: Template[] | null;
	/** templateKey() of the chosen template, or ''. */
	value: string;
	onChange: ( key: string ) => void;
	label?: string;
} ) {
	if ( templates && templates.length === 0 ) {
		return (
			<p>
				{ __(
					'There is no approved template yet. Templates are created and approved in WhatsApp Manager; they appear here once approved.',
					'rondine'
				) }{ ' ' }
				<a href={ buildHash( [ 'templates' ] ) }>
					{ __( 'See templates', 'rondine' ) }
				</a>
			</p>
		);
	}
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ label }
			value={ value }
			options={ [
				{
					value: '',
					label: __( 'Choose a template', 'rondine' ),
				},
				...( templates ?? [] ).map( ( t ) => ( {
					value: templateKey( t ),
					label: `${ t.name } (${ t.language })`,
				} ) ),
			] }
			onChange={ onChange }
		/>
	);
}
