/**
 * WordPress dependencies
 */
import { Spinner } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { Suspense, lazy } from '@wordpress/element';

/**
 * Internal dependencies
 */
import type { Route } from '../router';
import { store } from '../store';
import { CampaignEditor } from './editor';
import { CampaignStatsScreen } from './stats';

/*
 * DataViews (with @wordpress/ui and date-fns) is most of the app's weight:
 * it is loaded when the list is first shown, not with every Rondine screen.
 */
const CampaignsList = lazy( () =>
	import(
		/* webpackChunkName: "campaigns-list", webpackPrefetch: true */ './list'
	).then( ( module ) => ( { default: module.CampaignsList } ) )
);

/**
 * `#/campaigns`, `#/campaigns/new`, `#/campaigns/<id>/edit`,
 * `#/campaigns/<id>/stats`.
 */
export function CampaignsScreen( { route }: { route: Route } ) {
	const [ first, second ] = route.path;
	if ( first === 'new' ) {
		return <CampaignEditor key="new" />;
	}
	if ( first && second === 'edit' ) {
		return <CampaignEditor key={ first } id={ first } />;
	}
	if ( first ) {
		return <CampaignStatsScreen id={ first } />;
	}
	return <ListWhileLoading />;
}

/** Asks for the campaigns while the list's code is still on its way, not after. */
function ListWhileLoading() {
	useSelect( ( select ) => select( store ).getCampaigns(), [] );
	return (
		<Suspense fallback={ <Spinner /> }>
			<CampaignsList />
		</Suspense>
	);
}
