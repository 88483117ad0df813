/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Modal,
	Notice,
	SelectControl,
	Spinner,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { LIVE_REFRESH_MS, PATHS } from '../store/constants';
import type {
	Campaign,
	CampaignState,
	CampaignAction,
	CampaignStats,
	RecipientsQuery,
} from '../store/types';
import {
	campaignStateLabel,
	errorReasonLabel,
	recipientStatusLabel,
	sentAndCancelledText,
	waitingText,
} from './labels';
import { CancelConfirmation } from './list';
import { AutomationSteps } from './automation-steps';
import {
	formatDateTime,
	formatDuration,
	formatNumber,
	formatPercent,
	percentOf,
} from '../components/format';
import { buildHash, navigate } from '../router';

function Bar( {
	label,
	value,
	total,
	testId,
}: {
	label: string;
	value: number;
	total: number;
	testId: string;
} ) {
	return (
		<div className="rondine-stats__bar" data-testid={ testId }>
			<div className="rondine-stats__bar-label">
				<span>{ label }</span>
				<span>
					<strong className="rondine-stats__value">
						{ formatNumber( value ) }
					</strong>{ ' ' }
					<span className="rondine-stats__percent">
						{ formatPercent( value, total ) }
					</span>
				</span>
			</div>
			<div
				className="rondine-stats__track"
				role="progressbar"
				aria-label={ label }
				aria-valuemin={ 0 }
				aria-valuemax={ 100 }
				aria-valuenow={ Math.round( percentOf( value, total ) ) }
			>
				<div
					className="rondine-stats__fill"
					style={ { width: `${ percentOf( value, total ) }%` } }
				/>
			</div>
		</div>
	);
}

function Progress( { stats }: { stats: CampaignStats } ) {
	const { done } = stats.progress;
	const percent = percentOf( done, stats.counters.total );
	const eta = stats.progress.eta_seconds;
	return (
		<div className="rondine-stats__progress" data-testid="rondine-progress">
			<div
				className="rondine-stats__track is-large"
				role="progressbar"
				aria-label={ __( 'Progress', 'rondine' ) }
				aria-valuemin={ 0 }
				aria-valuemax={ 100 }
				aria-valuenow={ Math.round( percent ) }
			>
				<div
					className="rondine-stats__fill"
					style={ { width: `${ percent }%` } }
				/>
			</div>
			<p data-testid="rondine-progress-text">
				{ stats.progress.cancelled > 0
					? sentAndCancelledText(
							stats.counters.automations.completed,
							stats.progress.cancelled
						)
					: sprintf(
							/* translators: 1: recipients done, 2: all recipients, 3: percentage. */
							__(
								'%1$s of %2$s recipients done (%3$s)',
								'rondine'
							),
							formatNumber( done ),
							formatNumber( stats.counters.total ),
							formatPercent( done, stats.counters.total )
						) }
				{ stats.waiting && ' · ' + waitingText( stats.waiting ) }
				{ ! stats.waiting &&
					typeof eta === 'number' &&
					eta > 0 &&
					' · ' +
						sprintf(
							/* translators: %s: remaining time such as "3 min 20 s". */
							__( 'about %s left', 'rondine' ),
							formatDuration( eta )
						) }
			</p>
		</div>
	);
}

/** Drill-down filters: where the recipient's run stands, and what WhatsApp said about the message. */
const RECIPIENT_FILTERS: Array< {
	value: string;
	query: RecipientsQuery;
	label: () => string;
} > = [
	{ value: '', query: {}, label: () => __( 'All', 'rondine' ) },
	{
		value: 'pending',
		query: { state: 'pending' },
		label: () => __( 'Waiting', 'rondine' ),
	},
	{
		value: 'sending',
		query: { state: 'sending' },
		label: () => __( 'Sending', 'rondine' ),
	},
	{
		value: 'sent',
		query: { message_status: 'sent' },
		label: () => __( 'Sent (not delivered yet)', 'rondine' ),
	},
	{
		value: 'delivered',
		query: { message_status: 'delivered' },
		label: () => __( 'Delivered (not read yet)', 'rondine' ),
	},
	{
		value: 'read',
		query: { message_status: 'read' },
		label: () => __( 'Read', 'rondine' ),
	},
	{
		value: 'failed',
		query: { state: 'failed' },
		label: () => __( 'Failed', 'rondine' ),
	},
	{
		value: 'unknown',
		query: { state: 'unknown' },
		label: () => __( 'Unknown outcome', 'rondine' ),
	},
	{
		value: 'opted_out',
		query: { state: 'opted_out' },
		label: () => __( 'Opted out before sending', 'rondine' ),
	},
];

