/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	Modal,
	Notice,
	RadioControl,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { problemText } from './problem-text';
import { LIVE_REFRESH_MS } from '../store/constants';
import { buildHash, navigate } from '../router';
import { errorMessage } from '../store/actions';
import { insertStep, moveStep, removeStep, starter, unreachable } from './flow';
import type { StarterKey } from './flow';
import {
	eventLabels,
	stateLabels,
	stepTypeLabels,
	triggerTypeLabels,
} from './labels';
import { StepCard, stepName } from './step-card';
import { automationsStore } from './store';
import type {
	AutomationInput,
	AutomationState,
	Problem,
	Reentry,
	Step,
	StepStats,
	StepType,
	Trigger,
	TriggerType,
} from './types';

/** What the owner edits of a saved automation. */
function inputOf( automation: AutomationInput ): AutomationInput {
	return {
		name: automation.name,
		trigger: automation.trigger,
		reentry: automation.reentry,
		exit_on: automation.exit_on ?? [],
		steps: automation.steps,
	};
}

function TriggerFields( {
	trigger,
	onChange,
}: {
	trigger: Trigger;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const events = eventLabels();
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Starts with', 'rondine' ) }
				value={ trigger.type }
				options={ Object.entries( triggerTypeLabels() ).map(
					( [ value, label ] ) => ( {
						value,
						label,
					} )
				) }
				onChange={ ( type ) => {
					const next: Record< TriggerType, Trigger > = {
						keyword: { type: 'keyword', keyword: '' },
						button: { type: 'button', payload: '' },
						event: { type: 'event', event: 'contact.opted_in' },
						campaign: { type: 'campaign' },
					};
					onChange( next[ type as TriggerType ] );
				} }
			/>
			{ trigger.type === 'keyword' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Keyword', 'rondine' ) }
					help={ __(
						'The whole message must be this word; capitals, accents and spaces around it do not matter. One keyword starts one active automation.',
						'rondine'
					) }
					value={ trigger.keyword }
					onChange={ ( keyword ) =>
						onChange( { type: 'keyword', keyword } )
					}
				/>
			) }
			{ trigger.type === 'button' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Button payload', 'rondine' ) }
					help={ __(
						'The payload of a quick-reply button of a template (e.g. MORE_INFO), when no run is waiting for it.',
						'rondine'
					) }
					value={ trigger.payload }
					onChange={ ( payload ) =>
						onChange( { type: 'button', payload } )
					}
				/>
			) }
			{ trigger.type === 'event' && (
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Event', 'rondine' ) }
					value={ trigger.event }
					options={ [
						...Object.entries( events ).map(
							( [ value, label ] ) => ( {
								value,
								label,
							} )
						),
						...( Object.hasOwn( events, trigger.event )
							? []
							: [
									{
										value: trigger.event,
										label: trigger.event,
									},
								] ),
					] }
					onChange={ ( event ) =>
						onChange( { type: 'event', event } )
					}
				/>
			) }
			{ trigger.type === 'campaign' && (
				<p className="description">
					{ __(
						'A campaign that picks this automation starts it for each of its recipients.',
						'rondine'
					) }
				</p>
			) }
		</>
	);
}

function ReentryFields( {
	reentry,
	onChange,
}: {
	reentry: Reentry;
	onChange: ( reentry: Reentry ) => void;
} ) {
	return (
		<>
			<RadioControl
				label={ __( 'The same contact can start it', 'rondine' ) }
				selected={ reentry.mode }
				options={ [
					{ value: 'once', label: __( 'Only once', 'rondine' ) },
					{
						value: 'every_time',
						label: __( 'Every time', 'rondine' ),
					},
					{
						value: 'per_days',
						label: __( 'Once every so many days', 'rondine' ),
					},
				] }
				onChange={ ( mode ) =>
					onChange(
						mode === 'per_days'
							? { mode, days: 30 }
							: { mode: mode as 'once' | 'every_time' }
					)
				}
			/>
			{ reentry.mode === 'per_days' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 1 }
					label={ __( 'Days between two runs', 'rondine' ) }
					value={ String( reentry.days ) }
					onChange={ ( days ) =>
						onChange( {
							mode: 'per_days',
							days: Math.max( 1, Number( days ) || 1 ),
						} )
					}
				/>
			) }
		</>
	);
}

