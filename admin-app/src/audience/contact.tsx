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
	SelectControl,
	Spinner,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { PATHS } from '../store/constants';
import type { ContactDetail } from '../store/types';
import { RunHistory } from '../automations/run-history';
import type { ApiPhoneMessages } from '../store/api';
import { recipientStatusLabel } from '../campaigns/labels';
import { formatDateTime, formatNumber } from '../components/format';
import { buildHash } from '../router';
import { consentLabel } from './consent';
import { useCountryName } from './country-names';

/** Where a consent change came from, in the owner's words. */
export function consentSourceLabel( source: string ): string {
	switch ( source ) {
		case 'checkout':
			return __( 'At checkout', 'rondine' );
		case 'my_account':
			return __( 'In My Account', 'rondine' );
		case 'admin':
			return __( 'By the shop in wp-admin', 'rondine' );
		case 'import':
			return __( 'Imported from a file', 'rondine' );
		case 'whatsapp_stop':
			return __( 'Replied STOP on WhatsApp', 'rondine' );
		case 'whatsapp_resume':
			return __( 'Asked to resume on WhatsApp', 'rondine' );
		case 'erasure':
			return __( 'Personal data erased', 'rondine' );
		case 'bulk':
			return __( 'Bulk change', 'rondine' );
	}
	return source;
}

/** One message of the contact's history, as the bridge answers it through the plugin. */
type ContactMessage = ApiPhoneMessages[ 'messages' ][ number ];

/**
 * The campaign messages sent to the contact's phone, newest first, as the bridge recorded them.
 * @param root0
 * @param root0.id
 */
function MessageHistory( { id }: { id: number } ) {
	const [ messages, setMessages ] = useState< ContactMessage[] | null >(
		null
	);
	const [ failure, setFailure ] = useState( '' );
	useEffect( () => {
		apiFetch< { messages: ContactMessage[] } >( {
			path: `${ PATHS.contacts }/${ id }/messages`,
		} )
			.then( ( answer ) => setMessages( answer.messages ) )
			.catch( ( error: { message?: string } ) => {
				setMessages( [] );
				setFailure(
					error?.message ??
						__( 'The messages could not be read.', 'rondine' )
				);
			} );
	}, [ id ] );
	if ( messages === null ) {
		return <Spinner />;
	}
	if ( failure ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ failure }
			</Notice>
		);
	}
	return (
		<table
			className="widefat striped"
			data-testid="rondine-contact-messages"
		>
			<thead>
				<tr>
					<th>{ __( 'When', 'rondine' ) }</th>
					<th>{ __( 'Campaign', 'rondine' ) }</th>
					<th>{ __( 'Status', 'rondine' ) }</th>
					<th>{ __( 'Replied or tapped', 'rondine' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ messages.length === 0 && (
					<tr>
						<td colSpan={ 4 }>
							{ __(
								'No campaign has written to this contact yet.',
								'rondine'
							) }
						</td>
					</tr>
				) }
				{ messages.map( ( message ) => (
					<tr key={ `${ message.campaign_id }-${ message.id }` }>
						<td>
							{ formatDateTime(
								message.sent_at ?? message.updated_at
							) }
						</td>
						<td>
							<a
								href={ buildHash( [
									'campaigns',
									message.campaign_id,
									'stats',
								] ) }
							>
								{ message.campaign_name }
							</a>
						</td>
						<td>{ recipientStatusLabel( message ) }</td>
						<td>
							{ message.interacted_at
								? formatDateTime( message.interacted_at )
								: '' }
						</td>
					</tr>
				) ) }
			</tbody>
		</table>
	);
}

/**
 * The contact's page: details, consent and its history, tags and lists. Consent changes only by the person's own
 * act; the owner records it on the person's behalf: a withdrawal at any time, an agreement only with a note of how the
 * person agreed (kept in the consent log with the owner's name).
 * @param root0
 * @param root0.id
 */
/** The date of birth, saved when the owner asks (birthday automations read it). */
function BirthdayField( {
	value,
	busy,
	onSave,
}: {
	value: string;
	busy: boolean;
	onSave: ( birthday: string ) => Promise< boolean >;
} ) {
	const [ draft, setDraft ] = useState( value );
	useEffect( () => setDraft( value ), [ value ] );
	return (
		<div className="rondine-contact__birthday">
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="date"
				label={ __( 'Date of birth', 'rondine' ) }
				hideLabelFromVision
				max={ new Date().toISOString().slice( 0, 10 ) }
				value={ draft }
				onChange={ setDraft }
			/>
			{ draft !== value && (
				<Button
					variant="secondary"
					isBusy={ busy }
					disabled={ busy }
					onClick={ () => onSave( draft ) }
				>
					{ __( 'Save the date of birth', 'rondine' ) }
				</Button>
			) }
		</div>
	);
}

