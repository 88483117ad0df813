/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	Spinner,
} from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { Attention } from '../store/selectors';
import type { Campaign, Status } from '../store/types';
import { campaignStateLabel, waitingText } from '../campaigns/labels';
import { formatDateTime, formatNumber } from '../components/format';
import { buildHash } from '../router';
import { getBootData } from '../boot';
import { qualityLabel } from '../components/whatsapp-labels';

function Row( {
	label,
	value,
	testId,
}: {
	label: string;
	value: string;
	testId?: string;
} ) {
	return (
		<div className="rondine-dashboard__row">
			<dt>{ label }</dt>
			<dd data-testid={ testId }>{ value }</dd>
		</div>
	);
}

function yesNo( value: boolean | undefined | null ) {
	if ( value === undefined || value === null ) {
		return __( 'Unknown', 'rondine' );
	}
	return value ? __( 'Yes', 'rondine' ) : __( 'No', 'rondine' );
}

function BridgeCard( { status }: { status: Status } ) {
	const { bridge } = status;
	let state: string = __( 'Not connected', 'rondine' );
	if ( bridge.connected ) {
		state =
			bridge.reachable === false
				? __( 'Connected, but the bridge cannot be reached', 'rondine' )
				: __( 'Connected to the bridge', 'rondine' );
	}
	return (
		<Card className="rondine-dashboard__card">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Sending service', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				<p
					className={ `rondine-dashboard__bridge-state ${
						bridge.connected && bridge.reachable !== false
							? 'is-connected'
							: 'is-disconnected'
					}` }
					data-testid="rondine-bridge-state"
				>
					{ state }
				</p>
				{ bridge.error && (
					<p className="rondine-dashboard__error">
						{ bridge.error.message ?? bridge.error.code }
					</p>
				) }
				{ ! bridge.connected && (
					<Button
						variant="primary"
						href={ buildHash( [ 'settings' ] ) }
					>
						{ __( 'Paste the connection code', 'rondine' ) }
					</Button>
				) }
			</CardBody>
		</Card>
	);
}

function SiteCard( { status }: { status: Status } ) {
	const woo = status.woocommerce;
	return (
		<Card className="rondine-dashboard__card">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Your shop', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				<dl className="rondine-dashboard__facts">
					<Row
						label={ __( 'WooCommerce', 'rondine' ) }
						value={
							woo?.active && woo.version
								? woo.version
								: __( 'Not active', 'rondine' )
						}
						testId="rondine-woocommerce-version"
					/>
					<Row
						label={ __( 'Shop data found', 'rondine' ) }
						value={ yesNo( woo?.data_present ) }
					/>
					{ typeof woo?.customers === 'number' && (
						<Row
							label={ __( 'Customers', 'rondine' ) }
							value={ formatNumber( woo.customers ) }
						/>
					) }
				</dl>
				{ woo?.notice && (
					<Notice
						status="warning"
						isDismissible={ false }
						className="rondine-dashboard__analytics-notice"
					>
						<span data-testid="rondine-analytics-notice">
							{ woo.notice }
						</span>
					</Notice>
				) }
			</CardBody>
		</Card>
	);
}

/**
 * What support asks for, folded away: addresses, ids, versions, Meta's own codes and the technical error.
 *
 * @param props        Props.
 * @param props.status The status.
 */
