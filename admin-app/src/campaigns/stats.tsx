/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { LIVE_REFRESH_MS, PATHS } from '../store/constants';
import type {
	Campaign,
	CampaignAction,
	CampaignStats,
	RecipientsQuery,
} from '../store/types';
import { campaignStateLabel, recipientStatusLabel } from './labels';
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
	const done =
		( stats.automations?.completed ?? 0 ) +
		( stats.automations?.failed ?? 0 );
	const percent = percentOf( done, stats.total );
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
			<p>
				{ sprintf(
					/* translators: 1: recipients done, 2: all recipients, 3: percentage. */
					__( '%1$s of %2$s recipients done (%3$s)', 'rondine' ),
					formatNumber( done ),
					formatNumber( stats.total ),
					formatPercent( done, stats.total )
				) }
				{ typeof stats.eta_seconds === 'number' &&
					stats.eta_seconds > 0 &&
					' · ' +
						sprintf(
							/* translators: %s: remaining time such as "3 min 20 s". */
							__( 'about %s left', 'rondine' ),
							formatDuration( stats.eta_seconds )
						) }
			</p>
		</div>
	);
}

const RECIPIENT_STATUSES = [
	'pending',
	'sending',
	'sent',
	'delivered',
	'read',
	'failed',
	'unknown',
];

