/**
 * The dispatcher's in-memory view of one business number (a lane) and of each campaign it sends: what
 * dispatcher.ts keeps per tenant between ticks, and what effects.ts changes when an outcome batch pauses or fails one.
 */

/**
 * Internal dependencies
 */
import type { Tenant } from '../storage/schema.js';
import type { ClaimedRecipient } from './claim.js';
import type { BodyWriter } from './message-body.js';
import type { WhatsAppAccount } from './messenger.js';
import type { Settled } from './outcomes.js';
import type { AdaptiveRate } from './rate.js';

export interface CampaignPlan {
	id: string;
	/** The send request's JSON for one recipient (template and mapping compiled once). */
	body: BodyWriter;
	/** A campaign that launches an automation: its messages are the steps of runs (each failure ends its own run). */
	launchesAutomation: boolean;
	continueWhenLimited: boolean;
	/** No due work found: do not ask again before this (performance.now ms). */
	idleUntil: number;
	failuresInRow: number;
}

/** One business number (tenant) in this process: its pace, its claimed queue and what is in flight. */
export interface Lane {
	tenant: Tenant;
	account: WhatsAppAccount;
	rate: AdaptiveRate;
	campaigns: Map< string, CampaignPlan >;
	order: string[];
	next: number;
	queue: ClaimedRecipient[];
	/** Campaigns were removed since the queue was last checked for recipients of campaigns no longer sending. */
	campaignsChanged: boolean;
	inFlight: number;
	claiming: boolean;
	settled: Settled[];
	flushing: Promise< void > | null;
	lastFlush: number;
	latencyMs: number;
}
