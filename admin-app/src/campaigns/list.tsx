/**
 * WordPress dependencies
 */
import { Button, Flex } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { DataViews, filterSortAndPaginate } from '@wordpress/dataviews';
import type { Action, Field, View } from '@wordpress/dataviews';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import './list.scss';
import { store } from '../store';
import { LIVE_REFRESH_MS } from '../store/constants';
import type { Campaign, CampaignAction } from '../store/types';
import {
	campaignStateLabel,
	cancelQuestion,
	sentAndCancelledText,
	waitingText,
} from './labels';
import {
	formatDateTime,
	formatNumber,
	formatPercent,
} from '../components/format';
import { buildHash, navigate } from '../router';

const STATES = [
	'draft',
	'scheduled',
	'running',
	'paused',
	'completed',
	'cancelled',
	'failed',
] as const;

/** The audience is counted when the campaign starts (its snapshot); before that there is no size yet. */
export const audienceSize = ( campaign: Campaign ): number | null =>
	campaign.state === 'draft' || campaign.state === 'scheduled'
		? null
		: campaign.counters.total;

const ratio = (
	campaign: Campaign,
	key: 'sent' | 'delivered' | 'read'
): number => {
	const total = campaign.counters.total;
	const part = campaign.counters.messages[ key ];
	return total ? part / total : -1;
};

const percentField = (
	id: 'sent' | 'delivered' | 'read',
	label: string
): Field< Campaign > => ( {
	id,
	label,
	type: 'integer',
	getValue: ( { item } ) => ratio( item, id ),
	render: ( { item } ) =>
		formatPercent( item.counters.messages[ id ], item.counters.total ),
	enableHiding: true,
} );

const DEFAULT_VIEW: View = {
	type: 'table',
	perPage: 20,
	page: 1,
	sort: { field: 'start_at', direction: 'desc' },
	search: '',
	filters: [],
	titleField: 'name',
	fields: [
		'state',
		'start_at',
		'audience_size',
		'sent',
		'delivered',
		'read',
	],
	layout: {},
};

/**
 * The body of the delete confirmation. DataViews already wraps an action's
 * RenderModal in its own Modal (titled by the action's modalHeader), so this
 * renders only the content: a second Modal inside it showed an empty box and
 * a mouse click on its buttons counted as a click outside the outer one,
 * which closed both before the click landed.
 *
 * @param {Object}   props          Props.
 * @param {Campaign} props.campaign The campaign to delete.
 * @param {Function} props.onClose  Closes the modal.
 */
function DeleteConfirmation( {
	campaign,
	onClose,
}: {
	campaign: Campaign;
	onClose: () => void;
} ) {
	const { deleteCampaign } = useDispatch( store );
	const [ isBusy, setBusy ] = useState( false );
	return (
		<>
			<p>
				{ sprintf(
					/* translators: %s: campaign name. */
					__( 'Delete “%s”? This cannot be undone.', 'rondine' ),
					campaign.name
				) }
			</p>
			<Flex justify="flex-end">
				<Button
					__next40pxDefaultSize
					variant="tertiary"
					onClick={ onClose }
					disabled={ isBusy }
				>
					{ __( 'Keep it', 'rondine' ) }
				</Button>
				<Button
					__next40pxDefaultSize
					variant="primary"
					isDestructive
					isBusy={ isBusy }
					disabled={ isBusy }
					onClick={ async () => {
						setBusy( true );
						try {
							await deleteCampaign( campaign.id );
							onClose();
						} catch {
							setBusy( false );
						}
					} }
				>
					{ __( 'Delete', 'rondine' ) }
				</Button>
			</Flex>
		</>
	);
}

/**
 * The cancel confirmation, rendered inside DataViews' own modal like the delete one (a nested Modal swallows mouse
 * clicks): it says how many messages will not be sent.
 *
 * @param {Object}   props          Props.
 * @param {Campaign} props.campaign The campaign to cancel.
 * @param {Function} props.onClose  Closes the modal.
 */
