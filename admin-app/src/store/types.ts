/**
 * Internal dependencies
 */
import type {
	ApiTemplate,
	ApiBridgeStatus,
	ApiCampaign,
	ApiCampaignStats,
	ApiRecipientsPage,
} from './api';

/**
 * Shapes of the `rondine/v1` REST API as the admin app reads them.
 *
 * Fields the plugin may omit (because the bridge is unreachable, or a
 * WhatsApp number is not configured yet) are optional, and the screens say
 * so instead of guessing a value.
 */

export interface BootData {
	restNamespace?: string;
	version?: string;
	siteTimezone?: string;
	timezoneOffset?: number;
	defaultCountry?: string;
	adminUrl?: string;
	locale?: string;
	/**
	 * Whether the user may change where customer data goes: the bridge connection, the WhatsApp credentials and full
	 * contact exports (administrators, `manage_options`). Shop managers use everything else.
	 */
	canManageConnection?: boolean;
	/** WooCommerce's order statuses, custom ones included: slug (without `wc-`) => label in the shop's language. */
	orderStatuses?: Record< string, string >;
}

/** The bridge's `GET /v1/status`, as the plugin passes it on. */
export type BridgeStatus = ApiBridgeStatus;

export interface BridgeState {
	connected: boolean;
	reachable?: boolean;
	url?: string | null;
	site_id?: string | null;
	/** `message` in the owner's words; `detail` the technical message, for support. */
	error?: { code?: string; message?: string; detail?: string } | null;
	status?: BridgeStatus | null;
}

export interface Status {
	plugin_version: string;
	wordpress_version: string;
	php_version: string;
	woocommerce?: {
		active?: boolean;
		version?: string | null;
		data_present?: boolean;
		order_storage?: 'hpos' | 'legacy' | 'none' | string;
		customers?: number | null;
		orders?: number | null;
		contacts?: number | null;
		opted_in?: number | null;
		/** What WooCommerce Analytics lacks (orders not imported yet), or null. */
		notice?: string | null;
		/** Orders in the order storage that WooCommerce Analytics lacks or holds with an old status. */
		analytics_missing?: number;
	};
	bridge: BridgeState;
}

export interface Settings {
	connection: {
		connected: boolean;
		bridge_url?: string | null;
		site_id?: string | null;
		connected_at?: string | null;
		/** A connection is stored but its secret cannot be read (the site's salts changed): paste a new code. */
		needs_new_code?: boolean;
	};
	default_country: string;
	effective_country?: string;
	consent_text: string;
	consent_text_rendered?: string;
	/** Who gets an automation's utility messages about their order (docs/design/automations-contract.md). */
	order_messages_to?: OrderMessagesTo;
	supported_phone_countries?: string[];
	/** Every country for the default country: code → name in the user's language (null: not named by the server). */
	countries?: Record< string, string | null >;
}

export type OrderMessagesTo = 'consented' | 'customers';

export interface SettingsInput {
	connection_code?: string;
	default_country?: string;
	consent_text?: string;
	order_messages_to?: OrderMessagesTo;
}

/** POST /rondine/v1/whatsapp/check: the number as WhatsApp shows it. */
export interface WhatsAppNumberCheck {
	phone_number_id: string;
	display_phone_number: string | null;
	verified_name: string | null;
	/** `GREEN`, `YELLOW`, `RED`, `NA`. */
	quality: string;
	messaging_limit_tier: string;
	throughput_mps: number;
}

export interface WhatsAppCredentials {
	phone_number_id: string;
	waba_id: string;
	access_token: string;
	app_secret: string;
	verify_token?: string;
}

export type {
	CampaignState,
	ContactField,
	ErrorReason,
	MessageStatus,
	RecipientState,
} from './api';

/**
 * One template placeholder, filled per recipient from a contact field (with
 * a fallback when the contact has no value) or with a fixed text: the
 * bridge's template mapping (`campaigns/template-mapping.ts`), as its API
 * publishes it.
 */
