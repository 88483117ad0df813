/**
 * WordPress dependencies
 */
import { Notice, SelectControl, Spinner } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { automationsStore } from '../automations/store';
import type { AutomationSummary } from '../automations/types';
import { buildHash } from '../router';

/** The automations a campaign can launch: active, started by a campaign. */
export function launchable(
	automations: AutomationSummary[] | null
): AutomationSummary[] {
	return ( automations ?? [] ).filter(
		( automation ) =>
			automation.state === 'active' &&
			automation.trigger.type === 'campaign'
	);
}

/**
 * "What to send: an automation": the active automations started by a campaign, or a pointer to the Automations
 * screen when there is none; once one is chosen, what it will do for each recipient (its steps).
 */
export function AutomationPicker( {
	value,
	onChange,
}: {
	/** The chosen automation's id, or ''. */
	value: string;
	onChange: ( id: string ) => void;
} ) {
	const { automations, isLoaded, failed, chosen } = useSelect(
		( select ) => {
			const s = select( automationsStore );
			return {
				automations: s.getAutomations(),
				isLoaded: s.hasFinishedResolution( 'getAutomations', [] ),
				failed: s.hasResolutionFailed( 'getAutomations', [] ),
				chosen: value ? s.getAutomation( value ) : null,
			};
		},
		[ value ]
	);
	if ( failed ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ __(
					'The automations could not be loaded. Reload the page to try again.',
					'rondine'
				) }
			</Notice>
		);
	}
	if ( ! isLoaded ) {
		return <Spinner />;
	}
	const options = launchable( automations );
	if ( options.length === 0 ) {
		return (
			<p data-testid="rondine-no-campaign-automation">
				{ __(
					'There is no active automation started by a campaign yet. Create one that starts with “A campaign that starts it”, then activate it.',
					'rondine'
				) }{ ' ' }
				<a href={ buildHash( [ 'automations' ] ) }>
					{ __( 'Go to Automations', 'rondine' ) }
				</a>
			</p>
		);
	}
	// An automation chosen earlier that is no longer active: say so rather than show an empty choice.
	const stale =
		value !== '' && ! options.some( ( option ) => option.id === value );
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Automation', 'rondine' ) }
				value={ stale ? '' : value }
				options={ [
					{
						value: '',
						label: __( 'Choose an automation', 'rondine' ),
					},
					...options.map( ( automation ) => ( {
						value: automation.id,
						label: automation.name,
					} ) ),
				] }
				onChange={ onChange }
			/>
			{ stale && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'The automation chosen before is no longer active or no longer started by a campaign: choose another one, or activate it again.',
						'rondine'
					) }
				</Notice>
			) }
			{ ! stale && chosen && (
				<p
					className="rondine-editor__automation-summary"
					data-testid="rondine-automation-summary"
				>
					{ sprintf(
						/* translators: 1: automation name, 2: number of steps. */
						_n(
							'When the campaign starts, each recipient enters “%1$s”, an automation of %2$d step, at its first step.',
							'When the campaign starts, each recipient enters “%1$s”, an automation of %2$d steps, at its first step.',
							chosen.steps.length,
							'rondine'
						),
						chosen.name,
						chosen.steps.length
					) }
				</p>
			) }
		</>
	);
}