export function CancelConfirmation( {
	campaign,
	onClose,
}: {
	campaign: Campaign;
	onClose: () => void;
} ) {
	const { runCampaignAction } = useDispatch( store );
	const [ isBusy, setBusy ] = useState( false );
	const notSent = campaign.counters.automations.to_start;
	return (
		<>
			<p data-testid="rondine-cancel-question">
				{ cancelQuestion( campaign.name, notSent ) }
			</p>
			<Flex justify="flex-end">
				<Button
					__next40pxDefaultSize
					variant="tertiary"
					onClick={ onClose }
					disabled={ isBusy }
				>
					{ __( 'Keep sending', 'rondine' ) }
				</Button>
				<Button
					__next40pxDefaultSize
					variant="primary"
					isDestructive
					isBusy={ isBusy }
					disabled={ isBusy }
					onClick={ async () => {
						setBusy( true );
						try {
							await runCampaignAction( campaign.id, 'cancel' );
							onClose();
						} catch {
							setBusy( false );
						}
					} }
				>
					{ __( 'Cancel campaign', 'rondine' ) }
				</Button>
			</Flex>
		</>
	);
}

/** What the list says under a campaign's state: waiting for the window, or sent and cancelled. */
function stateDetail( item: Campaign ): string | null {
	if ( item.waiting ) {
		return waitingText( item.waiting );
	}
	if ( item.state === 'cancelled' ) {
		return sentAndCancelledText(
			item.counters.automations.completed,
			item.counters.automations.cancelled
		);
	}
	return null;
}

