/**
 * WordPress dependencies
 */
import { Card, CardBody, CardHeader } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { StepNumbers, stepName } from '../automations/step-card';
import type { Step } from '../automations/types';
import type { CampaignAutomation } from '../store/types';
import { buildHash } from '../router';

/**
 * Under a campaign that launched an automation: each step of the version its runs follow, with the numbers of this
 * campaign's runs only (the same figures as the automation editor's, from the bridge's `step_stats`).
 */
export function AutomationSteps( {
	automation,
}: {
	automation: CampaignAutomation;
} ) {
	const steps = automation.steps as unknown as Step[];
	return (
		<Card className="rondine-stats__steps">
			<CardHeader>
				<h3 className="rondine-card-title">
					{ automation.name
						? sprintf(
								/* translators: %s: automation name. */
								__( 'Steps of “%s”', 'rondine' ),
								automation.name
							)
						: __( 'Steps of the automation', 'rondine' ) }
				</h3>
				{ automation.name && (
					<a href={ buildHash( [ 'automations', automation.id ] ) }>
						{ __( 'Open the automation', 'rondine' ) }
					</a>
				) }
			</CardHeader>
			<CardBody>
				<p className="rondine-stats__note">
					{ __(
						'The runs this campaign started, step by step.',
						'rondine'
					) }
				</p>
				{ steps.length === 0 && (
					<p>
						{ __(
							'The steps will show once the campaign starts.',
							'rondine'
						) }
					</p>
				) }
				<ol className="rondine-stats__step-list">
					{ steps.map( ( step ) => {
						const stats = automation.step_stats[ step.id ];
						return (
							<li key={ step.id }>
								<h4>{ stepName( steps, step.id ) }</h4>
								{ stats && (
									<StepNumbers
										step={ step }
										stats={ stats }
									/>
								) }
							</li>
						);
					} ) }
				</ol>
			</CardBody>
		</Card>
	);
}