/**
 * The error filter: the reasons this campaign's failures have (and the one chosen), in words, the key beside
 * reasons that share their words.
 * @param stats  The campaign's stats.
 * @param chosen The reason chosen now ('' for any).
 */
function errorFilterOptions(
	stats: CampaignStats,
	chosen: string
): Array< { value: string; label: string } > {
	const reasons = [
		...new Set( [
			...stats.failures.flatMap( ( f ) =>
				f.reason ? [ f.reason ] : []
			),
			...( chosen ? [ chosen ] : [] ),
		] ),
	];
	const labels = reasons.map( errorReasonLabel );
	return reasons.map( ( reason, i ) => ( {
		value: reason,
		label:
			labels.filter( ( label ) => label === labels[ i ] ).length > 1
				? `${ labels[ i ] } (${ reason })`
				: ( labels[ i ] ?? reason ),
	} ) );
}

const PAGE_SIZE = 50;

/**
 * A key that changes whenever a recipient may have changed: the stats' figures.
 * @param stats The campaign's stats.
 */
export function recipientsVersion( stats: CampaignStats ): string {
	return JSON.stringify( [
		stats.counters.total,
		stats.progress,
		stats.counters.messages,
		stats.counters.automations,
		stats.counters.interactions,
	] );
}

function Recipients( {
	campaign,
	stats,
}: {
	campaign: Campaign;
	stats: CampaignStats;
} ) {
	const [ filter, setFilter ] = useState( '' );
	const [ error, setError ] = useState( '' );
	// Keyset paging: the cursors of the pages seen so far, to go back.
	const [ cursors, setCursors ] = useState< number[] >( [ 0 ] );
	const base = RECIPIENT_FILTERS.find(
		( item ) => item.value === filter
	)?.query;
	const query: RecipientsQuery = {
		...base,
		...( error ? { error } : {} ),
		limit: PAGE_SIZE,
		...( cursors.length > 1
			? { after: cursors[ cursors.length - 1 ] }
			: {} ),
	};
	const page = useSelect(
		( select ) =>
			select( store ).getCampaignRecipients( campaign.id, query ),
		// eslint-disable-next-line react-hooks/exhaustive-deps -- `query` is derived from these.
		[ campaign.id, filter, error, cursors ]
	);
	const [ isExporting, setExporting ] = useState( false );
	const { reportError, invalidateResolutionForStoreSelector } =
		useDispatch( store );
	// The table follows the cards: each time the stats move (the live refresh while sending), the pages of
	// recipients already read are read again, keeping the rows shown meanwhile.
	const progressKey = recipientsVersion( stats );
	useEffect( () => {
		invalidateResolutionForStoreSelector( 'getCampaignRecipients' );
	}, [ progressKey, invalidateResolutionForStoreSelector ] );

	const exportCsv = async () => {
		setExporting( true );
		try {
			const response = await apiFetch< Response, false >( {
				path: addQueryArgs(
					`${ PATHS.campaigns }/${ campaign.id }/recipients`,
					{ ...base, ...( error ? { error } : {} ), format: 'csv' }
				),
				parse: false,
			} );
			const blob = await response.blob();
			const url = URL.createObjectURL( blob );
			const link = document.createElement( 'a' );
			link.href = url;
			link.download = `${ campaign.name || campaign.id }-recipients.csv`;
			link.click();
			URL.revokeObjectURL( url );
		} catch ( failure ) {
			reportError( failure, __( 'Export failed', 'rondine' ) );
		} finally {
			setExporting( false );
		}
	};

	return (
		<Card className="rondine-stats__recipients">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Recipients', 'rondine' ) }
				</h3>
				<Button
					variant="secondary"
					onClick={ exportCsv }
					isBusy={ isExporting }
				>
					{ __( 'Export CSV', 'rondine' ) }
				</Button>
			</CardHeader>
			<CardBody>
				<div className="rondine-stats__filters">
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Status', 'rondine' ) }
						value={ filter }
						options={ RECIPIENT_FILTERS.map( ( item ) => ( {
							value: item.value,
							label: item.label(),
						} ) ) }
						onChange={ ( value ) => {
							setFilter( value );
							setCursors( [ 0 ] );
						} }
					/>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Error', 'rondine' ) }
						value={ error }
						options={ [
							{ value: '', label: __( 'Any', 'rondine' ) },
							...errorFilterOptions( stats, error ),
						] }
						onChange={ ( value ) => {
							setError( value );
							setCursors( [ 0 ] );
						} }
					/>
				</div>
				{ page === null ? (
					<Spinner />
				) : (
					<table
						className="widefat striped"
						data-testid="rondine-recipients"
					>
						<thead>
							<tr>
								<th>{ __( 'Name', 'rondine' ) }</th>
								<th>{ __( 'Phone', 'rondine' ) }</th>
								<th>{ __( 'Status', 'rondine' ) }</th>
								<th>{ __( 'Error', 'rondine' ) }</th>
								<th>{ __( 'Updated', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ page.recipients.length === 0 && (
								<tr>
									<td colSpan={ 5 }>
										{ __(
											'No recipients match.',
											'rondine'
										) }
									</td>
								</tr>
							) }
							{ page.recipients.map( ( recipient ) => (
								<tr key={ recipient.id }>
									<td>
										{ recipient.contact_id ? (
											<a
												href={ buildHash( [
													'audience',
													'contacts',
													String(
														recipient.contact_id
													),
												] ) }
											>
												{ recipient.name ||
													__(
														'(no name)',
														'rondine'
													) }
											</a>
										) : (
											recipient.name ||
											__( 'Contact deleted', 'rondine' )
										) }
									</td>
									<td>{ recipient.phone }</td>
									<td>
										{ recipientStatusLabel( recipient ) }
									</td>
									<td>
										{ recipient.error_reason &&
											errorReasonLabel(
												recipient.error_reason
											) }
										{ recipient.error_code
											? ` (${ recipient.error_code })`
											: '' }
										{ recipient.retryable &&
											` · ${ __(
												'can be retried',
												'rondine'
											) }` }
									</td>
									<td>
										{ formatDateTime(
											recipient.updated_at
										) }
									</td>
								</tr>
							) ) }
						</tbody>
					</table>
				) }
				<div className="rondine-stats__pages">
					<Button
						variant="tertiary"
						disabled={ cursors.length <= 1 }
						onClick={ () => setCursors( cursors.slice( 0, -1 ) ) }
					>
						{ __( 'Previous', 'rondine' ) }
					</Button>
					<Button
						variant="tertiary"
						disabled={ ! page?.next_after }
						onClick={ () =>
							page?.next_after &&
							setCursors( [ ...cursors, page.next_after ] )
						}
					>
						{ __( 'Next', 'rondine' ) }
					</Button>
				</div>
			</CardBody>
		</Card>
	);
}

const LIVE_STATES: CampaignState[] = [ 'scheduled', 'running' ];

export function CampaignStatsScreen( { id }: { id: string } ) {
	const { campaign, stats } = useSelect(
		( select ) => ( {
			campaign: select( store ).getCampaign( id ),
			stats: select( store ).getCampaignStats( id ),
		} ),
		[ id ]
	);
	const { refreshCampaign, runCampaignAction } = useDispatch( store );
	const [ busy, setBusy ] = useState< CampaignAction | null >( null );
	const [ confirmCancel, setConfirmCancel ] = useState( false );

	const isLive = !! campaign && LIVE_STATES.includes( campaign.state );
	useEffect( () => {
		if ( ! isLive ) {
			return;
		}
		const timer = setInterval( () => {
			refreshCampaign( id ).catch( () => {
				// A missed refresh is retried on the next tick.
			} );
		}, LIVE_REFRESH_MS );
		return () => clearInterval( timer );
	}, [ id, isLive, refreshCampaign ] );

	if ( ! campaign || ! stats ) {
		return <Spinner />;
	}

	const act = async ( action: CampaignAction ) => {
		setBusy( action );
		try {
			const result = await runCampaignAction( id, action );
			if ( action === 'retry-failed' || action === 'duplicate' ) {
				navigate( [ 'campaigns', result.id, 'edit' ] );
			} else {
				await refreshCampaign( id );
			}
		} catch {
			// The notice says why.
		} finally {
			setBusy( null );
		}
	};
	const button = (
		action: CampaignAction,
		label: string,
		destructive = false
	) => (
		<Button
			variant={ action === 'retry-failed' ? 'primary' : 'secondary' }
			isDestructive={ destructive }
			isBusy={ busy === action }
			disabled={ busy !== null }
			onClick={ () => act( action ) }
		>
			{ label }
		</Button>
	);
	const { messages, automations } = stats.counters;
	// Template faults and other failures "Retry failed" would not take (the bridge's error table decides).
	const notRetryable = stats.failures
		.filter( ( f ) => ! f.retryable && f.reason !== 'invalid_phone' )
		.filter( ( f ) => f.reason !== 'opted_out' )
		.reduce( ( sum, f ) => sum + f.count, 0 );

	// A campaign that launched an automation counts runs: each recipient's way through the automation.
	const runs = campaign.automation?.runs;
	const runBars = runs
		? [
				{
					testId: 'rondine-stat-to-start',
					label: __( 'Not started yet', 'rondine' ),
					value: runs.to_start,
				},
				{
					testId: 'rondine-stat-in-progress',
					label: __( 'In progress (steps still ahead)', 'rondine' ),
					value: runs.in_progress,
				},
				{
					testId: 'rondine-stat-completed',
					label: __( 'Went through the automation', 'rondine' ),
					value: runs.completed,
				},
				{
					testId: 'rondine-stat-automations-failed',
					label: __(
						'Failed (a message could not be sent)',
						'rondine'
					),
					value: runs.failed,
				},
				...( runs.exited > 0
					? [
							{
								testId: 'rondine-stat-exited',
								label: __(
									'Left early (opted out, goal reached, automation stopped)',
									'rondine'
								),
								value: runs.exited,
							},
						]
					: [] ),
				...( runs.cancelled > 0
					? [
							{
								testId: 'rondine-stat-cancelled',
								label: __(
									'Stopped when the campaign was cancelled',
									'rondine'
								),
								value: runs.cancelled,
							},
						]
					: [] ),
			]
		: null;
	// Every figure as a share of the campaign's recipients (as the list and the bridge's stats API give them).
	const automationBars = runBars ?? [
		{
			testId: 'rondine-stat-to-start',
			label: __( 'To start', 'rondine' ),
			value: automations.to_start,
		},
		{
			testId: 'rondine-stat-in-progress',
			label: __( 'In progress', 'rondine' ),
			value: automations.in_progress,
		},
		{
			testId: 'rondine-stat-completed',
			label: __( 'Completed', 'rondine' ),
			value: automations.completed,
		},
		{
			testId: 'rondine-stat-automations-failed',
			label: __( 'Failed', 'rondine' ),
			value: automations.failed,
		},
		// Shown only when there are some: these may have been delivered and must not be missed.
		...( automations.cancelled > 0
			? [
					{
						testId: 'rondine-stat-cancelled',
						label: __( 'Cancelled (never sent)', 'rondine' ),
						value: automations.cancelled,
					},
				]
			: [] ),
		// The sending policy's frequency cap held these back (the owner chose to skip them): never sent, not failed.
		...( automations.capped > 0
			? [
					{
						testId: 'rondine-stat-capped',
						label: __(
							'Held back by the frequency cap (never sent)',
							'rondine'
						),
						value: automations.capped,
					},
				]
			: [] ),
		...( automations.unknown > 0
			? [
					{
						testId: 'rondine-stat-unknown',
						label: __(
							'Unknown outcome (never re-sent)',
							'rondine'
						),
						value: automations.unknown,
					},
				]
			: [] ),
	];
	const messageBars = [
		{
			testId: 'rondine-stat-sent',
			label: __( 'Sent', 'rondine' ),
			value: messages.sent,
		},
		{
			testId: 'rondine-stat-delivered',
			label: __( 'Delivered', 'rondine' ),
			value: messages.delivered,
		},
		{
			testId: 'rondine-stat-read',
			label: __( 'Read', 'rondine' ),
			value: messages.read,
		},
		{
			testId: 'rondine-stat-failed',
			label: __( 'Failed', 'rondine' ),
			value: messages.failed,
		},
	];

	// An automation sends several messages per recipient: its message figures are shares of the messages sent.
	const messageTotal = campaign.automation
		? messages.sent + messages.failed
		: stats.counters.total;

	return (
		<div className="rondine-stats" data-testid="rondine-campaign-stats">
			<div className="rondine-stats__head">
				<h3>{ campaign.name }</h3>
				<span
					className={ `rondine-state is-${ campaign.state }` }
					data-testid="rondine-campaign-state"
				>
					{ campaignStateLabel( campaign.state ) }
				</span>
				<span>
					{ sprintf(
						/* translators: %s: date and time. */
						__( 'Start: %s', 'rondine' ),
						formatDateTime( campaign.start_at )
					) }
				</span>
			</div>
			{ campaign.state_message && (
				<Notice
					status={ campaign.state === 'failed' ? 'error' : 'warning' }
					isDismissible={ false }
				>
					{ campaign.state_message }
				</Notice>
			) }
			<div className="rondine-stats__actions">
				{ campaign.state === 'scheduled' && (
					<Button
						variant="secondary"
						href={ buildHash( [ 'campaigns', id, 'edit' ] ) }
					>
						{ __( 'Edit', 'rondine' ) }
					</Button>
				) }
				{ campaign.state === 'running' &&
					button( 'pause', __( 'Pause', 'rondine' ) ) }
				{ campaign.state === 'paused' &&
					button( 'resume', __( 'Resume', 'rondine' ) ) }
				{ [ 'running', 'paused' ].includes( campaign.state ) && (
					<Button
						variant="secondary"
						isDestructive
						disabled={ busy !== null }
						onClick={ () => setConfirmCancel( true ) }
					>
						{ __( 'Cancel campaign', 'rondine' ) }
					</Button>
				) }
				{ [ 'completed', 'cancelled', 'failed', 'paused' ].includes(
					campaign.state
				) &&
					stats.failures.some( ( f ) => f.retryable ) &&
					button( 'retry-failed', __( 'Retry failed', 'rondine' ) ) }
				{ button( 'duplicate', __( 'Duplicate', 'rondine' ) ) }
			</div>
			{ notRetryable > 0 && (
				<Notice status="info" isDismissible={ false }>
					<span data-testid="rondine-not-retryable">
						{ sprintf(
							/* translators: %s: number of failed recipients. */
							_n(
								'%s failure cannot be fixed by retrying: WhatsApp refused the template or its content (a missing header image, a variable, a paused template). Fix the campaign or the template, then duplicate it.',
								'%s failures cannot be fixed by retrying: WhatsApp refused the template or its content (a missing header image, a variable, a paused template). Fix the campaign or the template, then duplicate it.',
								notRetryable,
								'rondine'
							),
							formatNumber( notRetryable )
						) }
					</span>
				</Notice>
			) }
			{ confirmCancel && (
				<Modal
					title={ __( 'Cancel campaign', 'rondine' ) }
					onRequestClose={ () => setConfirmCancel( false ) }
				>
					<CancelConfirmation
						campaign={ campaign }
						onClose={ () => {
							setConfirmCancel( false );
							refreshCampaign( id ).catch( () => {} );
						} }
					/>
				</Modal>
			) }
			{ ! [ 'draft', 'scheduled' ].includes( campaign.state ) && (
				<Progress stats={ stats } />
			) }
			<div className="rondine-stats__grid">
				<Card>
					<CardHeader>
						<h3 className="rondine-card-title">
							{ campaign.automation
								? sprintf(
										/* translators: %s: automation name. */
										__( 'Runs of “%s”', 'rondine' ),
										campaign.automation.name ??
											campaign.automation.id
									)
								: __( 'Automations', 'rondine' ) }
						</h3>
					</CardHeader>
					<CardBody>
						{ automationBars.map( ( bar ) => (
							<Bar
								key={ bar.testId }
								{ ...bar }
								total={ stats.counters.total }
							/>
						) ) }
					</CardBody>
				</Card>
				<Card>
					<CardHeader>
						<h3 className="rondine-card-title">
							{ __( 'Messages', 'rondine' ) }
						</h3>
					</CardHeader>
					<CardBody>
						{ messageBars.map( ( bar ) => (
							<Bar
								key={ bar.testId }
								{ ...bar }
								total={ messageTotal }
							/>
						) ) }
						{ campaign.automation && (
							<p className="rondine-stats__note">
								{ __(
									'Every step’s messages, as a share of those sent.',
									'rondine'
								) }
							</p>
						) }
					</CardBody>
				</Card>
				<Card>
					<CardHeader>
						<h3 className="rondine-card-title">
							{ __( 'Interactions', 'rondine' ) }
						</h3>
					</CardHeader>
					<CardBody>
						<Bar
							testId="rondine-stat-interactions"
							label={ __( 'Replies and button taps', 'rondine' ) }
							value={ stats.counters.interactions }
							total={ messages.delivered }
						/>
						<p className="rondine-stats__note">
							{ __( 'Share of delivered messages.', 'rondine' ) }
						</p>
					</CardBody>
				</Card>
			</div>
			{ campaign.automation && (
				<AutomationSteps automation={ campaign.automation } />
			) }
			<Recipients campaign={ campaign } stats={ stats } />
		</div>
	);
}