export function CampaignsList() {
	const [ view, setView ] = useState< View >( DEFAULT_VIEW );
	const { campaigns, isLoading } = useSelect( ( select ) => {
		const selectors = select( store );
		return {
			campaigns: selectors.getCampaigns(),
			isLoading: selectors.isResolving( 'getCampaigns', [] ),
		};
	}, [] );
	const { runCampaignAction, refreshCampaigns } = useDispatch( store );
	// Live campaigns (scheduled, running, paused) are read again every few seconds: starting, waiting, finishing.
	const hasLive = ( campaigns ?? [] ).some( ( campaign ) =>
		[ 'scheduled', 'running', 'paused' ].includes( campaign.state )
	);
	useEffect( () => {
		if ( ! hasLive ) {
			return;
		}
		const timer = setInterval( () => {
			refreshCampaigns().catch( () => {} );
		}, LIVE_REFRESH_MS );
		return () => clearInterval( timer );
	}, [ hasLive, refreshCampaigns ] );

	const fields = useMemo< Field< Campaign >[] >(
		() => [
			{
				id: 'name',
				label: __( 'Name', 'rondine' ),
				type: 'text',
				enableGlobalSearch: true,
				enableHiding: false,
				render: ( { item } ) => (
					<a
						href={ buildHash( [
							'campaigns',
							item.id,
							item.state === 'draft' ? 'edit' : 'stats',
						] ) }
					>
						{ item.name || __( '(no name)', 'rondine' ) }
					</a>
				),
			},
			{
				id: 'state',
				label: __( 'State', 'rondine' ),
				type: 'text',
				elements: STATES.map( ( state ) => ( {
					value: state,
					label: campaignStateLabel( state ),
				} ) ),
				filterBy: { operators: [ 'isAny' ] },
				render: ( { item } ) => (
					<>
						<span className={ `rondine-state is-${ item.state }` }>
							{ campaignStateLabel( item.state ) }
						</span>
						{ stateDetail( item ) && (
							<span
								className="rondine-state__detail"
								data-testid="rondine-state-detail"
							>
								{ ' ' }
								{ stateDetail( item ) }
							</span>
						) }
					</>
				),
			},
			{
				id: 'start_at',
				label: __( 'Start', 'rondine' ),
				type: 'datetime',
				getValue: ( { item } ) => item.start_at ?? '',
				render: ( { item } ) =>
					item.start_at
						? formatDateTime( item.start_at )
						: __( 'Not scheduled', 'rondine' ),
			},
			{
				id: 'audience_size',
				label: __( 'Audience', 'rondine' ),
				type: 'integer',
				getValue: ( { item } ) => audienceSize( item ) ?? -1,
				render: ( { item } ) => formatNumber( audienceSize( item ) ),
			},
			percentField( 'sent', __( 'Sent', 'rondine' ) ),
			percentField( 'delivered', __( 'Delivered', 'rondine' ) ),
			percentField( 'read', __( 'Read', 'rondine' ) ),
		],
		[]
	);

	const actions = useMemo< Action< Campaign >[] >( () => {
		const lifecycle = (
			id: CampaignAction,
			label: string,
			states: string[]
		): Action< Campaign > => ( {
			id,
			label,
			isEligible: ( item ) => states.includes( item.state ),
			callback: async ( [ item ] ) => {
				if ( ! item ) {
					return;
				}
				try {
					const result = await runCampaignAction( item.id, id );
					if ( id === 'duplicate' || id === 'retry-failed' ) {
						navigate( [ 'campaigns', result.id, 'edit' ] );
					}
				} catch {
					// The notice with the server's message is already shown.
				}
			},
		} );
		return [
			{
				id: 'edit',
				label: __( 'Edit', 'rondine' ),
				isPrimary: true,
				isEligible: ( item ) =>
					item.state === 'draft' || item.state === 'scheduled',
				callback: ( [ item ] ) =>
					item && navigate( [ 'campaigns', item.id, 'edit' ] ),
			},
			{
				id: 'stats',
				label: __( 'Stats', 'rondine' ),
				isEligible: ( item ) => item.state !== 'draft',
				callback: ( [ item ] ) =>
					item && navigate( [ 'campaigns', item.id, 'stats' ] ),
			},
			lifecycle( 'pause', __( 'Pause', 'rondine' ), [ 'running' ] ),
			lifecycle( 'resume', __( 'Resume', 'rondine' ), [ 'paused' ] ),
			{
				id: 'cancel',
				label: __( 'Cancel', 'rondine' ),
				isDestructive: true,
				isEligible: ( item ) =>
					item.state === 'running' || item.state === 'paused',
				RenderModal: ( { items, closeModal } ) =>
					items[ 0 ] ? (
						<CancelConfirmation
							campaign={ items[ 0 ] }
							onClose={ () => closeModal?.() }
						/>
					) : (
						<></>
					),
				modalHeader: __( 'Cancel campaign', 'rondine' ),
			},
			lifecycle( 'duplicate', __( 'Duplicate', 'rondine' ), [
				...STATES,
			] ),
			{
				id: 'delete',
				label: __( 'Delete', 'rondine' ),
				isDestructive: true,
				isEligible: ( item ) =>
					item.state === 'draft' || item.state === 'scheduled',
				RenderModal: ( { items, closeModal } ) =>
					items[ 0 ] ? (
						<DeleteConfirmation
							campaign={ items[ 0 ] }
							onClose={ () => closeModal?.() }
						/>
					) : (
						<></>
					),
				modalHeader: __( 'Delete campaign', 'rondine' ),
			},
		];
	}, [ runCampaignAction ] );

	const { data, paginationInfo } = useMemo(
		() => filterSortAndPaginate( campaigns ?? [], view, fields ),
		[ campaigns, view, fields ]
	);

	return (
		<div
			className="rondine-campaigns__list"
			data-testid="rondine-campaigns-list"
		>
			<div className="rondine-campaigns__toolbar">
				<Button
					variant="primary"
					href={ buildHash( [ 'campaigns', 'new' ] ) }
				>
					{ __( 'New campaign', 'rondine' ) }
				</Button>
			</div>
			{ ! isLoading && campaigns?.length === 0 ? (
				<p className="rondine-campaigns__empty">
					{ __(
						'No campaigns yet. A campaign sends an approved WhatsApp template to one or more segments and lists, now or at a time you choose.',
						'rondine'
					) }
				</p>
			) : (
				<DataViews< Campaign >
					data={ data }
					fields={ fields }
					view={ view }
					onChangeView={ setView }
					actions={ actions }
					isLoading={ isLoading || campaigns === null }
					paginationInfo={ paginationInfo }
					getItemId={ ( item ) => item.id }
					defaultLayouts={ { table: {} } }
				/>
			) }
		</div>
	);
}
