/**
 * WordPress dependencies
 */
import { SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { contactFieldLabels } from './labels';
import type { Slot, SlotValue } from './mapping';

function slotLabel( slot: Slot ): string {
	const placeholder = `{{${ slot.key }}}`;
	switch ( slot.component ) {
		case 'header':
			/* translators: %s: placeholder such as {{1}}. */
			return sprintf( __( 'Header %s', 'rondine' ), placeholder );
		case 'button':
			return sprintf(
				/* translators: 1: button number, 2: placeholder such as {{1}}. */
				__( 'Button %1$d link %2$s', 'rondine' ),
				( slot.index ?? 0 ) + 1,
				placeholder
			);
	}
	/* translators: %s: placeholder such as {{1}}. */
	return sprintf( __( 'Body %s', 'rondine' ), placeholder );
}

/**
 * Each placeholder mapped to a contact field with a fallback, or to a fixed text; `extraFields` (field => label) are
 * offered first: an automation's trigger values, such as the order's number.
 */
export function VariableMapping( {
	slots,
	values,
	onChange,
	extraFields = {},
}: {
	slots: Slot[];
	values: Record< string, SlotValue >;
	onChange: ( values: Record< string, SlotValue > ) => void;
	extraFields?: Record< string, string >;
} ) {
	if ( slots.length === 0 ) {
		return <p>{ __( 'This template has no variables.', 'rondine' ) }</p>;
	}
	return (
		<table className="rondine-editor__mapping widefat striped">
			<thead>
				<tr>
					<th>{ __( 'Variable', 'rondine' ) }</th>
					<th>{ __( 'Filled with', 'rondine' ) }</th>
					<th>{ __( 'Fallback or text', 'rondine' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ slots.map( ( slot ) => {
					const value = values[ slot.id ] ?? { field: '', text: '' };
					const set = ( next: Partial< SlotValue > ) =>
						onChange( {
							...values,
							[ slot.id ]: { ...value, ...next },
						} );
					return (
						<tr
							key={ slot.id }
							data-testid={ `rondine-slot-${ slot.id }` }
						>
							<th scope="row">{ slotLabel( slot ) }</th>
							<td>
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ sprintf(
										/* translators: %s: variable, e.g. "Body {{1}}". */
										__( 'Value of %s', 'rondine' ),
										slotLabel( slot )
									) }
									hideLabelFromVision
									value={ value.field }
									options={ [
										{
											value: '' as string,
											label: __(
												'Fixed text',
												'rondine'
											),
										},
										...Object.entries( {
											...extraFields,
											...contactFieldLabels(),
										} ).map( ( [ field, label ] ) => ( {
											value: field,
											label,
										} ) ),
									] }
									onChange={ ( field ) => set( { field } ) }
								/>
							</td>
							<td>
								<TextControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={
										value.field
											? sprintf(
													/* translators: %s: variable, e.g. "Body {{1}}". */
													__(
														'Fallback for %s',
														'rondine'
													),
													slotLabel( slot )
												)
											: sprintf(
													/* translators: %s: variable, e.g. "Body {{1}}". */
													__(
														'Text for %s',
														'rondine'
													),
													slotLabel( slot )
												)
									}
									hideLabelFromVision
									placeholder={
										value.field
											? __(
													'When the contact has no value',
													'rondine'
												)
											: __(
													'Same text for everyone',
													'rondine'
												)
									}
									value={ value.text }
									onChange={ ( text ) => set( { text } ) }
								/>
							</td>
						</tr>
					);
				} ) }
			</tbody>
		</table>
	);
}
