/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';
import type { ComponentType } from 'react';

/**
 * The chat-button screen is built in `./chat-button/` by the widget's
 * maintainers and exports `ChatButtonScreen`. The shell looks it up at build
 * time through webpack's `require.context`, so that the admin app still
 * builds (and says so on the tab) when that folder is not there yet.
 */
interface WebpackContext {
	keys: () => string[];
	( id: string ): {
		ChatButtonScreen?: ComponentType;
		default?: ComponentType;
	};
}

declare const require: {
	context: (
		directory: string,
		useSubdirectories: boolean,
		pattern: RegExp
	) => WebpackContext;
};

function findChatButtonScreen(): ComponentType | null {
	let context: WebpackContext;
	try {
		// Resolved by webpack at build time; unit tests (no webpack) land in the catch.
		context = require.context(
			'.',
			true,
			/^\.\/chat-button\/index\.tsx?$/
		);
	} catch {
		return null;
	}
	const key = context.keys()[ 0 ];
	if ( ! key ) {
		return null;
	}
	const module = context( key );
	return module.ChatButtonScreen ?? module.default ?? null;
}

export function ChatButtonSlot() {
	const Screen = findChatButtonScreen();
	if ( ! Screen ) {
		return (
			<div
				className="rondine-empty"
				data-testid="rondine-chat-button-empty"
			>
				<p>
					{ __(
						'The chat button settings are not part of this build yet. When they are, you will set the agents, their hours, the greeting and where the button shows on your storefront here.',
						'rondine'
					) }
				</p>
			</div>
		);
	}
	return <Screen />;
}
