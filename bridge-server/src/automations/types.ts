/**
 * The shapes of docs/design/automations-contract.md: a definition's trigger, re-entry rule and steps.
 */

/**
 * Internal dependencies
 */
import type { MappedComponent } from '../campaigns/template-mapping.js';

export type Trigger =
	| { type: 'keyword'; keyword: string }
	| { type: 'button'; payload: string }
	| { type: 'event'; event: string }
	| { type: 'campaign' }
	| { type: 'tag'; tag: string }
	| { type: 'list'; list_id: number }
	| {
			type: 'date';
			field: DateField;
			offset_days: number;
			time: string;
	  };

/** The contact dates a date trigger can count from (the site's contact fields; docs/design/automations-contract.md). */
export const DATE_FIELDS = [
	'birthday',
	'last_order',
	'first_order',
	'created',
] as const;

export type DateField = ( typeof DATE_FIELDS )[ number ];

/** The site's events about a contact's tags and lists (POST /v1/events, sent by the plugin's outbox). */
export const TAGGED_EVENT = 'contact.tagged';
export const LIST_ADDED_EVENT = 'contact.list_added';

export type Reentry =
	| { mode: 'once' }
	| { mode: 'every_time' }
	| { mode: 'per_days'; days: number };

export type TemplateCategory =
	'MARKETING' | 'UTILITY' | 'AUTHENTICATION' | 'SERVICE';

export interface TemplateRef {
	name: string;
	language: string;
	category?: TemplateCategory;
	components?: MappedComponent[];
}

export type Delay =
	| { kind: 'duration'; minutes: number }
	| { kind: 'until'; at: string }
	| { kind: 'weekday'; weekday: number; time: string };

export interface ConditionRule {
	field: string;
	op: 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists' | 'has_tag';
	value?: unknown;
}

export type Step =
	| {
			id: string;
			type: 'send_template';
			template: TemplateRef;
			next?: string | null;
	  }
	| {
			id: string;
			type: 'send_text';
			text: string;
			buttons?: Array< { id: string; title: string } >;
			when_closed?: 'skip' | { template: TemplateRef };
			next?: string | null;
	  }
	| { id: string; type: 'delay'; delay: Delay; next?: string | null }
	| {
			id: string;
			type: 'wait_reply';
			timeout_minutes: number;
			branches: Array< {
				when: { button: string } | { any: true };
				next: string | null;
			} >;
			no_reply?: string | null;
	  }
	| {
			id: string;
			type: 'condition';
			if: { all?: ConditionRule[]; any?: ConditionRule[] };
			then?: string | null;
			else?: string | null;
	  }
	| {
			id: string;
			type: 'tag';
			add?: string[];
			remove?: string[];
			next?: string | null;
	  }
	| {
			id: string;
			type: 'list';
			add?: number[];
			remove?: number[];
			next?: string | null;
	  }
	| { id: string; type: 'opt_out'; next?: string | null }
	| {
			id: string;
			type: 'notify';
			subject: string;
			text: string;
			next?: string | null;
	  }
	| { id: string; type: 'end' };

export type StepType = Step[ 'type' ];

export interface AutomationInput {
	name: string;
	trigger: Trigger;
	reentry: Reentry;
	exit_on?: string[];
	steps: Step[];
	running?: 'finish' | 'stop';
}

/** Exit reasons of a run (contract: Runs). */
export type ExitReason =
	| 'opted_out'
	| 'goal_reached'
	| 'automation_stopped'
	| 'archived'
	| 'send_failed'
	| 'no_marketing_consent'
	| 'no_utility_context';

/** The lane key of an automation's own runs: their recipients' and messages' `campaign_id`. */
export function laneOf( automationId: string ): string {
	return `a:${ automationId }`;
}

/** Keywords compare trimmed, case- and accent-insensitive (NFD, combining marks removed, lower case). */
export function normalizeKeyword( text: string ): string {
	return text
		.trim()
		.normalize( 'NFD' )
		.replace( /\p{M}/gu, '' )
		.toLowerCase();
}

/**
 * A tag's key, as the site's tag slugs compare names (WordPress's sanitize_title for the names people write): accents
 * removed, lower case, every run of other characters one hyphen. "Clienti VIP", "clienti-vip" and "Clienti  Vip!" are
 * one tag.
 */
export function tagKey( name: string ): string {
	return name
		.normalize( 'NFD' )
		.replace( /\p{M}/gu, '' )
		.toLowerCase()
		.replace( /[^\p{L}\p{N}_]+/gu, '-' )
		.replace( /^-+|-+$/g, '' );
}

/** The ids a step may go to next (null: the run ends). */
export function nextsOf( step: Step ): Array< string | null | undefined > {
	switch ( step.type ) {
		case 'end':
			return [];
		case 'wait_reply':
			return [ ...step.branches.map( ( b ) => b.next ), step.no_reply ];
		case 'condition':
			return [ step.then, step.else ];
		default:
			return [ step.next ];
	}
}
