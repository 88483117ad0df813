/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { HoursEditor, defaultWeek } from './hours-editor';
import type { ChatAgent } from './types';

interface Props {
	agents: ChatAgent[];
	onChange: ( agents: ChatAgent[] ) => void;
	errors: Record< string, string >;
	timezone: string;
}

export function AgentsEditor( { agents, onChange, errors, timezone }: Props ) {
	const update = ( index: number, changes: Partial< ChatAgent > ) =>
		onChange(
			agents.map( ( agent, i ) =>
				i === index ? { ...agent, ...changes } : agent
			)
		);
	const field = ( index: number, name: string ) =>
		errors[ `agents[${ index }].${ name }` ];
	return (
		<div className="rondine-chat-settings__agents">
			{ agents.map( ( agent, index ) => (
				<Card key={ index } size="small">
					<CardHeader>
						<strong>
							{ agent.name ||
								sprintf(
									/* translators: %d: agent number. */
									__( 'Agent %d', 'rondine' ),
									index + 1
								) }
						</strong>
						<Button
							variant="tertiary"
							isDestructive
							size="small"
							onClick={ () =>
								onChange(
									agents.filter( ( _a, i ) => i !== index )
								)
							}
						>
							{ __( 'Remove', 'rondine' ) }
						</Button>
					</CardHeader>
					<CardBody>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Name', 'rondine' ) }
							value={ agent.name }
							onChange={ ( name ) => update( index, { name } ) }
							help={ field( index, 'name' ) }
							className={
								field( index, 'name' ) ? 'has-error' : ''
							}
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="tel"
							label={ __( 'WhatsApp number', 'rondine' ) }
							value={ agent.phone }
							onChange={ ( phone ) => update( index, { phone } ) }
							help={
								field( index, 'phone' ) ??
								__(
									'With the country code, e.g. +39 333 1234567.',
									'rondine'
								)
							}
							className={
								field( index, 'phone' ) ? 'has-error' : ''
							}
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Role', 'rondine' ) }
							value={ agent.role }
							onChange={ ( role ) => update( index, { role } ) }
							help={ field( index, 'role' ) }
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="url"
							label={ __( 'Photo URL', 'rondine' ) }
							value={ agent.photo }
							onChange={ ( photo ) => update( index, { photo } ) }
							help={
								field( index, 'photo' ) ??
								__(
									'Optional. Without a photo the initial is shown.',
									'rondine'
								)
							}
						/>
						<ToggleControl
							__nextHasNoMarginBottom
							label={ __( 'Available at any time', 'rondine' ) }
							checked={ agent.hours === null }
							onChange={ ( always ) =>
								update( index, {
									hours: always ? null : defaultWeek(),
								} )
							}
						/>
						{ agent.hours && (
							<HoursEditor
								hours={ agent.hours }
								timezone={ timezone }
								onChange={ ( hours ) =>
									update( index, { hours } )
								}
							/>
						) }
						{ field( index, 'hours' ) && (
							<p className="rondine-chat-settings__error">
								{ field( index, 'hours' ) }
							</p>
						) }
					</CardBody>
				</Card>
			) ) }
			<Button
				variant="secondary"
				onClick={ () =>
					onChange( [
						...agents,
						{
							name: '',
							phone: '',
							photo: '',
							role: '',
							hours: null,
						},
					] )
				}
			>
				{ __( 'Add an agent', 'rondine' ) }
			</Button>
		</div>
	);
}
