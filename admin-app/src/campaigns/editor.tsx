/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	RadioControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type {
	Campaign,
	CampaignAudience,
	Contact,
	MappedComponent,
	MappedParameter,
	Template,
} from '../store/types';
import type { DailyForecast } from '../store/actions';
import { MediaHeaderField, mediaHeaderOf, mediaProblem } from './media';
import { TestSend } from './test-send';
import { PreviewAs, contactValues } from './preview-as';
import { AudiencePicker } from './audience-picker';
import { RetryAudience } from './retry-audience';
import { VariableMapping } from './variable-mapping';
import { TemplatePicker, templateKey } from './template-picker';
import { AutomationPicker } from './automation-picker';
import {
	fromComponents,
	incompleteSlots,
	templateSlots,
	toComponents,
} from './mapping';
import type { SlotValue } from './mapping';
import { competingCampaigns, forecastText } from './forecast';
import { campaignStateLabel, contactFieldLabel } from './labels';
import { WhatsAppBubble } from '../components/whatsapp-bubble';
import {
	shopTimeToUtc,
	shopTimezoneLabel,
	utcToShopTime,
} from '../components/timezone';
import { buildHash, navigate } from '../router';

interface Draft {
	name: string;
	/** A "Retry failed" draft: its audience is fixed by the bridge. */
	isRetry: boolean;
	audience: CampaignAudience;
	/** What the campaign sends: one template, or the automation it launches. */
	sends: 'template' | 'automation';
	automationId: string;
	templateKey: string;
	slots: Record< string, SlotValue >;
	startLocal: string;
	waitForWindow: boolean;
	/** The header's image, video or document, for templates with a media header. */
	media: MappedParameter | null;
}

function emptyDraft(): Draft {
	return {
		name: '',
		isRetry: false,
		audience: { segments: [], lists: [] },
		sends: 'template',
		automationId: '',
		templateKey: '',
		slots: {},
		startLocal: '',
		waitForWindow: false,
		media: null,
	};
}

function draftFrom( campaign: Campaign, templates: Template[] ): Draft {
	const template = campaign.template;
	const full = template
		? templates.find(
				( t ) => templateKey( t ) === templateKey( template )
			)
		: undefined;
	return {
		name: campaign.name,
		isRetry: Boolean( campaign.source_campaign_id ),
		audience: campaign.audience,
		sends: campaign.automation ? 'automation' : 'template',
		automationId: campaign.automation?.id ?? '',
		templateKey: template ? templateKey( template ) : '',
		slots:
			template && full
				? fromComponents( templateSlots( full ), template.components )
				: {},
		startLocal: campaign.start_at ? utcToShopTime( campaign.start_at ) : '',
		waitForWindow: Boolean( campaign.options?.continue_when_limited ),
		media:
			template?.components
				.find( ( c ) => c.type === 'header' )
				?.parameters.find( ( p ) =>
					[ 'image', 'video', 'document' ].includes( p.type )
				) ?? null,
	};
}

/** The owner's choices as the bridge's mapping, the header's media first. */
function componentsOf(
	template: Template,
	slots: ReturnType< typeof templateSlots >,
	draft: Draft
): MappedComponent[] {
	const mapped = toComponents( slots, draft.slots );
	const kind = mediaHeaderOf( template );
	return kind && draft.media
		? [
				{
					type: 'header',
					parameters: [ { ...draft.media, type: kind } ],
				},
				...mapped,
			]
		: mapped;
}

/** What keeps the draft from being scheduled, in the owner's words. */
function problems(
	draft: Draft,
	template: Template | undefined,
	startUtc: string | null,
	now: Date
): string[] {
	const found: string[] = [];
	if ( ! draft.name.trim() ) {
		found.push( __( 'Give the campaign a name.', 'rondine' ) );
	}
	if (
		! draft.isRetry &&
		! draft.audience.segments.length &&
		! draft.audience.lists.length
	) {
		found.push( __( 'Choose at least one segment or list.', 'rondine' ) );
	}
	if ( draft.sends === 'automation' ) {
		if ( ! draft.automationId ) {
			found.push( __( 'Choose an automation.', 'rondine' ) );
		}
	} else if ( ! template ) {
		found.push( __( 'Choose an approved template.', 'rondine' ) );
	} else {
		const missing = incompleteSlots(
			templateSlots( template ),
			draft.slots
		);
		if ( missing.length ) {
			found.push(
				sprintf(
					/* translators: %s: list of placeholders such as {{1}}, {{2}}. */
					__(
						'Give every variable a text or a fallback (missing: %s): WhatsApp refuses empty values.',
						'rondine'
					),
					missing.map( ( slot ) => `{{${ slot.key }}}` ).join( ', ' )
				)
			);
		}
		const kind = mediaHeaderOf( template );
		const media = kind ? mediaProblem( kind, draft.media ) : null;
		if ( media ) {
			found.push( media );
		}
	}
	if ( ! draft.startLocal || ! startUtc ) {
		found.push( __( 'Choose the start date and time.', 'rondine' ) );
	} else if ( new Date( startUtc ).getTime() <= now.getTime() ) {
		found.push(
			sprintf(
				/* translators: %s: the shop's timezone. */
				__(
					'The start time is in the past. Choose a time in the future (shop time, %s).',
					'rondine'
				),
				shopTimezoneLabel()
			)
		);
	}
	return found;
}