export type MappedComponent = NonNullable<
	ApiCampaign[ 'template' ]
>[ 'components' ][ number ];
export type MappedParameter = MappedComponent[ 'parameters' ][ number ];

/** The audience reference the plugin understands (the bridge keeps it as it is). */
export interface CampaignAudience {
	segments: number[];
	lists: number[];
}

export interface CampaignTemplateRef {
	name: string;
	language: string;
	components: MappedComponent[];
}

export interface CampaignOptions {
	/** Wait for the 24 h window to free instead of failing recipients over the daily limit. */
	continue_when_limited?: boolean;
}

/** The campaign's counters, as the bridge keeps them. */
export type CampaignCounters = ApiCampaign[ 'counters' ];

/** The automation a campaign launches: its runs by state and each step's numbers for this campaign's runs. */
export type CampaignAutomation = NonNullable< ApiCampaign[ 'automation' ] >;

/** A running campaign that cannot send now (the bridge's daily-limit computation). */
export type CampaignWaiting = NonNullable< ApiCampaign[ 'waiting' ] >;

/** A campaign as the bridge answers it through the plugin's proxy, its audience as the plugin writes it. */
export type Campaign = Omit< ApiCampaign, 'audience' | 'options' > & {
	audience: CampaignAudience;
	options: CampaignOptions;
};

export interface CampaignInput {
	id?: string;
	name: string;
	audience: CampaignAudience;
	/** What the campaign sends: one template, or (instead) the automation it launches. */
	template?: CampaignTemplateRef;
	automation_id?: string;
	start_at: string | null;
	options: CampaignOptions;
	/** Schedule for `start_at` (true) or keep as a draft. */
	schedule: boolean;
}

export type CampaignAction =
	'schedule' | 'pause' | 'resume' | 'cancel' | 'duplicate' | 'retry-failed';

/** GET /campaigns/{id}/stats, as the bridge answers it. */
export type CampaignStats = ApiCampaignStats;

/** One recipient of GET /campaigns/{id}/recipients: the bridge's view, with what the plugin's proxy adds. */
export type Recipient = Omit<
	ApiRecipientsPage[ 'recipients' ][ number ],
	'contact_id'
> & {
	/** The contact as it is now in the plugin (null when it was deleted). */
	contact_id: number | null;
	/** The contact's name ('' when unknown). */
	name: string;
};

/** GET /campaigns/{id}/recipients, as the plugin's proxy answers it. */
export interface RecipientsPage {
	recipients: Recipient[];
	/** Cursor of the next page, null on the last one. */
	next_after: number | null;
}

export interface RecipientsQuery {
	state?: string;
	message_status?: string;
	error?: string;
	after?: number;
	limit?: number;
}

/** A message template as GET /v1/templates answers it (Meta's, with `sendable`), passed on by the plugin. */
export type Template = ApiTemplate;
export type TemplateComponent = Template[ 'components' ][ number ];
export type TemplateButton = NonNullable<
	TemplateComponent[ 'buttons' ]
>[ number ];

export type FilterValue = string | number | Array< string | number >;

export interface SegmentFilter {
	field: string;
	op: string;
	value: FilterValue | null;
	/** Money and count filters: only orders of the last N days. */
	within_days?: number | null;
}

export interface SegmentGroup {
	/** How the filters inside the group combine. */
	match: 'all' | 'any';
	filters: SegmentFilter[];
}

export interface SegmentDefinition {
	/** How the groups combine. */
	match: 'all' | 'any';
	groups: SegmentGroup[];
	/** Order statuses that count as orders (e.g. `wc-completed`). */
	statuses?: string[];
}

export interface Segment {
	id: number;
	name: string;
	definition: SegmentDefinition;
	count?: number | null;
	updated_at?: string;
}

export interface ContactList {
	id: number;
	name: string;
	description?: string;
	members?: number;
	opted_in?: number;
	created_at?: string;
}

