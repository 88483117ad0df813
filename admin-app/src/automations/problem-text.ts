/**
 * The words shown for a problem the bridge found in a flow (422 `invalid_automation`, 409 `keyword_taken`): the
 * bridge answers in English for logs and API users, the editor speaks the owner's language by the problem's code.
 */

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Problem } from './types';

export function problemText( problem: Problem ): string {
	switch ( problem.code ) {
		case 'unreachable_step':
			return __(
				'No path leads to this step: connect it or remove it.',
				'rondine'
			);
		case 'unknown_next':
			return __(
				'This step leads to a step that no longer exists.',
				'rondine'
			);
		case 'missing_template':
			return __( 'Choose a template.', 'rondine' );
		case 'free_form_after_delay':
			return __(
				'A text after a delay needs what to do when the 24-hour window is closed (skip or a template).',
				'rondine'
			);
		case 'too_many_buttons':
			return __( 'WhatsApp allows at most 3 buttons.', 'rondine' );
		case 'bad_button':
			return __(
				'Each button needs its own title of 1 to 20 characters.',
				'rondine'
			);
		case 'text_too_long':
			return __(
				'The message is too long for WhatsApp (1,024 characters with buttons, 4,096 without).',
				'rondine'
			);
		case 'empty_text':
			return __( 'Write the message.', 'rondine' );
		case 'bad_delay':
			return __( 'The wait is not valid.', 'rondine' );
		case 'bad_condition':
			return __( 'The condition is not complete.', 'rondine' );
		case 'keyword_taken':
			return __(
				'Another active automation already uses this keyword.',
				'rondine'
			);
		default:
			return problem.message || problem.code;
	}
}