export function CampaignEditor( { id }: { id?: string } ) {
	const { campaign, templates, isLoaded } = useSelect(
		( select ) => {
			const selectors = select( store );
			const approved = selectors.getApprovedTemplates();
			return {
				campaign: id ? selectors.getCampaign( id ) : null,
				templates: approved,
				isLoaded:
					approved !== null &&
					( ! id ||
						selectors.hasFinishedResolution( 'getCampaign', [
							id,
						] ) ),
			};
		},
		[ id ]
	);
	const {
		saveCampaign,
		countAudience,
		fetchCampaignsInStates,
		forecastCampaign,
	} = useDispatch( store );
	/** The bridge's forecast (the dispatcher's daily-limit computation, phones already reached included). */
	const [ bridgeForecast, setBridgeForecast ] =
		useState< DailyForecast | null >( null );
	/** Scheduled and running campaigns: they share the daily limit (forecast below). */
	const [ campaigns, setCampaigns ] = useState< Campaign[] | null >( null );
	useEffect( () => {
		fetchCampaignsInStates( [ 'scheduled', 'running' ] ).then(
			setCampaigns,
			() => setCampaigns( [] )
		);
	}, [ fetchCampaignsInStates ] );
	const [ draft, setDraft ] = useState< Draft | null >(
		id ? null : emptyDraft
	);
	const [ count, setCount ] = useState< number | null >( null );
	/** Audience sizes of other scheduled campaigns, by id (null while counting or when it failed). */
	const [ otherCounts, setOtherCounts ] = useState<
		Record< string, number | null >
	>( {} );
	const [ isSaving, setSaving ] = useState( false );
	/** "Preview as": a real contact whose values fill the preview and the test message. */
	const [ previewContact, setPreviewContact ] = useState< Contact | null >(
		null
	);
	const [ attempted, setAttempted ] = useState< 'draft' | 'schedule' | null >(
		null
	);

	// Count the audiences of the other campaigns scheduled within 24 h before this start (once each).
	const startForCounts = draft?.startLocal
		? shopTimeToUtc( draft.startLocal )
		: null;
	useEffect( () => {
		if ( ! startForCounts || ! campaigns ) {
			return;
		}
		const uncounted = competingCampaigns(
			campaigns,
			new Date( startForCounts ),
			new Date(),
			() => 0,
			id
		).filter(
			( other ) =>
				other.state === 'scheduled' && ! ( other.id in otherCounts )
		);
		for ( const other of uncounted ) {
			const audience = campaigns.find(
				( candidate ) => candidate.id === other.id
			)?.audience;
			setOtherCounts( ( known ) => ( { ...known, [ other.id ]: null } ) );
			if ( ! audience?.segments.length && ! audience?.lists.length ) {
				continue; // A "retry failed" draft: its audience is the bridge's, not countable here.
			}
			countAudience( {
				segments: audience.segments,
				lists: audience.lists,
			} ).then(
				( counted: { count: number } ) =>
					setOtherCounts( ( known ) => ( {
						...known,
						[ other.id ]: counted.count,
					} ) ),
				() => {}
			);
		}
	}, [ startForCounts, campaigns, id, otherCounts, countAudience ] );

	useEffect( () => {
		if ( id && campaign && templates && draft === null ) {
			setDraft( draftFrom( campaign, templates ) );
		}
	}, [ id, campaign, templates, draft ] );

	const template = useMemo(
		() =>
			templates?.find( ( t ) => templateKey( t ) === draft?.templateKey ),
		[ templates, draft?.templateKey ]
	);
	const slots = useMemo(
		() => ( template ? templateSlots( template ) : [] ),
		[ template ]
	);
	const forecastAudience = draft?.audience;
	const forecastStart = draft?.startLocal
		? shopTimeToUtc( draft.startLocal )
		: null;
	// Other campaigns sending into the same 24 h window take their share first (their audiences counted here).
	const taken = forecastStart
		? competingCampaigns(
				campaigns ?? [],
				new Date( forecastStart ),
				new Date(),
				( other ) => otherCounts[ other.id ],
				id
			)
		: [];
	const takenTotal = taken.reduce(
		( sum, other ) => sum + other.recipients,
		0
	);
	useEffect( () => {
		if (
			! forecastAudience ||
			( ! forecastAudience.segments.length &&
				! forecastAudience.lists.length )
		) {
			setBridgeForecast( null );
			return;
		}
		let current = true;
		const timer = setTimeout( () => {
			forecastCampaign( {
				audience: forecastAudience,
				start_at: forecastStart,
				taken: takenTotal,
			} ).then(
				( result: DailyForecast ) =>
					current && setBridgeForecast( result ),
				() => current && setBridgeForecast( null )
			);
		}, 400 );
		return () => {
			current = false;
			clearTimeout( timer );
		};
	}, [ forecastAudience, forecastStart, takenTotal, forecastCampaign ] );

	if ( ! isLoaded || ( id && ! draft && campaign ) ) {
		return <Spinner />;
	}
	if ( id && ! campaign ) {
		return (
			<p>
				{ __( 'This campaign does not exist (any more).', 'rondine' ) }{ ' ' }
				<a href={ buildHash( [ 'campaigns' ] ) }>
					{ __( 'Back to campaigns', 'rondine' ) }
				</a>
			</p>
		);
	}
	if ( campaign && ! [ 'draft', 'scheduled' ].includes( campaign.state ) ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ sprintf(
					/* translators: %s: campaign state such as "Running". */
					__(
						'This campaign is %s: it can no longer be edited. You can duplicate it instead.',
						'rondine'
					),
					campaignStateLabel( campaign.state ).toLowerCase()
				) }{ ' ' }
				<a href={ buildHash( [ 'campaigns', campaign.id, 'stats' ] ) }>
					{ __( 'See its stats', 'rondine' ) }
				</a>
			</Notice>
		);
	}
	if ( ! draft ) {
		return <Spinner />;
	}

	const update = ( changes: Partial< Draft > ) =>
		setDraft( { ...draft, ...changes } );
	const startUtc = draft.startLocal
		? shopTimeToUtc( draft.startLocal )
		: null;
	const now = new Date();
	const blocking = problems( draft, template, startUtc, now );
	// A draft needs a name and a template (the bridge checks the template even then).
	const draftBlocking = blocking.filter(
		( problem ) =>
			problem === __( 'Give the campaign a name.', 'rondine' ) ||
			problem === __( 'Choose an approved template.', 'rondine' ) ||
			problem === __( 'Choose an automation.', 'rondine' )
	);
	let shown: string[] = [];
	if ( attempted ) {
		shown = attempted === 'draft' ? draftBlocking : blocking;
	}
	// The bridge's forecast: the dispatcher's own daily-limit computation (dispatch/daily-limit.ts) at the start
	// time, phones already reached in the window included.
	const prediction =
		bridgeForecast &&
		bridgeForecast.limit !== null &&
		count !== null &&
		startUtc
			? {
					recipients: count,
					free: bridgeForecast.free,
					taken,
					available: Math.max(
						0,
						bridgeForecast.free - bridgeForecast.taken
					),
					over: bridgeForecast.over,
				}
			: null;

	const save = async ( schedule: boolean ) => {
		setAttempted( schedule ? 'schedule' : 'draft' );
		if ( ( schedule ? blocking : draftBlocking ).length ) {
			return;
		}
		let sends;
		if ( draft.sends === 'automation' ) {
			sends = { automation_id: draft.automationId };
		} else if ( template ) {
			sends = {
				template: {
					name: template.name,
					language: template.language,
					components: componentsOf( template, slots, draft ),
				},
			};
		} else {
			return;
		}
		setSaving( true );
		try {
			const saved = await saveCampaign( {
				id,
				name: draft.name.trim(),
				audience: draft.audience,
				...sends,
				start_at: startUtc,
				options: { continue_when_limited: draft.waitForWindow },
				schedule,
			} );
			navigate(
				schedule ? [ 'campaigns' ] : [ 'campaigns', saved.id, 'edit' ]
			);
		} catch {
			// The server's message is shown as a notice; the form keeps its input.
		} finally {
			setSaving( false );
		}
	};

	const previewValue = ( component: string, key: string ) => {
		const slot = slots.find(
			( s ) => s.component === component && s.key === key
		);
		const value = slot ? draft.slots[ slot.id ] : undefined;
		if ( ! value ) {
			return undefined;
		}
		if ( value.field ) {
			// Previewing as a real contact: its value, or the fallback as the bridge would send it.
			if ( previewContact ) {
				return (
					contactValues( previewContact )[ value.field ] ??
					( value.text || undefined )
				);
			}
			return `[${ contactFieldLabel( value.field ) }]`;
		}
		return value.text || undefined;
	};

	return (
		<div className="rondine-editor" data-testid="rondine-campaign-editor">
			<h3>
				{ id
					? __( 'Edit campaign', 'rondine' )
					: __( 'New campaign', 'rondine' ) }
			</h3>
			{ shown.length > 0 && (
				<Notice status="error" isDismissible={ false }>
					<ul
						className="rondine-editor__problems"
						data-testid="rondine-editor-problems"
					>
						{ shown.map( ( problem ) => (
							<li key={ problem }>{ problem }</li>
						) ) }
					</ul>
				</Notice>
			) }
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Campaign name', 'rondine' ) }
				value={ draft.name }
				onChange={ ( name ) => update( { name } ) }
			/>
			{ campaign?.source_campaign_id ? (
				<RetryAudience
					sourceId={ campaign.source_campaign_id }
					onCount={ setCount }
				/>
			) : (
				<AudiencePicker
					value={ draft.audience }
					onChange={ ( audience ) => update( { audience } ) }
					onCount={ setCount }
				/>
			) }
			<fieldset className="rondine-editor__message">
				<legend>{ __( 'What to send', 'rondine' ) }</legend>
				<RadioControl
					label={ __( 'The campaign sends', 'rondine' ) }
					hideLabelFromVision
					selected={ draft.sends }
					options={ [
						{
							value: 'template',
							label: __( 'A template', 'rondine' ),
						},
						{
							value: 'automation',
							label: __(
								'An automation (several steps: replies, reminders…)',
								'rondine'
							),
						},
					] }
					onChange={ ( value ) =>
						update( {
							sends:
								value === 'automation'
									? 'automation'
									: 'template',
						} )
					}
				/>
				{ draft.sends === 'automation' ? (
					<AutomationPicker
						value={ draft.automationId }
						onChange={ ( automationId ) =>
							update( { automationId } )
						}
					/>
				) : (
					<TemplatePicker
						templates={ templates ?? null }
						value={ draft.templateKey }
						onChange={ ( key ) =>
							update( {
								templateKey: key,
								slots: {},
								media: null,
							} )
						}
					/>
				) }
				{ draft.sends === 'template' && template && (
					<div className="rondine-editor__template">
						<WhatsAppBubble
							template={ template }
							values={ previewValue }
						/>
						<div>
							{ mediaHeaderOf( template ) && (
								<MediaHeaderField
									kind={
										mediaHeaderOf(
											template
										) as NonNullable<
											ReturnType< typeof mediaHeaderOf >
										>
									}
									value={ draft.media }
									onChange={ ( media ) =>
										update( { media } )
									}
								/>
							) }
							<VariableMapping
								slots={ slots }
								values={ draft.slots }
								onChange={ ( values ) =>
									update( { slots: values } )
								}
							/>
							<TestSend
								template={ {
									name: template.name,
									language: template.language,
									components: componentsOf(
										template,
										slots,
										draft
									),
								} }
								slots={ slots }
								values={ draft.slots }
								variables={ contactValues( previewContact ) }
							/>
							<PreviewAs
								value={ previewContact }
								onChange={ setPreviewContact }
							/>
						</div>
					</div>
				) }
			</fieldset>
			<fieldset className="rondine-editor__when">
				<legend>{ __( 'When', 'rondine' ) }</legend>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="datetime-local"
					label={ sprintf(
						/* translators: %s: the shop's timezone. */
						__( 'Start (shop time, %s)', 'rondine' ),
						shopTimezoneLabel()
					) }
					value={ draft.startLocal }
					onChange={ ( startLocal ) => update( { startLocal } ) }
				/>
				<RadioControl
					label={ __( 'Recipients over the daily limit', 'rondine' ) }
					selected={ draft.waitForWindow ? 'wait' : 'fail' }
					options={ [
						{
							value: 'fail',
							label: __(
								'Fail them (you can retry them later)',
								'rondine'
							),
						},
						{
							value: 'wait',
							label: __(
								'Wait until the 24 h window frees up',
								'rondine'
							),
						},
					] }
					onChange={ ( value ) =>
						update( { waitForWindow: value === 'wait' } )
					}
				/>
				{ prediction && (
					<Notice
						status={ prediction.over ? 'warning' : 'info' }
						isDismissible={ false }
					>
						<span data-testid="rondine-forecast">
							{ forecastText( prediction, draft.waitForWindow ) }
						</span>
					</Notice>
				) }
			</fieldset>
			<div className="rondine-editor__actions">
				<Button
					variant="primary"
					isBusy={ isSaving }
					disabled={ isSaving }
					onClick={ () => save( true ) }
				>
					{ __( 'Schedule', 'rondine' ) }
				</Button>
				<Button
					variant="secondary"
					disabled={ isSaving }
					onClick={ () => save( false ) }
				>
					{ __( 'Save as draft', 'rondine' ) }
				</Button>
				<Button
					variant="tertiary"
					href={ buildHash( [ 'campaigns' ] ) }
				>
					{ __( 'Cancel', 'rondine' ) }
				</Button>
			</div>
		</div>
	);
}
