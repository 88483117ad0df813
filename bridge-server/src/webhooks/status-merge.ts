/**
 * Merging WhatsApp message statuses that arrive at least once and in any order.
 *
 * Meta sends `sent`, `delivered`, `read` and `failed` as separate webhooks, possibly duplicated, batched or shuffled
 * (a `read` before its `delivered`, a late `sent` after `read`). Ranking the statuses and always keeping the highest
 * rank makes the merge commutative, associative and idempotent: whatever the order and the number of copies, a
 * message ends in the same state, and a status already merged changes nothing (which is how duplicates are dropped).
 *
 * Ranks: nothing < accepted < sent < failed < delivered < read.
 * - `failed` outranks `sent`: a failed message is terminal while it was not delivered, so a late `sent` cannot undo it.
 * - `delivered` and `read` outrank `failed`: proof that the person got the message wins over a failure report, so a
 *   stale `failed` never lowers a delivered message ("failed is terminal for a message not yet delivered").
 * - `read` implies `delivered`: when read arrives first, the delivery time is filled from it.
 */

export type MessageStatus =
	'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
	'accepted',
	'sent',
	'delivered',
	'read',
	'failed',
];

const RANK: Record< MessageStatus, number > = {
	accepted: 1,
	sent: 2,
	failed: 3,
	delivered: 4,
	read: 5,
};

export function isMessageStatus( value: unknown ): value is MessageStatus {
	return (
		typeof value === 'string' &&
		Object.prototype.hasOwnProperty.call( RANK, value )
	);
}

export function statusRank( status: MessageStatus | null ): number {
	return status === null ? 0 : RANK[ status ];
}

/** What a recipient row holds about its message. Times are unix seconds (Meta's resolution). */
export interface MessageState {
	status: MessageStatus | null;
	sentAt: number | null;
	deliveredAt: number | null;
	readAt: number | null;
	failedAt: number | null;
}

export interface StatusUpdate {
	status: MessageStatus;
	/** Meta's `timestamp`, unix seconds. */
	timestamp: number;
}

function earliest( current: number | null, candidate: number ): number {
	return current === null || candidate < current ? candidate : current;
}

/**
 * The state after one more status. Returns the same object when nothing changes, so callers can
 * tell a duplicate or a stale status (`merged === current`) without comparing fields.
 *
 * Each milestone time keeps the earliest timestamp seen for it (copies may carry different times).
 * A `sent` under a delivered message still fills a missing sent time: it is information, not a downgrade.
 */
export function mergeStatus(
	current: MessageState,
	update: StatusUpdate
): MessageState {
	const { status, timestamp } = update;
	const next: MessageState = { ...current };
	if ( statusRank( status ) > statusRank( current.status ) ) {
		next.status = status;
	}
	switch ( status ) {
		case 'sent':
			next.sentAt = earliest( current.sentAt, timestamp );
			break;
		case 'delivered':
			next.deliveredAt = earliest( current.deliveredAt, timestamp );
			break;
		case 'read':
			next.readAt = earliest( current.readAt, timestamp );
			// Read implies delivered: a read with no delivery seen yet was delivered no later than it was read.
			next.deliveredAt = earliest( current.deliveredAt, timestamp );
			break;
		case 'failed':
			if ( statusRank( current.status ) < RANK.delivered ) {
				next.failedAt = earliest( current.failedAt, timestamp );
			}
			break;
		case 'accepted':
			break;
	}
	if (
		next.status === current.status &&
		next.sentAt === current.sentAt &&
		next.deliveredAt === current.deliveredAt &&
		next.readAt === current.readAt &&
		next.failedAt === current.failedAt
	) {
		return current;
	}
	// A message that turned out delivered is no longer failed.
	if ( statusRank( next.status ) >= RANK.delivered ) {
		next.failedAt = null;
	}
	return next;
}

export const EMPTY_MESSAGE_STATE: MessageState = {
	status: null,
	sentAt: null,
	deliveredAt: null,
	readAt: null,
	failedAt: null,
};

/**
 * The message counters a status change moves. Counters are cumulative milestones, the way a shop owner reads them:
 * "sent" counts every message that reached WhatsApp (sent, delivered or read), "delivered" every delivered message
 * (delivered or read), "read" the read ones, "failed" the ones whose final word is a failure.
 */
export interface MessageCounterDelta {
	sent: number;
	delivered: number;
	read: number;
	failed: number;
}

function milestones( status: MessageStatus | null ): MessageCounterDelta {
	const rank = statusRank( status );
	return {
		sent: status === 'sent' || rank >= RANK.delivered ? 1 : 0,
		delivered: rank >= RANK.delivered ? 1 : 0,
		read: status === 'read' ? 1 : 0,
		failed: status === 'failed' ? 1 : 0,
	};
}

export function counterDelta(
	from: MessageStatus | null,
	to: MessageStatus | null
): MessageCounterDelta {
	const before = milestones( from );
	const after = milestones( to );
	return {
		sent: after.sent - before.sent,
		delivered: after.delivered - before.delivered,
		read: after.read - before.read,
		failed: after.failed - before.failed,
	};
}
