/**
 * The bridge's API as the admin app reads it through the plugin's proxy routes (rondine/v1/campaigns...), typed from
 * the bridge's OpenAPI document (bridge-api.ts is generated from bridge-server/openapi.json by bin/api-types.mjs).
 */
import type { components, paths } from './bridge-api';

type Json< Response > = Response extends {
	content: { 'application/json': infer Body };
}
	? Body
	: never;

type Schemas = components[ 'schemas' ];

export type CampaignState = Schemas[ 'CampaignState' ];
export type RecipientState = Schemas[ 'RecipientState' ];
export type MessageStatus = Schemas[ 'MessageStatus' ];
export type ErrorReason = Schemas[ 'ErrorReason' ];
export type ContactField = Schemas[ 'ContactField' ];

/** GET /v1/campaigns/{id}: what the plugin's GET /campaigns/{id} passes on as it is. */
export type ApiCampaign = Json<
	paths[ '/v1/campaigns/{id}' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** GET /v1/campaigns: one page of campaigns. */
export type ApiCampaignsPage = Json<
	paths[ '/v1/campaigns' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** GET /v1/campaigns/{id}/stats. */
export type ApiCampaignStats = Json<
	paths[ '/v1/campaigns/{id}/stats' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** GET /v1/campaigns/{id}/recipients. */
export type ApiRecipientsPage = Json<
	paths[ '/v1/campaigns/{id}/recipients' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** POST /v1/campaigns/{id}/schedule and the other lifecycle actions. */
export type ApiCampaignAction = Json<
	paths[ '/v1/campaigns/{id}/schedule' ][ 'post' ][ 'responses' ][ 200 ]
>;

/** GET /v1/recipients?phone=: one phone's messages across the campaigns (the contact page's history). */
export type ApiPhoneMessages = Json<
	paths[ '/v1/recipients' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** POST /v1/forecast: the daily limit's effect on an audience at a start time. */
export type ApiForecast = Json<
	paths[ '/v1/forecast' ][ 'post' ][ 'responses' ][ 200 ]
>;

/** GET /v1/status: the tenant, its WhatsApp number and the 24 h window (the plugin's GET /status carries it). */
export type ApiBridgeStatus = Json<
	paths[ '/v1/status' ][ 'get' ][ 'responses' ][ 200 ]
>;

/** GET /v1/templates: one message template. */
export type ApiTemplate = Json<
	paths[ '/v1/templates' ][ 'get' ][ 'responses' ][ 200 ]
>[ 'templates' ][ number ];