/** The flow, top to bottom, and the controls to add a step. */
function Flow( {
	steps,
	problemsByStep,
	stats,
	onChange,
}: {
	steps: Step[];
	problemsByStep: Map< string, Problem[] >;
	stats?: Record< string, StepStats >;
	onChange: ( steps: Step[] ) => void;
} ) {
	const [ type, setType ] = useState< StepType >( 'send_text' );
	const [ moved, setMoved ] = useState< {
		id: string;
		direction: -1 | 1;
	} | null >( null );
	const [ position, setPosition ] = useState( String( steps.length - 1 ) );
	const lost = useMemo( () => new Set( unreachable( steps ) ), [ steps ] );
	useEffect( () => {
		setPosition( String( steps.length - 1 ) );
	}, [ steps.length ] );
	return (
		<>
			<ol className="rondine-automation__flow">
				{ steps.map( ( step, index ) => (
					<StepCard
						key={ step.id }
						step={ step }
						index={ index }
						steps={ steps }
						problems={ problemsByStep.get( step.id ) ?? [] }
						stats={ stats?.[ step.id ] }
						unreachable={ lost.has( step.id ) }
						onChange={ ( changed ) =>
							onChange(
								steps.map( ( s ) =>
									s.id === step.id ? changed : s
								)
							)
						}
						onMove={ ( direction ) => {
							setMoved( { id: step.id, direction } );
							onChange( moveStep( steps, index, direction ) );
						} }
						focusMove={
							moved?.id === step.id ? moved.direction : undefined
						}
						onRemove={ () =>
							onChange( removeStep( steps, step.id ) )
						}
					/>
				) ) }
			</ol>
			<fieldset className="rondine-automation__add">
				<legend>{ __( 'Add a step', 'rondine' ) }</legend>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Step to add', 'rondine' ) }
					value={ type }
					options={ Object.entries( stepTypeLabels() ).map(
						( [ value, label ] ) => ( {
							value,
							label,
						} )
					) }
					onChange={ ( value ) => setType( value as StepType ) }
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Where', 'rondine' ) }
					value={ position }
					options={ [
						{ value: '-1', label: __( 'At the start', 'rondine' ) },
						...steps.map( ( step, index ) => ( {
							value: String( index ),
							label: sprintf(
								/* translators: %s: step name, e.g. "Step 2 · Wait". */
								__( 'After %s', 'rondine' ),
								stepName( steps, step.id )
							),
						} ) ),
					] }
					onChange={ setPosition }
				/>
				<Button
					variant="secondary"
					onClick={ () =>
						onChange(
							insertStep( steps, Number( position ), type ).steps
						)
					}
				>
					{ __( 'Add step', 'rondine' ) }
				</Button>
			</fieldset>
		</>
	);
}

/**
 * `#/automations/new?starter=…` and `#/automations/<id>`: the trigger, the re-entry rule and the flow; Save (asking,
 * for an active or paused automation whose steps changed, whether runs in progress finish or stop), and the state
 * buttons. The bridge's problems are shown on the step they name.
 */
