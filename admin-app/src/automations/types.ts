/**
 * The automations' shapes of docs/design/automations-contract.md, as the plugin's proxy routes
 * (rondine/v1/automations…) pass the bridge's answers on. The bridge's OpenAPI document does not have them yet (its
 * engine is built in parallel against the same contract): when it does, these become aliases of store/bridge-api.ts.
 */

/**
 * Internal dependencies
 */
import type { MappedComponent } from '../store/types';

export type AutomationState = 'draft' | 'active' | 'paused' | 'archived';

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
			/** Days after the date (before it when negative: birthdays only). */
			offset_days: number;
			/** HH:MM, shop time. */
			time: string;
	  };

/** The contact dates a date trigger counts from (the site's DateContacts::FIELDS). */
export type DateField = 'birthday' | 'last_order' | 'first_order' | 'created';

export type TriggerType = Trigger[ 'type' ];

export type Reentry =
	| { mode: 'once' }
	| { mode: 'every_time' }
	| { mode: 'per_days'; days: number };

export interface AutomationTemplate {
	name: string;
	language: string;
	category: string;
	components: MappedComponent[];
}

export interface TextButton {
	id: string;
	title: string;
}

export type Delay =
	| { kind: 'duration'; minutes: number }
	| { kind: 'until'; at: string }
	| { kind: 'weekday'; weekday: number; time: string };

export interface Branch {
	when: { button: string } | { any: true };
	next: string | null;
}

export type ConditionOp =
	'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists' | 'has_tag';

export interface ConditionRule {
	field: string;
	op: ConditionOp;
	value?: string;
}

export type Step =
	| {
			id: string;
			type: 'send_template';
			template: AutomationTemplate | null;
			next: string | null;
	  }
	| {
			id: string;
			type: 'send_text';
			text: string;
			buttons: TextButton[];
			when_closed: 'skip' | { template: AutomationTemplate | null };
			next: string | null;
	  }
	| { id: string; type: 'delay'; delay: Delay; next: string | null }
	| {
			id: string;
			type: 'wait_reply';
			timeout_minutes: number;
			branches: Branch[];
			no_reply: string | null;
	  }
	| {
			id: string;
			type: 'condition';
			if: { all: ConditionRule[] };
			then: string | null;
			else: string | null;
	  }
	| {
			id: string;
			type: 'tag';
			add: string[];
			remove: string[];
			next: string | null;
	  }
	| {
			id: string;
			type: 'list';
			add: number[];
			remove: number[];
			next: string | null;
	  }
	| { id: string; type: 'opt_out'; next: string | null }
	| {
			id: string;
			type: 'notify';
			subject: string;
			text: string;
			next: string | null;
	  }
	| { id: string; type: 'end' };

export type StepType = Step[ 'type' ];

export type StepOf< T extends StepType > = Extract< Step, { type: T } >;

/** PUT /automations/{id}: what the owner edits. */
export interface AutomationInput {
	name: string;
	trigger: Trigger;
	reentry: Reentry;
	exit_on: string[];
	steps: Step[];
	/** What runs on an older version do when the steps of an active or paused automation change. */
	running?: 'finish' | 'stop';
}

export interface RunCounts {
	active: number;
	completed: number;
	exited: number;
	failed: number;
}

/** GET /automations: one automation of the list (without its steps). */
export interface AutomationSummary {
	id: string;
	name: string;
	state: AutomationState;
	version: number;
	trigger: Trigger;
	reentry: Reentry;
	exit_on: string[];
	created_at: number;
	updated_at: number;
	runs: RunCounts;
}

export interface StepStats {
	entered: number;
	waiting: number;
	completed: number;
	exited: number;
	failed: number;
	sent: number;
	delivered: number;
	read: number;
	replied: number;
}

/** GET /automations/{id}: the definition with each step's numbers. */
export interface Automation extends AutomationInput {
	id: string;
	state: AutomationState;
	version: number;
	created_at: number;
	updated_at: number;
	step_stats?: Record< string, StepStats >;
}

/** One problem of the bridge's 422 `invalid_automation`, naming its step (or none for the whole flow). */
export interface Problem {
	step: string | null;
	code: string;
	message: string;
}

export interface RunHistoryEntry {
	step: string;
	entered_at: number;
	left_at: number | null;
	outcome: string | null;
}

export interface Run {
	id: string;
	automation_id?: string;
	phone: string;
	contact_id: number | null;
	version: number;
	state: string;
	step: string | null;
	started_at: number;
	ended_at: number | null;
	exit_reason: string | null;
	history: RunHistoryEntry[];
}
