/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { Spinner } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { PATHS } from '../store/constants';
import type { ErrorReason, Recipient } from '../store/types';
import { formatNumber } from '../components/format';
import { buildHash } from '../router';

/** Reasons a retry never takes (the bridge's rule in stats/retry-failed.ts). */
const NEVER_RETRIED: readonly ErrorReason[] = [ 'invalid_phone', 'opted_out' ];

export function isRetryable( recipient: Recipient ): boolean {
	return (
		( recipient.state === 'failed' ||
			recipient.message_status === 'failed' ) &&
		recipient.retryable === true &&
		! ( NEVER_RETRIED as readonly string[] ).includes(
			recipient.error_reason ?? ''
		)
	);
}

/** Every recipient of `campaignId` matching `filter`, page by page. */
async function allRecipients(
	campaignId: string,
	filter: Record< string, string >
): Promise< Recipient[] > {
	const rows: Recipient[] = [];
	let after = 0;
	for (;;) {
		const page = await apiFetch< {
			recipients?: Recipient[];
			next_after?: number | null;
		} >( {
			path: addQueryArgs(
				`${ PATHS.campaigns }/${ campaignId }/recipients`,
				{ ...filter, after, limit: 5000 }
			),
		} );
		rows.push( ...( page.recipients ?? [] ) );
		if ( ! page.next_after ) {
			return rows;
		}
		after = page.next_after;
	}
}

/**
 * The audience of a "Retry failed" draft: the failed recipients of the
 * original campaign that may be tried again (never invalid numbers, opt-outs
 * or unknown outcomes). It is fixed, so it is shown, not edited.
 */
export function RetryAudience( {
	sourceId,
	onCount,
}: {
	sourceId: string;
	onCount: ( count: number | null ) => void;
} ) {
	const source = useSelect(
		( select ) => select( store ).getCampaign( sourceId ),
		[ sourceId ]
	);
	const [ count, setCount ] = useState< number | null >( null );

	useEffect( () => {
		let current = true;
		Promise.all( [
			allRecipients( sourceId, { state: 'failed' } ),
			allRecipients( sourceId, { message_status: 'failed' } ),
		] )
			.then( ( [ failedAtSend, failedAfter ] ) => {
				const ids = new Set< number >();
				for ( const recipient of [ ...failedAtSend, ...failedAfter ] ) {
					if ( isRetryable( recipient ) ) {
						ids.add( recipient.id );
					}
				}
				if ( current ) {
					setCount( ids.size );
					onCount( ids.size );
				}
			} )
			.catch( () => {
				if ( current ) {
					onCount( null );
				}
			} );
		return () => {
			current = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- counted once per source campaign.
	}, [ sourceId ] );

	return (
		<fieldset className="rondine-editor__audience">
			<legend>{ __( 'Audience', 'rondine' ) }</legend>
			<p data-testid="rondine-retry-audience">
				{ count === null ? (
					<Spinner />
				) : (
					sprintf(
						/* translators: 1: number of recipients, 2: campaign name. */
						_n(
							'%1$s failed recipient of “%2$s” who can be tried again.',
							'%1$s failed recipients of “%2$s” who can be tried again.',
							count,
							'rondine'
						),
						formatNumber( count ),
						source?.name ?? sourceId
					)
				) }{ ' ' }
				<a href={ buildHash( [ 'campaigns', sourceId, 'stats' ] ) }>
					{ __( 'See the original campaign', 'rondine' ) }
				</a>
			</p>
			<p className="rondine-editor__note">
				{ __(
					'Invalid numbers, opted-out contacts and messages whose outcome is unknown are never retried. Contacts who opt out before the start are left out.',
					'rondine'
				) }
			</p>
		</fieldset>
	);
}