function TechnicalDetails( { status }: { status: Status } ) {
	const { bridge } = status;
	const number = bridge.status?.whatsapp;
	const woo = status.woocommerce;
	return (
		<Card className="rondine-dashboard__card rondine-dashboard__technical">
			<CardBody>
				<details data-testid="rondine-technical-details">
					<summary>{ __( 'Technical details', 'rondine' ) }</summary>
					<p>
						{ __(
							'For whoever helps you with Rondine: copy these when you ask for support.',
							'rondine'
						) }
					</p>
					<dl className="rondine-dashboard__facts">
						{ bridge.url && (
							<Row
								label={ __( 'Bridge URL', 'rondine' ) }
								value={ bridge.url }
							/>
						) }
						{ bridge.site_id && (
							<Row
								label={ __( 'Site ID', 'rondine' ) }
								value={ bridge.site_id }
							/>
						) }
						{ bridge.error?.detail && (
							<Row
								label={ __( 'Error', 'rondine' ) }
								value={ bridge.error.detail }
								testId="rondine-technical-error"
							/>
						) }
						{ number?.phone_number_id && (
							<Row
								label={ __( 'Phone number ID', 'rondine' ) }
								value={ number.phone_number_id }
							/>
						) }
						{ number?.quality && (
							<Row
								label={ __( 'Quality rating', 'rondine' ) }
								value={ number.quality }
							/>
						) }
						{ number?.messaging_limit_tier && (
							<Row
								label={ __(
									'Messaging limit tier',
									'rondine'
								) }
								value={ number.messaging_limit_tier }
							/>
						) }
						{ typeof number?.throughput_mps === 'number' && (
							<Row
								label={ __( 'Throughput', 'rondine' ) }
								value={ sprintf(
									/* translators: %s: messages per second. */
									__( '%s messages per second', 'rondine' ),
									formatNumber( number.throughput_mps )
								) }
								testId="rondine-whatsapp-throughput"
							/>
						) }
						<Row
							label={ __( 'Rondine', 'rondine' ) }
							value={ status.plugin_version }
							testId="rondine-plugin-version"
						/>
						<Row
							label={ __( 'WordPress', 'rondine' ) }
							value={ status.wordpress_version }
							testId="rondine-wordpress-version"
						/>
						<Row
							label={ __( 'PHP', 'rondine' ) }
							value={ status.php_version }
							testId="rondine-php-version"
						/>
						<Row
							label={ __(
								'WooCommerce data present',
								'rondine'
							) }
							value={
								woo?.data_present && woo.order_storage
									? sprintf(
											/* translators: %s: order storage, e.g. "hpos" or "legacy". */
											__( 'Yes (%s)', 'rondine' ),
											woo.order_storage === 'hpos'
												? __(
														'HPOS order tables',
														'rondine'
													)
												: __(
														'legacy order storage',
														'rondine'
													)
										)
									: yesNo( woo?.data_present )
							}
							testId="rondine-woocommerce-data"
						/>
					</dl>
				</details>
			</CardBody>
		</Card>
	);
}

function WhatsAppCard( { status }: { status: Status } ) {
	const whatsapp = status.bridge.status;
	let body;
	if ( ! status.bridge.connected ) {
		body = (
			<p>
				{ __(
					'Connect the bridge first: the WhatsApp number is configured there.',
					'rondine'
				) }
			</p>
		);
	} else if ( ! whatsapp ) {
		body = (
			<p>
				{ __(
					'The bridge did not report a WhatsApp status. Check the bridge connection.',
					'rondine'
				) }
			</p>
		);
	} else {
		const number = whatsapp.whatsapp ?? {};
		const daily = whatsapp.daily_limit ?? {};
		const sandbox = number.mode === 'sandbox';
		let dailyText: string;
		if ( typeof daily.limit === 'number' ) {
			dailyText = sprintf(
				/* translators: 1: used in the last 24 hours, 2: the limit, 3: remaining. */
				__(
					'%1$s of %2$s used in the last 24 h, %3$s left',
					'rondine'
				),
				formatNumber( daily.used ?? 0 ),
				formatNumber( daily.limit ),
				formatNumber( daily.remaining ?? daily.limit )
			);
		} else {
			dailyText = sprintf(
				/* translators: %s: messages sent in the last 24 hours. */
				__( 'No limit (%s used in the last 24 h)', 'rondine' ),
				formatNumber( daily.used ?? 0 )
			);
		}
		let numberText = number.display_phone_number ?? '';
		if ( sandbox ) {
			numberText = __(
				'A test number: messages are simulated and reach nobody',
				'rondine'
			);
		} else if ( ! numberText ) {
			numberText = __( 'Not configured', 'rondine' );
		}
		body = (
			<>
				<dl className="rondine-dashboard__facts">
					<Row
						label={ __( 'Number', 'rondine' ) }
						value={ numberText }
						testId="rondine-whatsapp-number"
					/>
					<Row
						label={ __( 'Mode', 'rondine' ) }
						value={
							sandbox
								? __(
										'Trying out (nothing is really sent)',
										'rondine'
									)
								: __(
										'Live: messages reach your customers',
										'rondine'
									)
						}
						testId="rondine-whatsapp-mode"
					/>
					{ ! sandbox && (
						<Row
							label={ __( 'Quality', 'rondine' ) }
							value={ qualityLabel( number.quality ) }
							testId="rondine-whatsapp-quality"
						/>
					) }
					<Row
						label={ __( 'Daily limit', 'rondine' ) }
						value={ dailyText }
						testId="rondine-whatsapp-daily-limit"
					/>
				</dl>
				{ sandbox && getBootData().canManageConnection && (
					<Button
						variant="secondary"
						href={ buildHash( [ 'settings' ] ) }
					>
						{ __( 'Connect your WhatsApp number', 'rondine' ) }
					</Button>
				) }
			</>
		);
	}
	return (
		<Card className="rondine-dashboard__card">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'WhatsApp', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>{ body }</CardBody>
		</Card>
	);
}