function Recipients( { campaign }: { campaign: Campaign } ) {
	const [ query, setQuery ] = useState< RecipientsQuery >( {
		page: 1,
		per_page: 50,
	} );
	const { page, errors } = useSelect(
		( select ) => ( {
			page: select( store ).getCampaignRecipients( campaign.id, query ),
			errors:
				select( store ).getCampaignStats( campaign.id )?.errors ?? [],
		} ),
		[ campaign.id, query ]
	);
	const [ isExporting, setExporting ] = useState( false );
	const { reportError } = useDispatch( store );

	const exportCsv = async () => {
		setExporting( true );
		try {
			const response = await apiFetch< Response, false >( {
				path: `${ PATHS.campaigns }/${ campaign.id }/recipients?format=csv${
					query.status
						? `&status=${ encodeURIComponent( query.status ) }`
						: ''
				}${ query.error ? `&error=${ encodeURIComponent( query.error ) }` : '' }`,
				headers: { Accept: 'text/csv' },
				parse: false,
			} );
			const blob = await response.blob();
			const url = URL.createObjectURL( blob );
			const link = document.createElement( 'a' );
			link.href = url;
			link.download = `${ campaign.name || campaign.id }-recipients.csv`;
			link.click();
			URL.revokeObjectURL( url );
		} catch ( error ) {
			reportError( error, __( 'Export failed', 'rondine' ) );
		} finally {
			setExporting( false );
		}
	};

	const total = page?.total ?? 0;
	const perPage = query.per_page ?? 50;
	const pages = Math.max( 1, Math.ceil( total / perPage ) );
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
						value={ query.status ?? '' }
						options={ [
							{ value: '', label: __( 'All', 'rondine' ) },
							...RECIPIENT_STATUSES.map( ( status ) => ( {
								value: status,
								label: recipientStatusLabel( status ),
							} ) ),
						] }
						onChange={ ( status ) =>
							setQuery( {
								...query,
								status: status || undefined,
								page: 1,
							} )
						}
					/>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Error', 'rondine' ) }
						value={ query.error ?? '' }
						options={ [
							{ value: '', label: __( 'Any', 'rondine' ) },
							...errors.map( ( error ) => ( {
								value: String( error.code ),
								label: `${ error.reason ?? error.code } (${ formatNumber(
									error.count
								) })`,
							} ) ),
						] }
						onChange={ ( error ) =>
							setQuery( {
								...query,
								error: error || undefined,
								page: 1,
							} )
						}
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
								<th>{ __( 'Phone', 'rondine' ) }</th>
								<th>{ __( 'Name', 'rondine' ) }</th>
								<th>{ __( 'Status', 'rondine' ) }</th>
								<th>{ __( 'Error', 'rondine' ) }</th>
								<th>{ __( 'Updated', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ page.items.length === 0 && (
								<tr>
									<td colSpan={ 5 }>
										{ __(
											'No recipients match.',
											'rondine'
										) }
									</td>
								</tr>
							) }
							{ page.items.map( ( recipient, index ) => (
								<tr key={ `${ recipient.phone }-${ index }` }>
									<td>{ recipient.phone }</td>
									<td>{ recipient.name ?? '' }</td>
									<td>
										{ recipientStatusLabel(
											recipient.status
										) }
									</td>
									<td>
										{ [
											recipient.error_code,
											recipient.error_reason,
										]
											.filter( Boolean )
											.join( ' · ' ) }
										{ recipient.retryable &&
											` (${ __( 'can be retried', 'rondine' ) })` }
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
				{ pages > 1 && (
					<div className="rondine-stats__pages">
						<Button
							variant="tertiary"
							disabled={ ( query.page ?? 1 ) <= 1 }
							onClick={ () =>
								setQuery( {
									...query,
									page: ( query.page ?? 1 ) - 1,
								} )
							}
						>
							{ __( 'Previous', 'rondine' ) }
						</Button>
						<span>
							{ sprintf(
								/* translators: 1: page number, 2: number of pages. */
								__( 'Page %1$d of %2$d', 'rondine' ),
								query.page ?? 1,
								pages
							) }
						</span>
						<Button
							variant="tertiary"
							disabled={ ( query.page ?? 1 ) >= pages }
							onClick={ () =>
								setQuery( {
									...query,
									page: ( query.page ?? 1 ) + 1,
								} )
							}
						>
							{ __( 'Next', 'rondine' ) }
						</Button>
					</div>
				) }
			</CardBody>
		</Card>
	);
}

const LIVE_STATES = [ 'scheduled', 'starting', 'running' ];

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
	const { messages, automations } = stats;
	const retryable = automations?.failed ?? 0;

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
				{ [ 'running', 'paused' ].includes( campaign.state ) &&
					button(
						'cancel',
						__( 'Cancel campaign', 'rondine' ),
						true
					) }
				{ [ 'completed', 'cancelled', 'failed', 'paused' ].includes(
					campaign.state
				) &&
					retryable > 0 &&
					button( 'retry-failed', __( 'Retry failed', 'rondine' ) ) }
				{ button( 'duplicate', __( 'Duplicate', 'rondine' ) ) }
			</div>
			{ isLive && campaign.state !== 'scheduled' && (
				<Progress stats={ stats } />
			) }
			<div className="rondine-stats__grid">
				<Card>
					<CardHeader>
						<h3 className="rondine-card-title">
							{ __( 'Automations', 'rondine' ) }
						</h3>
					</CardHeader>
					<CardBody>
						<Bar
							testId="rondine-stat-to-start"
							label={ __( 'To start', 'rondine' ) }
							value={ automations?.to_start ?? 0 }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-in-progress"
							label={ __( 'In progress', 'rondine' ) }
							value={ automations?.in_progress ?? 0 }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-completed"
							label={ __( 'Completed', 'rondine' ) }
							value={ automations?.completed ?? 0 }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-automations-failed"
							label={ __( 'Failed', 'rondine' ) }
							value={ automations?.failed ?? 0 }
							total={ stats.total }
						/>
					</CardBody>
				</Card>
				<Card>
					<CardHeader>
						<h3 className="rondine-card-title">
							{ __( 'Messages', 'rondine' ) }
						</h3>
					</CardHeader>
					<CardBody>
						<Bar
							testId="rondine-stat-sent"
							label={ __( 'Sent', 'rondine' ) }
							value={ messages.sent }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-delivered"
							label={ __( 'Delivered', 'rondine' ) }
							value={ messages.delivered }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-read"
							label={ __( 'Read', 'rondine' ) }
							value={ messages.read }
							total={ stats.total }
						/>
						<Bar
							testId="rondine-stat-failed"
							label={ __( 'Failed', 'rondine' ) }
							value={ messages.failed }
							total={ stats.total }
						/>
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
							value={ stats.interactions?.total ?? 0 }
							total={ messages.delivered }
						/>
						<p className="rondine-stats__note">
							{ __( 'Share of delivered messages.', 'rondine' ) }
						</p>
					</CardBody>
				</Card>
			</div>
			<Recipients campaign={ campaign } />
		</div>
	);
}
