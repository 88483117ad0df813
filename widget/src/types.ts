/**
 * The configuration the plugin inlines as JSON in `<script type="application/json" id="rondine-chat-config">`.
 *
 * It is the same for every visitor of a page (so page caches keep working): anything that depends on the visitor
 * (the time, the device, the scroll position, the page's own structured data) is worked out here in the browser.
 */

/** Working hours of one weekday: ranges of minutes after midnight, `[ from, to )`, in the shop's timezone. */
export type DayHours = Array< [ number, number ] >;

export interface Agent {
	name: string;
	/** International number, digits only (no `+`, no spaces): what wa.me expects. */
	phone: string;
	/** Photo URL, or '' for the initial-letter avatar. */
	photo: string;
	role: string;
	/** Seven days, Sunday first; null when the agent is always available. */
	hours: DayHours[] | null;
}

export interface Product {
	name: string;
	price: string;
	sku: string;
}

/** The shop's price format (WooCommerce → Settings → General → Currency options), as wc_price() applies it. */
export interface PriceFormat {
	/** ISO 4217 code of the shop's currency. */
	currency: string;
	decimals: number;
	decimalSeparator: string;
	thousandSeparator: string;
	/** Where the number goes, with the currency symbol around it: "%s €", "€%s". */
	pattern: string;
}

export interface Strings {
	/** Accessible name of the button when the call to action is empty. */
	open: string;
	close: string;
	/** Title of the chat panel. */
	title: string;
	online: string;
	away: string;
}

export interface Config {
	agents: Agent[];
	greeting: string;
	/** Call to action, shown on the button and used as its accessible name. */
	cta: string;
	/** Prefilled message with {SITE} {TITLE} {URL} {PRODUCT} {PRICE} {SKU}. */
	message: string;
	/**
	 * Whether {URL} keeps the page's query string and fragment (which can carry order keys or reset tokens); by
	 * default it is the page's origin and path only.
	 */
	fullUrl?: boolean;
	/** Put before the message, so the shop's automatic replies can recognise where it came from. */
	keyword: string;
	position: 'left' | 'right';
	/** `#rrggbb`. */
	color: string;
	/** Black or white, whichever reads better on `color` (worked out by the plugin). */
	textColor: string;
	/** Seconds before the button appears. */
	delay: number;
	/** Percentage of the page to scroll before the button appears (0: no condition). */
	scroll: number;
	device: 'all' | 'mobile' | 'desktop';
	productOnly: boolean;
	/** What to do when no agent is working now. */
	offHours: 'hide' | 'note';
	/** Shown when no agent is working now and offHours is 'note'. */
	laterNote: string;
	/** When not empty, the visitor must tick this before WhatsApp opens. */
	consent: string;
	/**
	 * The shop's UTC offsets, `[ from (Unix seconds), minutes east of UTC ]` oldest first: the one in force now, then
	 * the daylight-saving changes of the next two years (so a page cached for long stays right).
	 */
	offsets: Array< [ number, number ] >;
	site: string;
	/** From WooCommerce on its product pages; null elsewhere (the page's Product structured data is read instead). */
	product: Product | null;
	/** The shop's price format, for prices read from structured data; null without WooCommerce's settings. */
	price?: PriceFormat | null;
	/** URL of the chat panel module, imported on intent; it has a query string (`?ver=`). */
	panel: string;
	/** Where a click is counted (navigator.sendBeacon), '' for none (the admin preview). */
	beacon: string;
	i18n: Strings;
}

/** What the button tells the panel when it loads it. */
export interface PanelContext {
	config: Config;
	/** Per agent: working now. */
	online: boolean[];
	root: HTMLElement;
	button: HTMLButtonElement;
}

export interface PanelApi {
	toggle: () => void;
}
