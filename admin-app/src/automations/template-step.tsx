/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';
import { createContext, useContext, useMemo } from '@wordpress/element';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { MappedComponent, Template } from '../store/types';
import { TemplatePicker, templateKey } from '../campaigns/template-picker';
import { VariableMapping } from '../campaigns/variable-mapping';
import {
	fromComponents,
	templateSlots,
	toComponents,
} from '../campaigns/mapping';
import { MediaHeaderField, mediaHeaderOf } from '../campaigns/media';
import { WhatsAppBubble } from '../components/whatsapp-bubble';
import type { AutomationTemplate } from './types';

/**
 * The trigger event's values a template may use besides the contact's (mapping field => label): the order's values
 * when an order event starts the automation. Given by the editor for the whole flow.
 */
export const EventFields = createContext< Record< string, string > >( {} );

/**
 * A template and its variables' mapping, with the campaign editor's picker, media field and mapping table: what a
 * send_template step sends, or a send_text step when the contact's 24-hour window is closed.
 */
export function TemplateFields( {
	value,
	onChange,
	label,
}: {
	value: AutomationTemplate | null;
	onChange: ( value: AutomationTemplate | null ) => void;
	label?: string;
} ) {
	const eventFields = useContext( EventFields );
	const templates = useSelect(
		( select ) => select( store ).getApprovedTemplates(),
		[]
	);
	const template = useMemo(
		() =>
			value
				? templates?.find(
						( t ) => templateKey( t ) === templateKey( value )
					)
				: undefined,
		[ templates, value ]
	);
	const slots = useMemo(
		() => ( template ? templateSlots( template ) : [] ),
		[ template ]
	);
	const values = useMemo(
		() => ( value ? fromComponents( slots, value.components ) : {} ),
		[ slots, value ]
	);
	const kind = mediaHeaderOf( template );
	const media =
		value?.components
			.find( ( c ) => c.type === 'header' )
			?.parameters.find( ( p ) =>
				[ 'image', 'video', 'document' ].includes( p.type )
			) ?? null;

	const write = (
		chosen: Template,
		mapped: MappedComponent[],
		header: MappedComponent[ 'parameters' ][ number ] | null
	) => {
		const mediaKind = mediaHeaderOf( chosen );
		onChange( {
			name: chosen.name,
			language: chosen.language,
			category: chosen.category,
			components:
				mediaKind && header
					? [
							{
								type: 'header',
								parameters: [ { ...header, type: mediaKind } ],
							},
							...mapped,
						]
					: mapped,
		} );
	};

	return (
		<div className="rondine-automation__template">
			<TemplatePicker
				templates={ templates ?? null }
				label={ label }
				value={ value ? templateKey( value ) : '' }
				onChange={ ( key ) => {
					const chosen = templates?.find(
						( t ) => templateKey( t ) === key
					);
					if ( chosen ) {
						write( chosen, [], null );
					} else {
						onChange( null );
					}
				} }
			/>
			{ template && (
				<div className="rondine-editor__template">
					<WhatsAppBubble template={ template } />
					<div>
						{ kind && (
							<MediaHeaderField
								kind={ kind }
								value={ media }
								onChange={ ( next ) =>
									write(
										template,
										toComponents( slots, values ),
										next
									)
								}
							/>
						) }
						<VariableMapping
							slots={ slots }
							values={ values }
							extraFields={ eventFields }
							onChange={ ( next ) =>
								write(
									template,
									toComponents( slots, next ),
									media
								)
							}
						/>
					</div>
				</div>
			) }
		</div>
	);
}