export function ContactScreen( { id }: { id: number } ) {
	const [ contact, setContact ] = useState< ContactDetail | null >( null );
	const [ missing, setMissing ] = useState( false );
	const [ busy, setBusy ] = useState( false );
	const [ consentForm, setConsentForm ] = useState<
		'' | 'granted' | 'revoked'
	>( '' );
	const [ note, setNote ] = useState( '' );
	const [ tagToAdd, setTagToAdd ] = useState( '' );
	const tags = useSelect( ( select ) => select( store ).getTags(), [] );
	const countryName = useCountryName();
	const { reportError } = useDispatch( store );

	const load = useCallback( async () => {
		try {
			setContact(
				await apiFetch< ContactDetail >( {
					path: `${ PATHS.contacts }/${ id }`,
				} )
			);
		} catch {
			setMissing( true );
		}
	}, [ id ] );
	useEffect( () => {
		load();
	}, [ load ] );

	const update = async ( data: Record< string, unknown > ) => {
		setBusy( true );
		try {
			setContact(
				await apiFetch< ContactDetail >( {
					path: `${ PATHS.contacts }/${ id }`,
					method: 'PUT',
					data,
				} )
			);
			return true;
		} catch ( failure ) {
			reportError( failure, __( 'Contact not saved', 'rondine' ) );
			return false;
		} finally {
			setBusy( false );
		}
	};

	if ( missing ) {
		return (
			<p>
				{ __( 'This contact does not exist (any more).', 'rondine' ) }
			</p>
		);
	}
	if ( ! contact ) {
		return <Spinner />;
	}
	const name =
		[ contact.first_name, contact.last_name ]
			.filter( Boolean )
			.join( ' ' ) || __( '(no name)', 'rondine' );
	const tagIds = ( contact.tags ?? [] )
		.map( ( tag ) => ( typeof tag === 'string' ? null : tag.id ) )
		.filter( ( tagId ): tagId is number => tagId !== null );
	const granted = contact.consent === 'granted';

	return (
		<div className="rondine-contact" data-testid="rondine-contact">
			<p>
				<a href={ buildHash( [ 'audience', 'contacts' ] ) }>
					{ __( '← All contacts', 'rondine' ) }
				</a>
			</p>
			<h3>{ name }</h3>
			<table className="widefat striped rondine-contact__details">
				<tbody>
					<tr>
						<th>{ __( 'Phone', 'rondine' ) }</th>
						<td>
							{ contact.phone ??
								__( 'invalid or missing', 'rondine' ) }
						</td>
					</tr>
					<tr>
						<th>{ __( 'Email', 'rondine' ) }</th>
						<td>{ contact.email }</td>
					</tr>
					<tr>
						<th>{ __( 'Country', 'rondine' ) }</th>
						<td>
							{ [ contact.city, countryName( contact.country ) ]
								.filter( Boolean )
								.join( ', ' ) }
						</td>
					</tr>
					<tr>
						<th>{ __( 'Birthday', 'rondine' ) }</th>
						<td>
							<BirthdayField
								value={ contact.birthday ?? '' }
								busy={ busy }
								onSave={ ( birthday ) =>
									update( { birthday } )
								}
							/>
						</td>
					</tr>
					<tr>
						<th>{ __( 'Orders', 'rondine' ) }</th>
						<td>
							{ formatNumber( contact.orders_count ?? 0 ) }
							{ contact.last_order_at
								? ` · ${ sprintf(
										/* translators: %s: date and time. */
										__( 'last on %s', 'rondine' ),
										formatDateTime( contact.last_order_at )
									) }`
								: '' }
						</td>
					</tr>
				</tbody>
			</table>

			<Card className="rondine-contact__card">
				<CardHeader>
					<h3 className="rondine-card-title">
						{ __( 'Messages', 'rondine' ) }
					</h3>
				</CardHeader>
				<CardBody>
					<MessageHistory id={ id } />
				</CardBody>
			</Card>

			<Card className="rondine-contact__card">
				<CardHeader>
					<h3 className="rondine-card-title">
						{ __( 'Automations', 'rondine' ) }
					</h3>
				</CardHeader>
				<CardBody>
					<RunHistory phone={ contact.phone ?? null } />
				</CardBody>
			</Card>

			<Card className="rondine-contact__card">
				<CardHeader>
					<h3 className="rondine-card-title">
						{ __( 'WhatsApp consent', 'rondine' ) }
					</h3>
				</CardHeader>
				<CardBody>
					<p data-testid="rondine-contact-consent">
						<strong>{ consentLabel( contact.consent ) }</strong>
						{ contact.consent_updated_at &&
							` · ${ formatDateTime(
								contact.consent_updated_at
							) }` }
					</p>
					{ consentForm === '' && (
						<Button
							variant="secondary"
							isDestructive={ granted }
							onClick={ () => {
								setNote( '' );
								setConsentForm(
									granted ? 'revoked' : 'granted'
								);
							} }
						>
							{ granted
								? __( 'Withdraw consent…', 'rondine' )
								: __( 'Record consent…', 'rondine' ) }
						</Button>
					) }
					{ consentForm !== '' && (
						<div className="rondine-contact__consent-form">
							<Notice status="info" isDismissible={ false }>
								{ consentForm === 'granted'
									? __(
											'Only record consent that this person gave you themselves (in the shop, by email, on the phone). Say how and when: it is kept as proof with your name.',
											'rondine'
										)
									: __(
											'Record that this person asked not to receive WhatsApp marketing any more. No campaign will write to them until they opt in again themselves.',
											'rondine'
										) }
							</Notice>
							<TextareaControl
								__nextHasNoMarginBottom
								label={
									consentForm === 'granted'
										? __(
												'How did this person agree? (required)',
												'rondine'
											)
										: __(
												'Why (optional, for example "asked by phone")',
												'rondine'
											)
								}
								value={ note }
								onChange={ setNote }
							/>
							<Button
								variant="primary"
								isBusy={ busy }
								disabled={
									busy ||
									( consentForm === 'granted' &&
										note.trim() === '' )
								}
								onClick={ async () => {
									if (
										await update( {
											consent: consentForm,
											note: note.trim(),
										} )
									) {
										setConsentForm( '' );
									}
								} }
							>
								{ consentForm === 'granted'
									? __( 'Record consent', 'rondine' )
									: __( 'Withdraw consent', 'rondine' ) }
							</Button>{ ' ' }
							<Button
								variant="tertiary"
								onClick={ () => setConsentForm( '' ) }
							>
								{ __( 'Cancel', 'rondine' ) }
							</Button>
						</div>
					) }
					<h4>{ __( 'Consent history', 'rondine' ) }</h4>
					<table
						className="widefat striped"
						data-testid="rondine-contact-consent-log"
					>
						<thead>
							<tr>
								<th>{ __( 'When', 'rondine' ) }</th>
								<th>{ __( 'Consent', 'rondine' ) }</th>
								<th>{ __( 'How', 'rondine' ) }</th>
								<th>{ __( 'Details', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ ( contact.consent_log ?? [] ).length === 0 && (
								<tr>
									<td colSpan={ 4 }>
										{ __(
											'No consent recorded yet.',
											'rondine'
										) }
									</td>
								</tr>
							) }
							{ ( contact.consent_log ?? [] ).map(
								( entry, index ) => (
									<tr key={ entry.id ?? index }>
										<td>
											{ formatDateTime(
												entry.created_at
											) }
										</td>
										<td>
											{ consentLabel( entry.status ) }
										</td>
										<td>
											{ consentSourceLabel(
												entry.source
											) }
										</td>
										<td>{ entry.wording }</td>
									</tr>
								)
							) }
						</tbody>
					</table>
				</CardBody>
			</Card>

			<Card className="rondine-contact__card">
				<CardHeader>
					<h3 className="rondine-card-title">
						{ __( 'Tags and lists', 'rondine' ) }
					</h3>
				</CardHeader>
				<CardBody>
					<ul
						className="rondine-contact__tags"
						data-testid="rondine-contact-tags"
					>
						{ ( contact.tags ?? [] ).map( ( tag ) =>
							typeof tag === 'string' ? null : (
								<li key={ tag.id }>
									{ tag.name }{ ' ' }
									<Button
										variant="link"
										isDestructive
										disabled={ busy }
										label={ sprintf(
											/* translators: %s: tag name. */
											__(
												'Remove the tag “%s”',
												'rondine'
											),
											tag.name
										) }
										onClick={ () =>
											update( {
												tags: tagIds.filter(
													( tagId ) =>
														tagId !== tag.id
												),
											} )
										}
									>
										{ __( 'Remove', 'rondine' ) }
									</Button>
								</li>
							)
						) }
					</ul>
					<div className="rondine-contact__add-tag">
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Add a tag', 'rondine' ) }
							value={ tagToAdd }
							options={ [
								{ value: '', label: __( '—', 'rondine' ) },
								...( tags ?? [] )
									.filter(
										( tag ) => ! tagIds.includes( tag.id )
									)
									.map( ( tag ) => ( {
										value: String( tag.id ),
										label: tag.name,
									} ) ),
							] }
							onChange={ setTagToAdd }
						/>
						<Button
							variant="secondary"
							disabled={ busy || ! tagToAdd }
							onClick={ async () => {
								if (
									await update( {
										tags: [ ...tagIds, Number( tagToAdd ) ],
									} )
								) {
									setTagToAdd( '' );
								}
							} }
						>
							{ __( 'Add tag', 'rondine' ) }
						</Button>
					</div>
					<h4>{ __( 'Lists', 'rondine' ) }</h4>
					{ ( contact.lists ?? [] ).length === 0 ? (
						<p>{ __( 'In no list.', 'rondine' ) }</p>
					) : (
						<ul data-testid="rondine-contact-lists">
							{ ( contact.lists ?? [] ).map( ( list ) => (
								<li key={ list.id }>
									<a
										href={ buildHash(
											[ 'audience', 'contacts' ],
											{ list: list.id }
										) }
									>
										{ list.name }
									</a>
								</li>
							) ) }
						</ul>
					) }
				</CardBody>
			</Card>
		</div>
	);
}