export interface AudienceFieldOption {
	value: string;
	label: string;
}

export interface AudienceField {
	field: string;
	label: string;
	/** money, integer, date, products, categories, countries, text, choice, tags. */
	type: string;
	operators: string[];
	/** Whether "in the last N days" may restrict the orders counted. */
	supports_window?: boolean;
	options?: AudienceFieldOption[];
}

export interface AudienceFields {
	fields: AudienceField[];
	/** Operator key to its label. */
	operators: Record< string, string >;
	/** The shop's currency symbol for money filters ('' without WooCommerce). */
	currency?: string;
	statuses: AudienceFieldOption[];
	default_statuses: string[];
}

export interface AudienceCountRequest {
	segments?: number[];
	lists?: number[];
	definition?: SegmentDefinition;
}

export interface AudienceSampleContact {
	id?: number;
	first_name?: string;
	last_name?: string;
	phone?: string;
	email?: string;
	country?: string;
}

export interface AudienceCount {
	count: number;
	sample?: AudienceSampleContact[];
}

/** A contact tag (`GET /tags`): `count` is how many contacts have it. */
export interface Tag {
	id: number;
	name: string;
	slug: string;
	count: number;
}

/** What the segment builder picks by name and stores by id. */
export type AudienceChoiceKind = 'products' | 'categories' | 'tags';

/**
 * A product, variation, category or tag as the pickers show it
 * (`GET /audience/products`, `/audience/categories`, `/tags`).
 */
export interface AudienceChoice {
	id: number;
	name: string;
	/** Products and variations. */
	sku?: string;
	type?: 'product' | 'variation';
	/** Categories: the parent category's name ('' at the top). */
	parent_name?: string;
	/** Tags: contacts with it; categories: products in it. */
	count?: number;
}

export interface Contact {
	id: number;
	first_name?: string;
	last_name?: string;
	email?: string;
	phone?: string | null;
	phone_raw?: string | null;
	country?: string;
	city?: string;
	source?: string;
	/** granted, revoked or none. */
	consent?: string;
	tags?: Array< { id: number; name: string } | string >;
	consent_updated_at?: string | null;
	orders_count?: number | null;
	total_spent?: number | null;
	last_order_at?: string | null;
	/** Date of birth, YYYY-MM-DD (birthday automations). */
	birthday?: string | null;
	created_at?: string | null;
}

export interface ConsentLogEntry {
	id?: number;
	status: string;
	/** checkout, my_account, admin, import, whatsapp_stop, whatsapp_resume, erasure, bulk. */
	source: string;
	/** What the person agreed to, or the owner's note with who changed it. */
	wording?: string | null;
	actor_id?: number;
	created_at: string;
}

/** One contact as its page shows it (GET /contacts/{id}). */
export interface ContactDetail extends Contact {
	consent_log?: ConsentLogEntry[];
	lists?: Array< { id: number; name: string } >;
}

export interface ContactsQuery {
	search?: string;
	page?: number;
	per_page?: number;
	list?: number;
	tag?: number;
	consent?: string;
	country?: string;
}

export interface ContactsPage {
	items: Contact[];
	total: number;
}

/** Contact field to the CSV header name it is read from. */
export type ImportMapping = Record< string, string >;

export interface ImportRequest {
	file: File;
	mapping: ImportMapping;
	default_country?: string;
	consent_mode: 'column' | 'attest' | 'none';
	attestation?: boolean;
}

export interface ImportReport {
	imported: number;
	created?: number;
	updated?: number;
	consent_granted?: number;
	rejected: Array< {
		row: number;
		reason: string;
		message?: string;
		value?: string;
	} >;
	/** Rows imported without the consent the file gave (e.g. `previously_revoked`). */
	consent_refused?: Array< {
		row: number;
		reason: string;
		message?: string;
		value?: string;
	} >;
	consent_refused_count?: number;
}

export interface ApiError {
	code?: string;
	message?: string;
	data?: { status?: number } & Record< string, unknown >;
}
