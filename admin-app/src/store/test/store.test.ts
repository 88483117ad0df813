/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

/**
 * WordPress dependencies
 */
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { createTestRegistry } from '../../test-utils/registry';
import {
	campaignFixture as campaign,
	counters,
} from '../../test-utils/campaign';
import type { Campaign, Status, Template } from '../types';

const template = ( name: string, status: string ): Template => ( {
	name,
	language: 'it',
	status,
	category: 'MARKETING',
	sendable: status === 'APPROVED',
	components: [ { type: 'BODY', text: 'Ciao {{1}}' } ],
} );

const connectedStatus: Status = {
	plugin_version: '0.1.0',
	wordpress_version: '6.8.3',
	php_version: '8.2.29',
	woocommerce: { data_present: true, order_storage: 'hpos' },
	bridge: { connected: true, reachable: true, status: null },
};

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
} );

afterEach( () => {
	server.restore();
} );

describe( 'rondine/admin resolvers', () => {
	it( 'fetches /status once and keeps it', async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: connectedStatus,
		} ) );
		const { registry, store } = createTestRegistry();

		const status = await registry.resolveSelect( store ).getStatus();
		await registry.resolveSelect( store ).getStatus();

		expect( status?.wordpress_version ).toBe( '6.8.3' );
		expect(
			server.requests.filter( ( r ) => r.path === '/rondine/v1/status' )
		).toHaveLength( 1 );
	} );

	it( 'turns a failed request into an error notice with the server message', async () => {
		server.on( 'GET', '/rondine/v1/campaigns', () => ( {
			status: 502,
			body: {
				code: 'rondine_bridge_unreachable',
				message: 'The bridge at http://127.0.0.1:1 did not answer.',
			},
		} ) );
		const { registry, store } = createTestRegistry();

		await expect(
			registry.resolveSelect( store ).getCampaigns()
		).rejects.toMatchObject( { code: 'rondine_bridge_unreachable' } );

		const notices = registry.select( noticesStore ).getNotices();
		expect( notices.map( ( notice ) => notice.content ) ).toEqual( [
			'The bridge at http://127.0.0.1:1 did not answer.',
		] );
		expect( registry.select( store ).getCampaigns() ).toBeNull();
	} );

	it( 'offers only APPROVED templates for sending', async () => {
		server.on( 'GET', '/rondine/v1/templates', () => ( {
			body: {
				templates: [
					template( 'spring_sale', 'APPROVED' ),
					template( 'old_offer', 'REJECTED' ),
					template( 'new_offer', 'PENDING' ),
				],
			},
		} ) );
		const { registry, store } = createTestRegistry();

		const approved = await registry
			.resolveSelect( store )
			.getApprovedTemplates();

		expect( approved?.map( ( t ) => t.name ) ).toEqual( [ 'spring_sale' ] );
	} );

	it( 'reads every page of campaigns (the bridge gives 200 at a time)', async () => {
		const all = Array.from( { length: 450 }, ( _, i ) =>
			campaign( { id: `c${ i }` } )
		);
		server.on( 'GET', '/rondine/v1/campaigns', ( request ) => {
			const offset = Number( request.query.get( 'offset' ) );
			const limit = Number( request.query.get( 'limit' ) );
			return { body: { campaigns: all.slice( offset, offset + limit ) } };
		} );
		const { registry, store } = createTestRegistry();

		const campaigns = await registry.resolveSelect( store ).getCampaigns();

		expect( campaigns ).toHaveLength( 450 );
		// Five pages at a time; the short third page ends the list.
		expect(
			server.requests.map( ( r ) => r.query.get( 'offset' ) )
		).toEqual( [ '0', '200', '400', '600', '800' ] );
		expect( campaigns?.[ 449 ]?.id ).toBe( 'c449' );
	} );

	it( 'keeps a campaign exactly as the bridge sends it through the plugin', async () => {
		const sent = campaign( {
			state: 'running',
			start_at: '2030-01-01T10:00:00.000Z',
			counters: counters( {
				total: 10,
				messages: { sent: 9, delivered: 8, read: 4, failed: 1 },
			} ),
		} );
		server.on( 'GET', '/rondine/v1/campaigns/c1', () => ( {
			body: sent,
		} ) );
		const { registry, store } = createTestRegistry();

		const read = await registry.resolveSelect( store ).getCampaign( 'c1' );

		expect( read ).toEqual( sent );
	} );

	it( 'keeps the counters when the live list is read again (what the cancel confirmation counts)', async () => {
		const running = campaign( {
			state: 'running',
			counters: counters( {
				total: 300,
				automations: { to_start: 51, completed: 249 },
				messages: { sent: 249, delivered: 240, read: 100, failed: 0 },
			} ),
		} );
		server.on( 'GET', '/rondine/v1/campaigns', () => ( {
			body: { campaigns: [ running ] },
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getCampaigns();
		expect(
			registry.select( store ).getCampaigns()?.[ 0 ]?.counters.automations
				.to_start
		).toBe( 51 );

		await registry.dispatch( store ).refreshCampaigns();

		expect(
			registry.select( store ).getCampaigns()?.[ 0 ]?.counters.automations
				.to_start
		).toBe( 51 );
	} );
} );

describe( 'rondine/admin thunks', () => {
	it( 'creates with POST, saves with PUT, then schedules through the lifecycle route', async () => {
		let stored: Campaign | null = null;
		server.on( 'POST', '/rondine/v1/campaigns', ( request ) => {
			stored = campaign( {
				...( request.body as object ),
				id: 'new-id',
				state: 'draft',
			} );
			return { status: 201, body: stored };
		} );
		server.on( 'PUT', '/rondine/v1/campaigns/new-id', ( request ) => {
			stored = campaign( { ...stored, ...( request.body as object ) } );
			return { body: stored };
		} );
		server.on(
			'POST',
			'/rondine/v1/campaigns/new-id/schedule',
			( request ) => {
				stored = campaign( {
					...stored,
					state: 'scheduled',
					start_at: ( request.body as { start_at: string } ).start_at,
				} );
				return { body: stored };
			}
		);
		const { registry, store } = createTestRegistry();
		const input = {
			name: 'Spring sale',
			audience: { segments: [ 1 ], lists: [ 2 ] },
			template: { name: 'spring_sale', language: 'it', components: [] },
			start_at: null,
			options: {},
			schedule: false,
		};

		const created = await registry.dispatch( store ).saveCampaign( input );
		const scheduled = await registry.dispatch( store ).saveCampaign( {
			...input,
			id: created.id,
			start_at: '2030-01-01T10:00:00.000Z',
			schedule: true,
		} );

		expect(
			server.requests.map( ( r ) => `${ r.method } ${ r.path }` )
		).toEqual( [
			'POST /rondine/v1/campaigns',
			'PUT /rondine/v1/campaigns/new-id',
			'POST /rondine/v1/campaigns/new-id/schedule',
		] );
		// The bridge refuses unknown properties: only the campaign's own fields are sent.
		expect(
			Object.keys( server.requests[ 1 ]?.body as object ).sort()
		).toEqual( [ 'audience', 'name', 'options', 'start_at', 'template' ] );
		expect( server.requests[ 2 ]?.body ).toEqual( {
			start_at: '2030-01-01T10:00:00.000Z',
		} );
		expect( scheduled.state ).toBe( 'scheduled' );
		expect(
			registry.select( store ).getCampaign( 'new-id' )?.start_at
		).toBe( '2030-01-01T10:00:00.000Z' );
	} );

	it( 'keeps the campaign and shows the bridge message when an edit is refused', async () => {
		server.on( 'GET', '/rondine/v1/campaigns/c1', () => ( {
			body: campaign( { state: 'running' } ),
		} ) );
		server.on( 'PUT', '/rondine/v1/campaigns/c1', () => ( {
			status: 409,
			body: {
				code: 'campaign_not_editable',
				message: 'A running campaign cannot be edited.',
			},
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getCampaign( 'c1' );

		await expect(
			registry.dispatch( store ).saveCampaign( {
				id: 'c1',
				name: 'Changed',
				audience: { segments: [], lists: [] },
				template: {
					name: 'spring_sale',
					language: 'it',
					components: [],
				},
				start_at: null,
				options: {},
				schedule: false,
			} )
		).rejects.toMatchObject( { code: 'campaign_not_editable' } );

		expect( registry.select( store ).getCampaign( 'c1' )?.name ).toBe(
			'Spring sale'
		);
		expect( registry.select( store ).isCampaignEditable( 'c1' ) ).toBe(
			false
		);
		const [ notice ] = registry.select( noticesStore ).getNotices();
		expect( notice?.content ).toContain(
			'A running campaign cannot be edited.'
		);
	} );

	it( 'opens the draft that "Retry failed" answers with', async () => {
		server.on( 'POST', '/rondine/v1/campaigns/c1/retry-failed', () => ( {
			body: campaign( {
				id: 'retry-1',
				name: 'Spring sale (retry)',
				source_campaign_id: 'c1',
			} ),
		} ) );
		const { registry, store } = createTestRegistry();

		const draft = await registry
			.dispatch( store )
			.runCampaignAction( 'c1', 'retry-failed' );

		expect( draft.id ).toBe( 'retry-1' );
		expect( registry.select( store ).getCampaign( 'retry-1' )?.state ).toBe(
			'draft'
		);
	} );

	it( 'removes a deleted campaign from the list', async () => {
		server.on( 'GET', '/rondine/v1/campaigns', () => ( {
			body: { campaigns: [ campaign(), campaign( { id: 'c2' } ) ] },
		} ) );
		server.on( 'DELETE', '/rondine/v1/campaigns/c1', () => ( {
			body: { deleted: true },
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getCampaigns();

		await registry.dispatch( store ).deleteCampaign( 'c1' );

		expect(
			registry
				.select( store )
				.getCampaigns()
				?.map( ( c ) => c.id )
		).toEqual( [ 'c2' ] );
	} );

	it( 'refuses a malformed connection code with the server message and keeps the settings', async () => {
		server.on( 'POST', '/rondine/v1/settings', () => ( {
			status: 400,
			body: {
				code: 'rondine_invalid_connection_code',
				message: 'The connection code must start with "rondine_".',
			},
		} ) );
		const { registry, store } = createTestRegistry();

		await expect(
			registry
				.dispatch( store )
				.saveSettings( { connection_code: 'nonsense' } )
		).rejects.toMatchObject( { code: 'rondine_invalid_connection_code' } );

		expect( registry.select( store ).getSettings() ).toBeNull();
		const [ notice ] = registry.select( noticesStore ).getNotices();
		expect( notice?.content ).toContain(
			'The connection code must start with "rondine_".'
		);
	} );
} );

describe( 'bridge connection', () => {
	it( 'disconnects and reads the status again', async () => {
		let connected = true;
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: { ...connectedStatus, bridge: { connected } },
		} ) );
		server.on( 'DELETE', '/rondine/v1/settings/connection', () => {
			connected = false;
			return {
				body: {
					connection: { connected: false },
					default_country: 'IT',
					consent_text: '',
				},
			};
		} );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getStatus();

		await registry.dispatch( store ).disconnectBridge();

		expect(
			registry.select( store ).getSettings()?.connection.connected
		).toBe( false );
		const status = await registry.resolveSelect( store ).getStatus();
		expect( status?.bridge.connected ).toBe( false );
	} );
} );

describe( 'what needs attention', () => {
	it( 'lists paused campaigns, rejected templates and a missing connection', async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: { ...connectedStatus, bridge: { connected: false } },
		} ) );
		server.on( 'GET', '/rondine/v1/campaigns', () => ( {
			body: {
				campaigns: [
					campaign( {
						id: 'p',
						name: 'Paused one',
						state: 'paused',
					} ),
				],
			},
		} ) );
		server.on( 'GET', '/rondine/v1/templates', () => ( {
			body: {
				templates: [
					template( 'bad', 'REJECTED' ),
					template( 'ok', 'APPROVED' ),
				],
			},
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getStatus();
		await registry.resolveSelect( store ).getCampaigns();
		await registry.resolveSelect( store ).getTemplates();

		const kinds = registry
			.select( store )
			.getAttentionItems()
			.map( ( item ) => `${ item.kind }:${ item.detail ?? '' }` );

		expect( kinds ).toEqual( [
			'bridge-not-connected:',
			'campaign-paused:Paused one',
			'template-rejected:bad',
		] );
	} );
} );