export function AutomationEditor( {
	id,
	starterKey = 'blank',
}: {
	id?: string;
	starterKey?: StarterKey | 'blank';
} ) {
	const { automation, problems, isLoaded, failure } = useSelect(
		( select ) => {
			const s = select( automationsStore );
			return {
				automation: id ? s.getAutomation( id ) : null,
				problems: s.getProblems( id ?? 'new' ),
				failure:
					id && s.hasResolutionFailed( 'getAutomation', [ id ] )
						? errorMessage(
								s.getResolutionError( 'getAutomation', [ id ] )
							)
						: null,
				isLoaded: id
					? s.hasFinishedResolution( 'getAutomation', [ id ] )
					: true,
			};
		},
		[ id ]
	);
	const {
		saveAutomation,
		setAutomationState,
		deleteAutomation,
		refreshAutomation,
	} = useDispatch( automationsStore );
	// The numbers move while the page is open (and were loaded earlier if the owner came back): reload them now and
	// then every few seconds. A missed reload is retried on the next tick.
	useEffect( () => {
		if ( ! id ) {
			return;
		}
		const reload = () => refreshAutomation( id ).catch( () => {} );
		reload();
		const timer = setInterval( reload, LIVE_REFRESH_MS );
		return () => clearInterval( timer );
	}, [ id, refreshAutomation ] );
	const [ draft, setDraft ] = useState< AutomationInput | null >( () =>
		id ? null : starter( starterKey )
	);
	const [ busy, setBusy ] = useState( false );
	const [ asking, setAsking ] = useState( false );
	const [ running, setRunning ] = useState< 'finish' | 'stop' >( 'finish' );

	useEffect( () => {
		if ( id && automation && draft === null ) {
			setDraft( inputOf( automation ) );
		}
	}, [ id, automation, draft ] );

	const problemsByStep = useMemo( () => {
		const map = new Map< string, Problem[] >();
		for ( const problem of problems ) {
			if ( problem.step ) {
				map.set( problem.step, [
					...( map.get( problem.step ) ?? [] ),
					problem,
				] );
			}
		}
		return map;
	}, [ problems ] );

	if ( id && ! isLoaded ) {
		return <Spinner />;
	}
	if ( id && ! automation ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ __( 'This automation could not be loaded.', 'rondine' ) }{ ' ' }
				{ failure && `${ failure } ` }
				<a href={ buildHash( [ 'automations' ] ) }>
					{ __( 'Back to automations', 'rondine' ) }
				</a>
			</Notice>
		);
	}
	if ( ! draft ) {
		return <Spinner />;
	}

	const stepIds = new Set( draft.steps.map( ( step ) => step.id ) );
	const general = problems.filter(
		( problem ) => ! problem.step || ! stepIds.has( problem.step )
	);
	const saved = automation ? inputOf( automation ) : null;
	const dirty =
		! saved || JSON.stringify( saved ) !== JSON.stringify( draft );
	const stepsChanged =
		!! saved &&
		JSON.stringify( saved.steps ) !== JSON.stringify( draft.steps );
	const state: AutomationState = automation?.state ?? 'draft';
	const update = ( patch: Partial< AutomationInput > ) =>
		setDraft( { ...draft, ...patch } );

	const save = async ( choice?: 'finish' | 'stop' ) => {
		setBusy( true );
		setAsking( false );
		try {
			const result = await saveAutomation(
				choice ? { ...draft, running: choice } : draft,
				id
			);
			setDraft( inputOf( result ) );
			if ( ! id ) {
				navigate( [ 'automations', result.id ] );
			}
		} catch {
			// The notice says why; the owner's changes stay.
		} finally {
			setBusy( false );
		}
	};
	const onSave = () => {
		if ( stepsChanged && ( state === 'active' || state === 'paused' ) ) {
			setRunning( 'finish' );
			setAsking( true );
		} else {
			save();
		}
	};
	const changeState = async ( next: AutomationState ) => {
		if ( ! id ) {
			return;
		}
		if (
			next === 'archived' &&
			// eslint-disable-next-line no-alert
			! window.confirm(
				__(
					'Archive this automation? Runs in progress stop and it cannot be activated again.',
					'rondine'
				)
			)
		) {
			return;
		}
		setBusy( true );
		try {
			await setAutomationState( id, next );
		} catch {
			// The notice says why (a keyword taken, the flow's problems on their steps).
		} finally {
			setBusy( false );
		}
	};
	const remove = async () => {
		if (
			! id ||
			// eslint-disable-next-line no-alert
			! window.confirm( __( 'Delete this automation?', 'rondine' ) )
		) {
			return;
		}
		try {
			await deleteAutomation( id );
			navigate( [ 'automations' ] );
		} catch {
			// The notice says why.
		}
	};

	return (
		<div className="rondine-automation">
			<p>
				<a href={ buildHash( [ 'automations' ] ) }>
					{ __( '← All automations', 'rondine' ) }
				</a>
			</p>
			{ automation && (
				<p className="rondine-automation__state">
					{ sprintf(
						/* translators: 1: state, e.g. Active, 2: version number. */
						__( 'State: %1$s · version %2$d', 'rondine' ),
						stateLabels()[ state ],
						automation.version
					) }
				</p>
			) }
			{ general.map( ( problem, index ) => (
				<Notice key={ index } status="error" isDismissible={ false }>
					{ problemText( problem ) }
				</Notice>
			) ) }
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Automation name', 'rondine' ) }
				value={ draft.name }
				onChange={ ( name ) => update( { name } ) }
			/>
			<fieldset className="rondine-automation__trigger">
				<legend>{ __( 'Trigger', 'rondine' ) }</legend>
				<TriggerFields
					trigger={ draft.trigger }
					onChange={ ( trigger ) => update( { trigger } ) }
				/>
				<ReentryFields
					reentry={ draft.reentry }
					onChange={ ( reentry ) => update( { reentry } ) }
				/>
				<CheckboxControl
					__nextHasNoMarginBottom
					label={ __(
						'Stop the run when the contact places an order',
						'rondine'
					) }
					checked={ draft.exit_on.includes( 'order.placed' ) }
					onChange={ ( on ) =>
						update( {
							exit_on: on
								? [
										...draft.exit_on.filter(
											( e ) => e !== 'order.placed'
										),
										'order.placed',
									]
								: draft.exit_on.filter(
										( e ) => e !== 'order.placed'
									),
						} )
					}
				/>
			</fieldset>
			<h3>{ __( 'Steps', 'rondine' ) }</h3>
			<Flow
				steps={ draft.steps }
				problemsByStep={ problemsByStep }
				stats={ automation?.step_stats }
				onChange={ ( steps ) => update( { steps } ) }
			/>
			<div className="rondine-automation__actions">
				<Button
					variant="primary"
					onClick={ onSave }
					isBusy={ busy }
					disabled={ busy || ! draft.name.trim() || ! dirty }
					accessibleWhenDisabled
				>
					{ __( 'Save', 'rondine' ) }
				</Button>
				{ id && ( state === 'draft' || state === 'paused' ) && (
					<Button
						variant="secondary"
						onClick={ () => changeState( 'active' ) }
						disabled={ busy || dirty }
						accessibleWhenDisabled
					>
						{ __( 'Activate', 'rondine' ) }
					</Button>
				) }
				{ id && state === 'active' && (
					<Button
						variant="secondary"
						onClick={ () => changeState( 'paused' ) }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Pause', 'rondine' ) }
					</Button>
				) }
				{ id && state !== 'archived' && state !== 'draft' && (
					<Button
						variant="tertiary"
						isDestructive
						onClick={ () => changeState( 'archived' ) }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Archive', 'rondine' ) }
					</Button>
				) }
				{ id && ( state === 'draft' || state === 'archived' ) && (
					<Button variant="tertiary" isDestructive onClick={ remove }>
						{ __( 'Delete', 'rondine' ) }
					</Button>
				) }
				{ id && dirty && state !== 'archived' && (
					<span className="description">
						{ __(
							'Save your changes before activating.',
							'rondine'
						) }
					</span>
				) }
			</div>
			{ asking && (
				<Modal
					title={ __( 'Runs in progress', 'rondine' ) }
					onRequestClose={ () => setAsking( false ) }
				>
					<RadioControl
						label={ __(
							'The steps changed. What should contacts already in this automation do?',
							'rondine'
						) }
						selected={ running }
						options={ [
							{
								value: 'finish',
								label: __(
									'Finish on the version they started',
									'rondine'
								),
							},
							{
								value: 'stop',
								label: __( 'Stop now', 'rondine' ),
							},
						] }
						onChange={ ( value ) =>
							setRunning( value as 'finish' | 'stop' )
						}
					/>
					<p className="description">
						{ __( 'New runs use the new version.', 'rondine' ) }
					</p>
					<Button variant="primary" onClick={ () => save( running ) }>
						{ __( 'Save the new version', 'rondine' ) }
					</Button>{ ' ' }
					<Button
						variant="tertiary"
						onClick={ () => setAsking( false ) }
					>
						{ __( 'Cancel', 'rondine' ) }
					</Button>
				</Modal>
			) }
		</div>
	);
}
