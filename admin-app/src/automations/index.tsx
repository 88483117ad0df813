/**
 * Internal dependencies
 */
import type { Route } from '../router';
import { AutomationEditor } from './editor';
import type { StarterKey } from './flow';
import { AutomationsList } from './list';
import './style.scss';

const STARTERS: StarterKey[] = [
	'welcome',
	'keyword',
	'reminder',
	'birthday',
	'order_shipped',
];

/** `#/automations`, `#/automations/new?starter=keyword`, `#/automations/<id>`. */
export function AutomationsScreen( { route }: { route: Route } ) {
	const [ first ] = route.path;
	if ( first === 'new' ) {
		const starter = STARTERS.find( ( key ) => key === route.query.starter );
		return (
			<AutomationEditor
				key={ `new-${ starter ?? 'blank' }` }
				starterKey={ starter ?? 'blank' }
			/>
		);
	}
	if ( first ) {
		return <AutomationEditor key={ first } id={ first } />;
	}
	return <AutomationsList />;
}