function attentionText( item: Attention ): string {
	switch ( item.kind ) {
		case 'bridge-not-connected':
			return __(
				'Rondine is not connected to a bridge: campaigns cannot be sent. Paste the connection code in Settings.',
				'rondine'
			);
		case 'bridge-unreachable':
			return item.detail
				? sprintf(
						/* translators: %s: the error reported when calling the bridge. */
						__( 'The bridge cannot be reached: %s', 'rondine' ),
						item.detail
					)
				: __( 'The bridge cannot be reached.', 'rondine' );
		case 'sending-halted':
			return sprintf(
				/* translators: %s: the reason given by the bridge, such as an expired access token. */
				__(
					'The bridge stopped sending WhatsApp messages for this shop (%s). Check the WhatsApp credentials in Settings.',
					'rondine'
				),
				item.detail ?? ''
			);
		case 'campaign-paused':
			return sprintf(
				/* translators: %s: campaign name. */
				__( 'Campaign “%s” is paused.', 'rondine' ),
				item.detail ?? ''
			);
		case 'daily-limit-reached':
			return __(
				'0 messages left today: the daily limit is used up. New sends wait for the 24 h window or fail (you choose in each campaign).',
				'rondine'
			);
		case 'campaign-failed':
			return sprintf(
				/* translators: %s: campaign name. */
				__( 'Campaign “%s” failed: see why.', 'rondine' ),
				item.detail ?? ''
			);
		case 'campaign-waiting':
			return item.waiting
				? sprintf(
						/* translators: 1: campaign name, 2: "Waiting for the daily limit: 64 left, resumes around …". */
						__( 'Campaign “%1$s”: %2$s.', 'rondine' ),
						item.detail ?? '',
						waitingText( item.waiting )
					)
				: '';
		case 'template-paused':
			return sprintf(
				/* translators: %s: template name. */
				__(
					'Template %s is paused by WhatsApp: campaigns using it cannot be sent.',
					'rondine'
				),
				item.detail ?? ''
			);
		case 'template-rejected':
			return sprintf(
				/* translators: %s: template name (and Meta's reason). */
				__( 'Template %s was rejected by WhatsApp.', 'rondine' ),
				item.detail ?? ''
			);
	}
	return '';
}

function attentionLink( item: Attention ): string {
	if ( item.campaignId ) {
		return buildHash( [ 'campaigns', item.campaignId, 'stats' ] );
	}
	if ( item.templateKey ) {
		return buildHash( [ 'templates' ], { template: item.templateKey } );
	}
	if ( item.kind === 'daily-limit-reached' ) {
		return buildHash( [ 'campaigns' ] );
	}
	return buildHash( [ 'settings' ] );
}

