/**
 * Internal dependencies
 */
import { placeholders } from '../components/whatsapp-bubble';
import type {
	MappedComponent,
	MappedParameter,
	Template,
} from '../store/types';

/** One placeholder of a template that the owner must fill. */
export interface Slot {
	id: string;
	component: 'header' | 'body' | 'button';
	/** Button position, for URL buttons. */
	index?: number;
	/** `1` for `{{1}}`, or the parameter name. */
	key: string;
	named: boolean;
}

export interface SlotValue {
	/** A contact field, or `` for a fixed text. */
	field: string;
	/** The fixed text, or the fallback when the contact has no value. */
	text: string;
}

export function templateSlots( template: Template ): Slot[] {
	const slots: Slot[] = [];
	const named = template.parameter_format === 'NAMED';
	for ( const component of template.components ) {
		if (
			component.type === 'HEADER' &&
			( ! component.format || component.format === 'TEXT' )
		) {
			for ( const key of placeholders( component.text ) ) {
				slots.push( {
					id: `header:${ key }`,
					component: 'header',
					key,
					named: named || ! /^\d+$/.test( key ),
				} );
			}
		}
		if ( component.type === 'BODY' ) {
			for ( const key of placeholders( component.text ) ) {
				slots.push( {
					id: `body:${ key }`,
					component: 'body',
					key,
					named: named || ! /^\d+$/.test( key ),
				} );
			}
		}
		if ( component.type === 'BUTTONS' ) {
			( component.buttons ?? [] ).forEach( ( button, index ) => {
				if ( button.type === 'URL' && button.url ) {
					for ( const key of placeholders( button.url ) ) {
						slots.push( {
							id: `button:${ index }:${ key }`,
							component: 'button',
							index,
							key,
							named: false,
						} );
					}
				}
			} );
		}
	}
	return slots;
}

function parameter(
	slot: Slot,
	value: SlotValue | undefined
): MappedParameter {
	const base: MappedParameter = value?.field
		? { type: 'text', field: value.field, fallback: value.text }
		: { type: 'text', text: value?.text ?? '' };
	return slot.named ? { ...base, parameter_name: slot.key } : base;
}

/** The owner's choices as the bridge's component mapping. */
export function toComponents(
	slots: Slot[],
	values: Record< string, SlotValue >
): MappedComponent[] {
	const components: MappedComponent[] = [];
	const byComponent = new Map< string, MappedComponent >();
	for ( const slot of slots ) {
		const groupKey =
			slot.component === 'button'
				? `button:${ slot.index }`
				: slot.component;
		let component = byComponent.get( groupKey );
		if ( ! component ) {
			component =
				slot.component === 'button'
					? {
							type: 'button',
							sub_type: 'url',
							index: slot.index ?? 0,
							parameters: [],
						}
					: { type: slot.component, parameters: [] };
			byComponent.set( groupKey, component );
			components.push( component );
		}
		component.parameters.push( parameter( slot, values[ slot.id ] ) );
	}
	return components;
}

/** A saved mapping back into the editor's per-slot values. */
export function fromComponents(
	slots: Slot[],
	components: MappedComponent[]
): Record< string, SlotValue > {
	const values: Record< string, SlotValue > = {};
	for ( const component of components ) {
		const matching = slots.filter(
			( slot ) =>
				slot.component === component.type &&
				( component.type !== 'button' ||
					slot.index === component.index )
		);
		component.parameters.forEach( ( param, position ) => {
			const slot = param.parameter_name
				? matching.find( ( s ) => s.key === param.parameter_name )
				: matching[ position ];
			if ( slot ) {
				values[ slot.id ] = param.field
					? { field: param.field, text: param.fallback ?? '' }
					: { field: '', text: param.text ?? '' };
			}
		} );
	}
	return values;
}

/** Slots that would send an empty value to WhatsApp (which refuses it). */
export function incompleteSlots(
	slots: Slot[],
	values: Record< string, SlotValue >
): Slot[] {
	return slots.filter( ( slot ) => {
		const value = values[ slot.id ];
		return ! value || ! value.text.trim();
	} );
}
