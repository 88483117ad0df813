/**
 * The Cloud API client against a scripted HTTP server on 127.0.0.1: what it sends, and how it reads answers that the
 * emulator never gives (a proxy's HTML page, a 200 without a message id, a body that stalls).
 */

/**
 * External dependencies
 */
import {
	createServer,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { CloudApiClient } from '../../src/whatsapp/client';
import { CLOUD_TRANSPORTS } from '../../src/whatsapp/transport';

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage[ 'headers' ];
	body: string;
}

let answer: ( response: ServerResponse, seen: Seen ) => void = ( response ) =>
	response.end( '{}' );
const seen: Seen[] = [];
const server = createServer( ( request, response ) => {
	const chunks: Buffer[] = [];
	request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
	request.on( 'end', () => {
		const entry = {
			method: request.method ?? '',
			url: request.url ?? '',
			headers: request.headers,
			body: Buffer.concat( chunks ).toString(),
		};
		seen.push( entry );
		answer( response, entry );
	} );
} );
let base = '';

beforeAll( async () => {
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	base = `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
} );

afterAll( async () => {
	server.closeAllConnections();
	await new Promise( ( resolve ) => server.close( resolve ) );
} );

const send = {
	phoneNumberId: '106540352242922',
	token: 'EAAG-secret-token',
	to: '+393471234567',
	template: { name: 'hello_world', language: 'en_US' },
	bizOpaqueCallbackData: 'c:1',
};

function json( status: number, body: unknown ) {
	return ( response: ServerResponse ) => {
		response.statusCode = status;
		response.setHeader( 'content-type', 'application/json' );
		response.end( JSON.stringify( body ) );
	};
}

describe.each( CLOUD_TRANSPORTS )( 'CloudApiClient over %s', ( transport ) => {
	it( 'posts JSON with the Bearer token to /{version}/{phone-number-id}/messages under the base path', async () => {
		answer = json( 200, {
			messaging_product: 'whatsapp',
			contacts: [ { input: '+393471234567', wa_id: '393471234567' } ],
			messages: [
				{
					id: 'wamid.X',
					message_status: 'held_for_quality_assessment',
				},
			],
		} );
		const client = new CloudApiClient( {
			baseUrl: `${ base }/sandbox/`,
			version: 'v24.0',
			transport,
		} );
		try {
			expect( await client.sendTemplate( send ) ).toEqual( {
				ok: true,
				wamid: 'wamid.X',
				messageStatus: 'held_for_quality_assessment',
				waId: '393471234567',
			} );
		} finally {
			await client.close();
		}
		const request = seen[ seen.length - 1 ]!;
		expect( request.method ).toBe( 'POST' );
		expect( request.url ).toBe( '/sandbox/v24.0/106540352242922/messages' );
		expect( request.headers.authorization ).toBe(
			'Bearer EAAG-secret-token'
		);
		expect( request.headers[ 'content-type' ] ).toBe( 'application/json' );
		expect( JSON.parse( request.body ) ).toEqual( {
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+393471234567',
			type: 'template',
			template: {
				name: 'hello_world',
				language: { policy: 'deterministic', code: 'en_US' },
			},
			biz_opaque_callback_data: 'c:1',
		} );
	} );

	it.each( [
		[
			"a proxy's HTML error page",
			( r: ServerResponse ) => {
				r.statusCode = 502;
				r.end( '<html>Bad Gateway</html>' );
			},
			'http_502_not_json',
		],
		[
			'a 5xx without a Graph error',
			json( 503, { message: 'busy' } ),
			'http_503_without_error',
		],
		[
			'a 200 without a message id',
			json( 200, { messaging_product: 'whatsapp', messages: [] } ),
			'no_message_id',
		],
	] )(
		'reads %s as an unknown outcome, never as "not sent"',
		async ( _name, reply, reason ) => {
			answer = reply;
			const client = new CloudApiClient( { baseUrl: base, transport } );
			try {
				expect( await client.sendTemplate( send ) ).toEqual( {
					unknown: reason,
				} );
			} finally {
				await client.close();
			}
		}
	);

	it( 'reads a body that stalls past the body timeout as unknown', async () => {
		answer = ( response ) => {
			response.writeHead( 200, { 'content-type': 'application/json' } );
			response.write( '{"messaging_product":' );
		};
		const client = new CloudApiClient( {
			baseUrl: base,
			bodyTimeoutMs: 150,
			transport,
		} );
		try {
			expect( await client.sendTemplate( send ) ).toEqual( {
				unknown: 'body_timeout',
			} );
		} finally {
			await client.close();
		}
	} );

	it( 'parses a Graph error whatever the HTTP status', async () => {
		answer = json( 200, {
			error: {
				message: '(#131000) Something went wrong',
				type: 'OAuthException',
				code: 131000,
				error_data: { messaging_product: 'whatsapp', details: 'x' },
				fbtrace_id: 'A',
			},
		} );
		const client = new CloudApiClient( { baseUrl: base, transport } );
		try {
			expect( await client.sendTemplate( send ) ).toEqual( {
				error: {
					code: 131000,
					subcode: null,
					message: '(#131000) Something went wrong',
					type: 'OAuthException',
					details: 'x',
					fbtraceId: 'A',
				},
				httpStatus: 200,
			} );
		} finally {
			await client.close();
		}
	} );

	it( 'stops paging when the server repeats its cursor', async () => {
		answer = json( 200, {
			data: [
				{
					id: '1',
					name: 't',
					language: 'it',
					status: 'APPROVED',
					category: 'UTILITY',
					components: [],
				},
			],
			paging: {
				cursors: { before: 'A', after: 'B' },
				next: `${ base }/next`,
			},
		} );
		const client = new CloudApiClient( { baseUrl: base, transport } );
		const before = seen.length;
		try {
			const result = await client.listTemplates(
				'102290129340398',
				'token',
				1
			);
			expect( result ).toMatchObject( { ok: true } );
			expect( ( result as { value: unknown[] } ).value ).toHaveLength(
				2
			);
		} finally {
			await client.close();
		}
		expect( seen.slice( before ).map( ( s ) => s.url ) ).toEqual( [
			'/v23.0/102290129340398/message_templates?limit=1',
			'/v23.0/102290129340398/message_templates?limit=1&after=B',
		] );
	} );

	it( 'asks for the phone number fields the bridge needs', async () => {
		answer = json( 200, { id: '1', quality_rating: 'GREEN' } );
		const client = new CloudApiClient( { baseUrl: base, transport } );
		try {
			await client.getPhoneNumber( '106540352242922', 'token' );
		} finally {
			await client.close();
		}
		const url = new URL( seen[ seen.length - 1 ]!.url, base );
		expect( url.pathname ).toBe( '/v23.0/106540352242922' );
		expect( url.searchParams.get( 'fields' ) ).toBe(
			'display_phone_number,verified_name,quality_rating,throughput,whatsapp_business_manager_messaging_limit'
		);
	} );

	it( 'refuses a token that would forge headers, sending nothing', async () => {
		const before = seen.length;
		const client = new CloudApiClient( { baseUrl: base, transport } );
		try {
			expect(
				await client.sendTemplate( {
					...send,
					token: 'EAAG\r\nx-forged: 1',
				} )
			).toEqual( { notSent: 'invalid_token' } );
		} finally {
			await client.close();
		}
		expect( seen.length ).toBe( before );
	} );
} );
