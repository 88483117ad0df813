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
	RadioControl,
	Spinner,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import type { paths } from '../store/bridge-api';

/** The bridge's sending policy (GET|PUT /v1/sending-policy, proxied by the plugin), as its OpenAPI document says. */
export type SendingPolicy =
	paths[ '/v1/sending-policy' ][ 'get' ][ 'responses' ][ 200 ][ 'content' ][ 'application/json' ];

export const SENDING_POLICY_PATH = '/rondine/v1/sending-policy';

/** The bridge's bounds (bridge-server/src/dispatch/policy.ts). */
const MAX_MESSAGES = 50;
const MAX_DAYS = 90;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * What is wrong with the form, by field, in the owner's words (the bridge checks the same again).
 *
 * @param policy The policy as typed.
 */
export function validateSendingPolicy(
	policy: SendingPolicy
): Partial< Record< 'start' | 'end' | 'max_messages' | 'days', string > > {
	const problems: Partial<
		Record< 'start' | 'end' | 'max_messages' | 'days', string >
	> = {};
	const { quiet_hours: quiet, frequency_cap: cap } = policy;
	if ( ! TIME.test( quiet.start ) ) {
		problems.start = __( 'Enter a time such as 21:00.', 'rondine' );
	}
	if ( ! TIME.test( quiet.end ) ) {
		problems.end = __( 'Enter a time such as 09:00.', 'rondine' );
	} else if ( quiet.start === quiet.end ) {
		problems.end = __(
			'Quiet hours must end at a different time than they start.',
			'rondine'
		);
	}
	const whole = ( value: number, max: number ) =>
		Number.isInteger( value ) && value >= 1 && value <= max;
	if ( ! whole( cap.max_messages, MAX_MESSAGES ) ) {
		problems.max_messages = __(
			'Enter a whole number from 1 to 50.',
			'rondine'
		);
	}
	if ( ! whole( cap.days, MAX_DAYS ) ) {
		problems.days = __( 'Enter a whole number from 1 to 90.', 'rondine' );
	}
	return problems;
}

/** Quiet hours and the marketing frequency cap, for campaigns and automations alike. */
export function SendingPolicyCard() {
	const [ policy, setPolicy ] = useState< SendingPolicy | null >( null );
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ saveError, setSaveError ] = useState< string | null >( null );
	const [ saving, setSaving ] = useState( false );
	const { createSuccessNotice } = useDispatch( noticesStore );

	useEffect( () => {
		apiFetch< SendingPolicy >( { path: SENDING_POLICY_PATH } ).then(
			setPolicy,
			( failure: { message?: string } ) =>
				setLoadError(
					failure.message ??
						__( 'The sending rules could not be read.', 'rondine' )
				)
		);
	}, [] );

	const title = (
		<CardHeader>
			<h3 className="rondine-card-title">
				{ __( 'Sending rules', 'rondine' ) }
			</h3>
		</CardHeader>
	);
	if ( loadError ) {
		return (
			<Card>
				{ title }
				<CardBody>
					<Notice status="error" isDismissible={ false }>
						{ loadError }
					</Notice>
				</CardBody>
			</Card>
		);
	}
	if ( ! policy ) {
		return <Spinner />;
	}
	const problems = validateSendingPolicy( policy );
	const quiet = policy.quiet_hours;
	const cap = policy.frequency_cap;
	const setQuiet = ( change: Partial< typeof quiet > ) =>
		setPolicy( { ...policy, quiet_hours: { ...quiet, ...change } } );
	const setCap = ( change: Partial< typeof cap > ) =>
		setPolicy( { ...policy, frequency_cap: { ...cap, ...change } } );
	const number = ( value: string | undefined ) =>
		value === undefined || value.trim() === ''
			? Number.NaN
			: Number( value );

	const save = async () => {
		setSaving( true );
		setSaveError( null );
		try {
			setPolicy(
				await apiFetch< SendingPolicy >( {
					path: SENDING_POLICY_PATH,
					method: 'PUT',
					data: policy,
				} )
			);
			createSuccessNotice( __( 'Sending rules saved.', 'rondine' ), {
				type: 'snackbar',
			} );
		} catch ( failure ) {
			setSaveError(
				( failure as { message?: string } ).message ??
					__( 'The sending rules were not saved.', 'rondine' )
			);
		} finally {
			setSaving( false );
		}
	};

	return (
		<Card>
			{ title }
			<CardBody>
				{ saveError && (
					<Notice status="error" isDismissible={ false }>
						{ saveError }
					</Notice>
				) }
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Quiet hours', 'rondine' ) }
					help={ __(
						'No message goes out during these hours, in the time of the contact’s country (read from the phone number). A message due then is not lost: it leaves when quiet hours end.',
						'rondine'
					) }
					checked={ quiet.enabled }
					onChange={ ( enabled ) => setQuiet( { enabled } ) }
				/>
				<div className="rondine-settings__row">
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="time"
						label={ __( 'From', 'rondine' ) }
						value={ quiet.start }
						disabled={ ! quiet.enabled }
						help={ problems.start }
						onChange={ ( start ) => setQuiet( { start } ) }
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="time"
						label={ __( 'To', 'rondine' ) }
						value={ quiet.end }
						disabled={ ! quiet.enabled }
						help={ problems.end }
						onChange={ ( end ) => setQuiet( { end } ) }
					/>
				</div>
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Limit marketing messages', 'rondine' ) }
					help={ __(
						'Counts the marketing messages of every campaign and automation sent to the same contact. Order updates and other utility messages are never limited.',
						'rondine'
					) }
					checked={ cap.enabled }
					onChange={ ( enabled ) => setCap( { enabled } ) }
				/>
				<div className="rondine-settings__row">
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 1 }
						max={ MAX_MESSAGES }
						label={ __( 'At most this many messages', 'rondine' ) }
						value={
							Number.isNaN( cap.max_messages )
								? ''
								: cap.max_messages
						}
						disabled={ ! cap.enabled }
						help={ problems.max_messages }
						onChange={ ( value ) =>
							setCap( { max_messages: number( value ) } )
						}
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 1 }
						max={ MAX_DAYS }
						label={ __(
							'Per contact in this many days',
							'rondine'
						) }
						value={ Number.isNaN( cap.days ) ? '' : cap.days }
						disabled={ ! cap.enabled }
						help={ problems.days }
						onChange={ ( value ) =>
							setCap( { days: number( value ) } )
						}
					/>
				</div>
				<RadioControl
					label={ __(
						'When a contact has reached the limit',
						'rondine'
					) }
					selected={ cap.when_capped }
					disabled={ ! cap.enabled }
					options={ [
						{
							value: 'postpone',
							label: __(
								'Send it later, as soon as the limit allows',
								'rondine'
							),
						},
						{
							value: 'skip',
							label: __(
								'Do not send it (counted as held back)',
								'rondine'
							),
						},
					] }
					onChange={ ( value ) =>
						setCap( {
							when_capped: value as typeof cap.when_capped,
						} )
					}
				/>
				<Button
					variant="primary"
					onClick={ save }
					isBusy={ saving }
					disabled={ saving || Object.keys( problems ).length > 0 }
				>
					{ __( 'Save sending rules', 'rondine' ) }
				</Button>
			</CardBody>
		</Card>
	);
}
