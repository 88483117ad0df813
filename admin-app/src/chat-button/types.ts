/** A working-hours range in the shop's time zone, "HH:MM" (to may be "24:00"). */
export interface HoursRange {
	from: string;
	to: string;
}

export interface ChatAgent {
	name: string;
	phone: string;
	photo: string;
	role: string;
	/** Seven days, Sunday first; null when always available. */
	hours: HoursRange[][] | null;
}

/** GET/PUT /rondine/v1/chat-button (plugin/src/Widget/Settings.php). */
export interface ChatButtonSettings {
	enabled: boolean;
	agents: ChatAgent[];
	/** Title of the chat panel. */
	title: string;
	greeting: string;
	cta: string;
	message: string;
	keyword: string;
	position: 'right' | 'left';
	color: string;
	delay: number;
	scroll: number;
	include_pages: string;
	exclude_pages: string;
	product_only: boolean;
	/** Whether {URL} keeps the page's query string and fragment. */
	full_url: boolean;
	device: 'all' | 'mobile' | 'desktop';
	off_hours: 'note' | 'hide';
	later_note: string;
	consent_required: boolean;
	consent_text: string;
}

/** A refused save: `data.errors` maps a field (`agents[0].phone`) to what is wrong. */
export interface SettingsError {
	code: string;
	message: string;
	data?: { status?: number; errors?: Record< string, string > };
}

/** POST /rondine/v1/chat-button/preview. */
export interface Preview {
	config: Record< string, unknown >;
	script: string;
	/** What is not valid yet (field => message): the preview used the saved value instead. */
	problems?: Record< string, string >;
}

/** GET /rondine/v1/chat-button/stats. */
export interface ClickStats {
	total: number;
	by_day: Array< { day: string; clicks: number } >;
	by_agent: Array< { agent: number; name: string | null; clicks: number } >;
}