function AttentionCard( { connected }: { connected: boolean } ) {
	const items = useSelect(
		( select ) => {
			if ( connected ) {
				// Rejected templates and paused campaigns live on the bridge: read them.
				select( store ).getTemplates();
				select( store ).getCampaigns();
			}
			return select( store ).getAttentionItems();
		},
		[ connected ]
	);
	return (
		<Card
			className="rondine-dashboard__card"
			data-testid="rondine-attention"
		>
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Needs attention', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				{ items.length === 0 ? (
					<p>{ __( 'Nothing needs your attention.', 'rondine' ) }</p>
				) : (
					<ul className="rondine-dashboard__attention">
						{ items.map( ( item ) => (
							<li
								key={ item.id }
								className={ `is-${ item.level }` }
							>
								<a href={ attentionLink( item ) }>
									{ attentionText( item ) }
								</a>
							</li>
						) ) }
					</ul>
				) }
			</CardBody>
		</Card>
	);
}

const NO_CAMPAIGNS: Campaign[] = [];

function RecentCampaignsCard( { connected }: { connected: boolean } ) {
	const { campaigns, isLoading } = useSelect(
		( select ) => {
			if ( ! connected ) {
				return { campaigns: NO_CAMPAIGNS, isLoading: false };
			}
			const selectors = select( store );
			return {
				campaigns: selectors.getRecentCampaigns( 5 ),
				isLoading: ! selectors.hasFinishedResolution(
					'getRecentCampaigns',
					[ 5 ]
				),
			};
		},
		[ connected ]
	);
	let body;
	if ( isLoading ) {
		body = <Spinner />;
	} else if ( campaigns.length === 0 ) {
		body = (
			<>
				<p>
					{ __(
						'No campaigns yet. Create one to send an approved WhatsApp template to a segment or a list of your customers.',
						'rondine'
					) }
				</p>
				{ connected && (
					<Button
						variant="secondary"
						href={ buildHash( [ 'campaigns', 'new' ] ) }
					>
						{ __( 'Create a campaign', 'rondine' ) }
					</Button>
				) }
			</>
		);
	} else {
		body = (
			<ul className="rondine-dashboard__campaigns">
				{ campaigns.map( ( campaign ) => (
					<li key={ campaign.id }>
						<a
							href={ buildHash( [
								'campaigns',
								campaign.id,
								'stats',
							] ) }
						>
							{ campaign.name }
						</a>{ ' ' }
						<span
							className={ `rondine-state is-${ campaign.state }` }
						>
							{ campaignStateLabel( campaign.state ) }
						</span>{ ' ' }
						<span>{ formatDateTime( campaign.start_at ) }</span>
					</li>
				) ) }
			</ul>
		);
	}
	return (
		<Card className="rondine-dashboard__card">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Recent campaigns', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>{ body }</CardBody>
		</Card>
	);
}

export function Dashboard() {
	const { status, hasError } = useSelect( ( select ) => {
		const selectors = select( store );
		return {
			status: selectors.getStatus(),
			hasError: selectors.hasResolutionFailed( 'getStatus', [] ),
		};
	}, [] );

	if ( ! status ) {
		return hasError ? (
			<p data-testid="rondine-status-error">
				{ __(
					'The status of Rondine could not be read. Reload the page to try again.',
					'rondine'
				) }
			</p>
		) : (
			<Spinner />
		);
	}

	return (
		<div className="rondine-dashboard" data-testid="rondine-dashboard">
			<div className="rondine-dashboard__grid">
				<BridgeCard status={ status } />
				<WhatsAppCard status={ status } />
				<AttentionCard connected={ status.bridge.connected } />
				<RecentCampaignsCard connected={ status.bridge.connected } />
				<SiteCard status={ status } />
				<TechnicalDetails status={ status } />
			</div>
		</div>
	);
}
