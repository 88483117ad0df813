/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatNumber } from './format';

/**
 * Meta's quality rating in the owner's words.
 *
 * @param quality `GREEN`, `YELLOW`, `RED` or `NA`.
 */
export function qualityLabel( quality: string | null | undefined ): string {
	switch ( quality ) {
		case 'GREEN':
			return __( 'High', 'rondine' );
		case 'YELLOW':
			return __( 'Medium', 'rondine' );
		case 'RED':
			return __( 'Low', 'rondine' );
	}
	return __( 'Not rated yet', 'rondine' );
}

const TIER_PEOPLE: Record< string, number > = {
	TIER_50: 50,
	TIER_250: 250,
	TIER_1K: 1000,
	TIER_2K: 2000,
	TIER_10K: 10000,
	TIER_100K: 100000,
};

/**
 * Meta's messaging limit tier in the owner's words: how many people a day.
 *
 * @param tier `TIER_250` … `TIER_UNLIMITED`.
 */
export function tierLabel( tier: string | null | undefined ): string {
	if ( tier === 'TIER_UNLIMITED' ) {
		return __( 'No daily limit', 'rondine' );
	}
	const people = tier ? TIER_PEOPLE[ tier ] : undefined;
	return people
		? sprintf(
				/* translators: %s: number of people. */
				__( 'Up to %s people a day', 'rondine' ),
				formatNumber( people )
			)
		: __( 'Unknown', 'rondine' );
}
