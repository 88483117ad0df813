/**
 * The second stage of the chat button: the chat panel, imported when the visitor shows intent.
 */

/**
 * External dependencies
 */
import { Component, createRef, render } from 'preact';

/**
 * Internal dependencies
 */
import css from './panel.css?inline';
import { buildMessage, whatsappLink } from './message';
import { readProduct } from './product';
import { trackClick } from './track';
import type { PanelApi, PanelContext } from '../types';

const FOCUSABLE = 'a[href],button,input';

interface State {
	open: boolean;
	consented: boolean;
}

// A class rather than hooks: preact/hooks would cost about 1 KB gzipped of the 9 KB budget.
class Panel extends Component< { context: PanelContext }, State > {
	dialog = createRef< HTMLDivElement >();

	override state = {
		open: false,
		consented: ! this.props.context.config.consent,
	};

	toggle() {
		this.setState( { open: ! this.state.open } );
	}

	close = () => {
		this.setState( { open: false } );
		this.props.context.button.focus();
	};

	onKeyDown = ( event: KeyboardEvent ) => {
		if ( event.key === 'Escape' ) {
			event.stopPropagation();
			this.close();
		}
		if ( event.key !== 'Tab' ) {
			return;
		}
		// Keep focus inside the open panel.
		const items = [
			...this.dialog.current!.querySelectorAll< HTMLElement >(
				FOCUSABLE
			),
		];
		const target = event.shiftKey ? items[ 0 ] : items[ items.length - 1 ];
		if ( target?.ownerDocument.activeElement === target ) {
			event.preventDefault();
			items[ event.shiftKey ? items.length - 1 : 0 ]!.focus();
		}
	};

	override componentDidUpdate( _: unknown, previous: State ) {
		const { open } = this.state;
		if ( open !== previous.open ) {
			this.props.context.button.setAttribute(
				'aria-expanded',
				String( open )
			);
			if ( open ) {
				this.dialog
					.current!.querySelector< HTMLElement >( 'input,a' )!
					.focus();
			}
			document[ open ? 'addEventListener' : 'removeEventListener' ](
				'pointerdown',
				this.outside
			);
		}
	}

	// A press anywhere else on the page closes the panel, leaving focus where the visitor put it.
	outside = ( event: Event ) => {
		if ( ! this.props.context.root.contains( event.target as Node ) ) {
			this.setState( { open: false } );
		}
	};

	override render() {
		const { config, online } = this.props.context;
		const { open, consented } = this.state;
		const dialog = this.dialog;
		if ( ! open ) {
			return null;
		}

		const product =
			config.product ??
			readProduct( document.documentElement.lang, config.price );
		const text = buildMessage( config, product );
		const nobodyWorking = ! online.includes( true );
		const { i18n } = config;

		return (
			// A dialog handles its own keys (Escape, Tab): jsx-a11y cannot know that.
			// eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
			<div
				ref={ dialog }
				className="rondine-chat-panel"
				role="dialog"
				aria-modal="true"
				aria-labelledby="rondine-chat-title"
				onKeyDown={ this.onKeyDown }
			>
				<div className="rondine-chat-panel__header">
					<h2 id="rondine-chat-title">{ i18n.title }</h2>
					<button
						type="button"
						aria-label={ i18n.close }
						onClick={ this.close }
					>
						<svg
							viewBox="0 0 24 24"
							aria-hidden="true"
							focusable="false"
						>
							<path d="M6 6l12 12M18 6L6 18" />
						</svg>
					</button>
				</div>
				<div className="rondine-chat-panel__body">
					{ config.greeting && (
						<p className="rondine-chat-panel__greeting">
							{ config.greeting }
						</p>
					) }
					{ nobodyWorking && config.laterNote && (
						<p className="rondine-chat-panel__note" role="status">
							{ config.laterNote }
						</p>
					) }
					{ config.consent && (
						<label
							className="rondine-chat-panel__consent"
							htmlFor="rondine-chat-consent"
						>
							<input
								id="rondine-chat-consent"
								type="checkbox"
								checked={ consented }
								onChange={ ( event ) =>
									this.setState( {
										consented: event.currentTarget.checked,
									} )
								}
							/>
							<span>{ config.consent }</span>
						</label>
					) }
					<ul className="rondine-chat-panel__agents">
						{ config.agents.map( ( agent, index ) =>
							config.offHours === 'hide' &&
							! online[ index ] ? null : (
								<li key={ index }>
									<a
										className="rondine-chat-panel__agent"
										href={ whatsappLink(
											agent.phone,
											text
										) }
										target="_blank"
										rel="noopener noreferrer"
										aria-disabled={
											consented ? undefined : 'true'
										}
										onClick={ ( event ) => {
											if ( ! consented ) {
												event.preventDefault();
												dialog
													.current!.querySelector(
														'input'
													)!
													.focus();
												return;
											}
											trackClick( config, index );
										} }
									>
										{ agent.photo ? (
											<img
												src={ agent.photo }
												alt=""
												width={ 44 }
												height={ 44 }
											/>
										) : (
											<span
												className="rondine-chat-panel__avatar"
												aria-hidden="true"
											>
												{ [ ...agent.name ][ 0 ] }
											</span>
										) }
										<span className="rondine-chat-panel__who">
											<strong>{ agent.name }</strong>
											{ agent.role && (
												<span>{ agent.role }</span>
											) }
										</span>
										<span
											className={
												'rondine-chat-panel__status' +
												( online[ index ]
													? ' is-online'
													: '' )
											}
										>
											{ online[ index ]
												? i18n.online
												: i18n.away }
										</span>
									</a>
								</li>
							)
						) }
					</ul>
				</div>
			</div>
		);
	}
}

/**
 * Renders the panel next to the button (closed) and returns how the button opens and closes it.
 *
 * @param context What the button knows: configuration, agents working now, its elements.
 */
export function mount( context: PanelContext ): PanelApi {
	const panel = createRef< Panel >();
	const host = document.createElement( 'div' );
	const style = document.createElement( 'style' );
	style.textContent = css;
	context.root.prepend( style, host );
	render( <Panel ref={ panel } context={ context } />, host );
	return { toggle: () => panel.current!.toggle() };
}
