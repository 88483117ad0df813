/**
 * The templates every sandbox account starts with: what an Italian or English shop would have had approved, plus one
 * pending, one rejected and one paused so that the owner (and the tests) see how each is treated.
 */

/**
 * Internal dependencies
 */
import type { MessageTemplate } from '../whatsapp/client.js';

type Component = Record< string, unknown >;

function marketing(
	id: string,
	name: string,
	language: string,
	status: string,
	header: Component,
	body: string,
	example: string[],
	footer: string,
	stop: string
): MessageTemplate {
	return {
		id,
		name,
		language,
		status,
		category: 'MARKETING',
		parameter_format: 'POSITIONAL',
		components: [
			header,
			{ type: 'BODY', text: body, example: { body_text: [ example ] } },
			{ type: 'FOOTER', text: footer },
			{
				type: 'BUTTONS',
				buttons: [ { type: 'QUICK_REPLY', text: stop } ],
			},
		],
	};
}

export function defaultTemplates(): MessageTemplate[] {
	return [
		marketing(
			'1093845521190331',
			'promo_autunno',
			'it',
			'APPROVED',
			{ type: 'HEADER', format: 'TEXT', text: 'Saldi d’autunno' },
			'Ciao {{1}}, fino a domenica hai il {{2}} di sconto su tutto il negozio con il codice {{3}}.',
			[ 'Giulia', '20%', 'AUTUNNO20' ],
			'Non ti interessa? Tocca Stop promozioni',
			'Stop promozioni'
		),
		marketing(
			'1093845521190332',
			'autumn_sale',
			'en',
			'APPROVED',
			{ type: 'HEADER', format: 'TEXT', text: 'Autumn sale' },
			'Hi {{1}}, until Sunday you get {{2}} off everything in the shop with the code {{3}}.',
			[ 'Emma', '20%', 'AUTUMN20' ],
			'Not interested? Tap Stop promotions',
			'Stop promotions'
		),
		marketing(
			'1093845521190333',
			'nuova_collezione',
			'it',
			'APPROVED',
			{
				type: 'HEADER',
				format: 'IMAGE',
				example: {
					header_handle: [ 'https://example.com/collezione.jpg' ],
				},
			},
			'Ciao {{1}}, è arrivata la nuova collezione: scoprila per primo sul nostro sito.',
			[ 'Marco' ],
			'Non ti interessa? Tocca Stop promozioni',
			'Stop promozioni'
		),
		{
			id: '1093845521190334',
			name: 'aggiornamento_ordine',
			language: 'it',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'BODY',
					text: 'Ciao {{first_name}}, il tuo ordine {{order_number}} è stato spedito. Lo riceverai entro {{delivery_date}}.',
					example: {
						body_text_named_params: [
							{ param_name: 'first_name', example: 'Giulia' },
							{ param_name: 'order_number', example: '10452' },
							{
								param_name: 'delivery_date',
								example: 'venerdì 28',
							},
						],
					},
				},
			],
		},
		{
			id: '1093845521190335',
			name: 'order_update',
			language: 'en',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: 'Hi {{1}}, your order {{2}} has shipped. It will arrive by {{3}}.',
					example: {
						body_text: [ [ 'Emma', '10452', 'Friday 28' ] ],
					},
				},
			],
		},
		{
			id: '1192339204654487',
			name: 'hello_world',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{
					type: 'BODY',
					text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
				},
				{
					type: 'FOOTER',
					text: 'WhatsApp Business Platform sample message',
				},
			],
		},
		marketing(
			'1093845521190336',
			'carrello_abbandonato',
			'it',
			'PENDING',
			{
				type: 'HEADER',
				format: 'TEXT',
				text: 'Hai dimenticato qualcosa?',
			},
			'Ciao {{1}}, il tuo carrello ti aspetta. Completa l’ordine entro oggi con il codice {{2}}.',
			[ 'Giulia', 'TORNA10' ],
			'Non ti interessa? Tocca Stop promozioni',
			'Stop promozioni'
		),
		{
			...marketing(
				'1093845521190337',
				'black_friday_teaser',
				'en',
				'REJECTED',
				{ type: 'HEADER', format: 'TEXT', text: 'Black Friday' },
				'{{1}}{{2}} BIGGEST SALE EVER!!!',
				[ 'Emma', '!' ],
				'Not interested? Tap Stop promotions',
				'Stop promotions'
			),
			rejected_reason: 'INVALID_FORMAT',
		},
		marketing(
			'1093845521190338',
			'saldi_estivi',
			'it',
			'PAUSED',
			{ type: 'HEADER', format: 'TEXT', text: 'Saldi estivi' },
			'Ciao {{1}}, i saldi estivi sono iniziati: fino al {{2}} di sconto.',
			[ 'Giulia', '50%' ],
			'Non ti interessa? Tocca Stop promozioni',
			'Stop promozioni'
		),
	];
}

export interface TemplateShape {
	/** Positional `{{n}}` count, or the set of `{{name}}` parameters, of the body. */
	bodyPositional: number;
	bodyNamed: string[];
	headerFormat: string | null;
	headerParams: number;
	buttons: number;
}

function placeholders( text: unknown ): {
	positional: number;
	named: string[];
} {
	const names = new Set< string >();
	let positional = 0;
	for ( const match of String( text ?? '' ).matchAll(
		/{{\s*([^}\s]+)\s*}}/g
	) ) {
		const key = match[ 1 ] ?? '';
		if ( /^\d+$/.test( key ) ) {
			positional = Math.max( positional, Number( key ) );
		} else {
			names.add( key );
		}
	}
	return { positional, named: [ ...names ] };
}

/**
 * What a send of this template must provide.
 *
 * @param template The template.
 */
export function templateShape( template: MessageTemplate ): TemplateShape {
	let shape = shapes.get( template );
	if ( ! shape ) {
		shape = computeShape( template );
		shapes.set( template, shape );
	}
	return shape;
}

// A template's components never change once created (only its status does), so its shape is read once per send path.
const shapes = new WeakMap< MessageTemplate, TemplateShape >();

function computeShape( template: MessageTemplate ): TemplateShape {
	const find = ( type: string ) =>
		template.components.find( ( c ) => c.type === type );
	const body = placeholders( find( 'BODY' )?.text );
	const header = find( 'HEADER' );
	const headerFormat = header ? String( header.format ?? 'TEXT' ) : null;
	const headerText = placeholders( header?.text );
	const buttons = find( 'BUTTONS' )?.buttons;
	// A media header takes one parameter (the image, video or document); a text header one per placeholder.
	let headerParams = 0;
	if ( headerFormat === 'TEXT' ) {
		headerParams = headerText.positional + headerText.named.length;
	} else if ( headerFormat !== null && headerFormat !== 'LOCATION' ) {
		headerParams = 1;
	}
	return {
		bodyPositional: body.positional,
		bodyNamed: body.named,
		headerFormat,
		headerParams,
		buttons: Array.isArray( buttons ) ? buttons.length : 0,
	};
}
