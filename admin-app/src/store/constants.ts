export const STORE_NAME = 'rondine/admin';

/** REST namespace of the plugin; every path below is relative to the REST root. */
export const NAMESPACE = '/rondine/v1';

export const PATHS = {
	status: `${ NAMESPACE }/status`,
	settings: `${ NAMESPACE }/settings`,
	whatsapp: `${ NAMESPACE }/whatsapp`,
	templates: `${ NAMESPACE }/templates`,
	campaigns: `${ NAMESPACE }/campaigns`,
	audienceFields: `${ NAMESPACE }/audience/fields`,
	audienceCount: `${ NAMESPACE }/audience/count`,
	audienceProducts: `${ NAMESPACE }/audience/products`,
	audienceCategories: `${ NAMESPACE }/audience/categories`,
	segments: `${ NAMESPACE }/segments`,
	lists: `${ NAMESPACE }/lists`,
	contacts: `${ NAMESPACE }/contacts`,
	tags: `${ NAMESPACE }/tags`,
} as const;

/** Campaign states in which the owner may still change the campaign. */
export const EDITABLE_STATES = [ 'draft', 'scheduled' ] as const;

/** How often a running campaign's stats are refreshed, in milliseconds. */
export const LIVE_REFRESH_MS = 5000;
