<?php
/**
 * Campaigns, forwarded to the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Audience;
use Rondine\Audience\Recipients;
use Rondine\Bridge\BridgeError;
use Rondine\Bridge\Client;
use Rondine\Bridge\Contract;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * The bridge owns campaigns; these routes forward the admin app's calls with the site's signature and pass the
 * bridge's answers and errors on. The plugin chooses campaign ids (uuid v4) and checks the audience refers to lists
 * and segments that exist here before the bridge is asked to save it.
 */
final class CampaignsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'campaigns';

	private const ID = '(?P<id>[0-9a-fA-F-]{36})';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$id_arg     = array(
			'id' => array(
				'description' => __( 'Campaign id (uuid).', 'rondine' ),
				'type'        => 'string',
				'format'      => 'uuid',
				'required'    => true,
			),
		);
		register_rest_route(
			$this->namespace,
			'/campaigns',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => $permission,
					// Passed on to the bridge (GET /v1/campaigns), which validates them again.
					'args'                => array(
						'state'  => array(
							'type' => 'string',
							'enum' => Contract::CAMPAIGN_STATES,
						),
						'limit'  => array(
							'type'    => 'integer',
							'minimum' => 1,
							'maximum' => 200,
						),
						'offset' => array(
							'type'    => 'integer',
							'minimum' => 0,
						),
					),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => $permission,
					'args'                => $this->campaign_args( true ),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/' . self::ID,
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => 'PUT, PATCH',
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => $permission,
					'args'                => $this->campaign_args( false ),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/' . self::ID . '/(?P<action>schedule|pause|resume|cancel|retry-failed)',
			array(
				'args' => $id_arg + array(
					'action' => array(
						'type'     => 'string',
						'enum'     => array( 'schedule', 'pause', 'resume', 'cancel', 'retry-failed' ),
						'required' => true,
					),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'lifecycle' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/forecast',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'forecast' ),
					'permission_callback' => $permission,
					'args'                => array(
						'audience' => array(
							'type'       => 'object',
							'properties' => self::audience_properties(),
						),
						'start_at' => array(
							'type'   => array( 'string', 'null' ),
							'format' => 'date-time',
						),
						'taken'    => array(
							'type'    => 'integer',
							'minimum' => 0,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/test-message',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'test_message' ),
					'permission_callback' => $permission,
					'args'                => array(
						'to'        => array(
							'type'     => 'string',
							'required' => true,
						),
						'template'  => self::template_arg( true ),
						'variables' => array(
							'type'                 => 'object',
							'additionalProperties' => array( 'type' => array( 'string', 'number', 'boolean', 'null' ) ),
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/' . self::ID . '/duplicate',
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'duplicate' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/' . self::ID . '/stats',
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'stats' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/campaigns/' . self::ID . '/recipients',
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'recipients' ),
					'permission_callback' => $permission,
					// Filters and paging passed on to the bridge (GET /v1/campaigns/{id}/recipients).
					'args'                => array(
						'format'         => array(
							'description' => __( 'json (default) or csv.', 'rondine' ),
							'type'        => 'string',
							'enum'        => array( 'json', 'csv' ),
						),
						'state'          => array(
							'type' => 'string',
							'enum' => Contract::RECIPIENT_STATES,
						),
						'message_status' => array(
							'type' => 'string',
							'enum' => array_merge( Contract::MESSAGE_STATUSES, array( 'none' ) ),
						),
						'error'          => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => 64,
							'pattern'   => '^[a-z0-9_]+$',
						),
						'interacted'     => array( 'type' => 'boolean' ),
						'after'          => array(
							'type'    => 'integer',
							'minimum' => 0,
						),
						'limit'          => array(
							'type'    => 'integer',
							'minimum' => 1,
							'maximum' => 5000,
						),
					),
				),
			)
		);
	}

	/**
	 * Campaign fields the plugin checks (types, enums and bounds of the bridge's campaignInputSchema); the bridge
	 * validates the whole body again.
	 *
	 * @param bool $create Whether this is a creation.
	 * @return array<string,mixed>
	 */
	private function campaign_args( bool $create ): array {
		return array(
			'name'          => array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => 190,
				'required'  => $create,
			),
			// Not required here: the bridge answers which required member is missing, after the audience is checked.
			'audience'      => array(
				'type'       => 'object',
				'properties' => self::audience_properties(),
			),
			'template'      => self::template_arg( false ),
			// Instead of a template: the automation the campaign launches (the bridge checks it is active and started by
			// campaigns, and that the campaign gives one or the other).
			'automation_id' => array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => 64,
				'pattern'   => '^[A-Za-z0-9_-]+$',
			),
			'start_at'      => array(
				'type'   => array( 'string', 'null' ),
				'format' => 'date-time',
			),
			'options'       => array(
				'type'       => 'object',
				'properties' => array(
					'continue_when_limited' => array( 'type' => 'boolean' ),
				),
			),
		);
	}

	/**
	 * The audience reference the plugin understands: its segments and lists (ids).
	 *
	 * @return array<string,mixed>
	 */
	private static function audience_properties(): array {
		return array(
			'segments' => array(
				'type'  => 'array',
				'items' => array( 'type' => 'integer' ),
			),
			'lists'    => array(
				'type'  => 'array',
				'items' => array( 'type' => 'integer' ),
			),
		);
	}

	/**
	 * A template and its placeholders' mapping (the bridge's templateRefSchema checks every detail).
	 *
	 * @param bool $required Whether the request must carry it.
	 * @return array<string,mixed>
	 */
	private static function template_arg( bool $required ): array {
		return array(
			'type'       => 'object',
			'required'   => $required,
			'properties' => array(
				'name'       => array(
					'type'      => 'string',
					'minLength' => 1,
					'maxLength' => 512,
					'required'  => true,
				),
				'language'   => array(
					'type'      => 'string',
					'minLength' => 2,
					'maxLength' => 20,
					'required'  => true,
				),
				'components' => array(
					'type'     => 'array',
					'maxItems' => 10,
					'items'    => array(
						'type'       => 'object',
						'properties' => array(
							'type'       => array(
								'type'     => 'string',
								'enum'     => array( 'header', 'body', 'button' ),
								'required' => true,
							),
							'parameters' => array(
								'type'     => 'array',
								'maxItems' => 20,
								'required' => true,
								'items'    => array(
									'type'       => 'object',
									'properties' => array(
										'type'  => array(
											'type'     => 'string',
											'enum'     => array( 'text', 'payload', 'image', 'video', 'document' ),
											'required' => true,
										),
										'field' => array( 'type' => 'string' ),
										'text'  => array( 'type' => 'string' ),
									),
								),
							),
						),
					),
				),
			),
		);
	}

	/**
	 * GET /campaigns.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		return $this->forward( 'GET', '/v1/campaigns' . self::query( $request ) );
	}

	/**
	 * POST /campaigns: new id, then PUT on the bridge.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		$body = $this->body( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$id       = wp_generate_uuid4();
		$response = $this->forward( 'PUT', '/v1/campaigns/' . $id, $body );
		if ( $response instanceof \WP_REST_Response && $response->get_status() < 300 ) {
			$response->set_status( 201 );
		}
		return $response;
	}

	/**
	 * GET /campaigns/{id}.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		return $this->forward( 'GET', '/v1/campaigns/' . strtolower( $request['id'] ) );
	}

	/**
	 * PUT /campaigns/{id}.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$body = $this->body( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		return $this->forward( 'PUT', '/v1/campaigns/' . strtolower( $request['id'] ), $body );
	}

	/**
	 * DELETE /campaigns/{id}.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		return $this->forward( 'DELETE', '/v1/campaigns/' . strtolower( $request['id'] ) );
	}

	/**
	 * POST /campaigns/{id}/{action}.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function lifecycle( $request ) {
		$body   = $request->get_json_params();
		$body   = is_array( $body ) && $body ? $body : null;
		$action = (string) $request['action'];
		if ( 'retry-failed' === $action ) {
			// The plugin chooses campaign ids, the retry's too; the bridge numbers the retry in the site's language.
			$body = array(
				'id'          => wp_generate_uuid4(),
				/* translators: 1: the first campaign's name, 2: retry number (1, 2, ...). */
				'name_format' => __( '%1$s (retry %2$d)', 'rondine' ),
			) + array_intersect_key( (array) $body, array( 'name' => true ) );
		}
		return $this->forward( 'POST', '/v1/campaigns/' . strtolower( $request['id'] ) . '/' . $action, $body );
	}

	/**
	 * POST /campaigns/forecast: the daily limit's effect on an audience at a start time, computed by the bridge with
	 * the dispatcher's rules; the plugin sends the audience's phones (the bridge knows which were reached in the window).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function forecast( $request ) {
		$params = $request->get_json_params();
		try {
			$audience = Audience::validate( is_array( $params['audience'] ?? null ) ? array_intersect_key( $params['audience'], array_flip( array( 'segments', 'lists' ) ) ) : array() );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_audience', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		$phones = array();
		$after  = 0;
		do {
			$page = Audience::page( $audience, $after, 5000 );
			foreach ( $page['recipients'] as $recipient ) {
				$phone = (string) $recipient['phone'];
				if ( preg_match( '/^\+[1-9][0-9]{6,14}$/', $phone ) ) {
					$phones[] = $phone;
				}
				$after = (int) $recipient['contact_id'];
			}
		} while ( null !== $page['next_cursor'] && count( $phones ) < 200000 );
		$body = array(
			'phones' => array_values( array_unique( $phones ) ),
			'taken'  => max( 0, (int) ( $params['taken'] ?? 0 ) ),
		);
		if ( ! empty( $params['start_at'] ) ) {
			$body['start_at'] = (string) $params['start_at'];
		}
		return $this->forward( 'POST', '/v1/forecast', $body );
	}

	/**
	 * POST /campaigns/test-message: the template, filled, sent to one phone (the owner's) through the bridge.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function test_message( $request ) {
		$params = $request->get_json_params();
		$number = Normalizer::normalize( (string) ( $params['to'] ?? '' ), Settings::default_country() );
		$phone  = $number['ok'] ? (string) $number['e164'] : null;
		if ( null === $phone ) {
			return new \WP_Error( 'rondine_invalid_phone', __( 'This is not a phone number WhatsApp can reach. Write it with its country code, e.g. +39 347 123 4567.', 'rondine' ), array( 'status' => 400 ) );
		}
		$template = is_array( $params['template'] ?? null ) ? $params['template'] : array();
		$problem  = MediaRules::problem( $template['components'] ?? null );
		if ( null !== $problem ) {
			return new \WP_Error( 'rondine_invalid_media', $problem, array( 'status' => 400 ) );
		}
		$body = array(
			'to'       => $phone,
			'template' => $template,
		);
		$variables = array();
		foreach ( is_array( $params['variables'] ?? null ) ? $params['variables'] : array() as $key => $value ) {
			if ( is_scalar( $value ) && '' !== (string) $value ) {
				$variables[ (string) $key ] = (string) $value;
			}
		}
		if ( $variables ) {
			$body['variables'] = $variables;
		}
		return $this->forward( 'POST', '/v1/test-message', $body );
	}

	/**
	 * POST /campaigns/{id}/duplicate: a new draft with the same name (marked as a copy), audience and message.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function duplicate( $request ) {
		try {
			$client   = Client::from_connection();
			$original = $client->get( '/v1/campaigns/' . strtolower( $request['id'] ) );
			if ( ! is_array( $original ) ) {
				return new \WP_Error( 'rondine_bridge_error', __( 'The bridge answered without the campaign.', 'rondine' ), array( 'status' => 502 ) );
			}
			$campaign = $original['campaign'] ?? $original;
			// What the bridge accepts for a campaign: a copy is a draft, so no start time.
			$copy = array_intersect_key( $campaign, array_flip( array( 'name', 'audience', 'template', 'options' ) ) );
			// A campaign that launches an automation is copied with the automation (its view carries no template).
			if ( is_array( $campaign['automation'] ?? null ) && isset( $campaign['automation']['id'] ) ) {
				unset( $copy['template'] );
				$copy['automation_id'] = (string) $campaign['automation']['id'];
			}
			if ( empty( $copy['options'] ) ) {
				unset( $copy['options'] ); // `{}` decoded to an empty array would be sent as `[]`.
			}
			/* translators: %s: campaign name. */
			$copy['name'] = sprintf( __( '%s (copy)', 'rondine' ), (string) ( $campaign['name'] ?? '' ) );
			$id           = wp_generate_uuid4();
			$answer       = $client->request( 'PUT', '/v1/campaigns/' . $id, $copy );
		} catch ( BridgeError $error ) {
			return $error->to_wp_error();
		}
		return new \WP_REST_Response( json_decode( $answer['raw'] ), 201 );
	}

	/**
	 * GET /campaigns/{id}/stats.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function stats( $request ) {
		return $this->forward( 'GET', '/v1/campaigns/' . strtolower( $request['id'] ) . '/stats' );
	}

	/**
	 * GET /campaigns/{id}/recipients (JSON, or CSV with format=csv).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function recipients( $request ) {
		$base = '/v1/campaigns/' . strtolower( $request['id'] ) . '/recipients';
		if ( 'csv' !== $request['format'] ) {
			try {
				$answer = Client::from_connection()->request( 'GET', $base . self::query( $request, array( 'format' ) ) );
			} catch ( BridgeError $error ) {
				return $error->to_wp_error();
			}
			$data = json_decode( $answer['raw'], true );
			if ( $answer['status'] >= 300 || ! is_array( $data ) ) {
				return new \WP_REST_Response( json_decode( $answer['raw'] ), $answer['status'] );
			}
			// Each recipient with the contact's name and id, for the owner to know who it is and open the contact.
			$data['recipients'] = Recipients::with_contacts( is_array( $data['recipients'] ?? null ) ? $data['recipients'] : array() );
			return new \WP_REST_Response( $data, $answer['status'] );
		}
		// The CSV is written here, from the bridge's JSON pages, with the names and in the owner's locale.
		$after      = 0;
		$recipients = array();
		for ( $pages = 0; $pages < 100; $pages++ ) {
			$query = self::query( $request, array( 'format', 'limit', 'after' ) );
			$path  = $base . ( '' === $query ? '?' : $query . '&' ) . 'limit=5000&after=' . $after;
			try {
				$answer = Client::from_connection()->request( 'GET', $path );
			} catch ( BridgeError $error ) {
				return $error->to_wp_error();
			}
			$data = json_decode( $answer['raw'], true );
			if ( $answer['status'] >= 300 || ! is_array( $data ) ) {
				return new \WP_REST_Response( json_decode( $answer['raw'] ), $answer['status'] );
			}
			$page       = is_array( $data['recipients'] ?? null ) ? $data['recipients'] : array();
			$recipients = array_merge( $recipients, Recipients::with_contacts( $page ) );
			if ( empty( $data['next_after'] ) || ! $page ) {
				break;
			}
			$after = (int) $data['next_after'];
		}
		return self::csv_response( Recipients::csv( $recipients ), 'campaign-' . strtolower( $request['id'] ) . '-recipients.csv' );
	}

	/**
	 * The JSON body to forward, after checking its audience refers to lists and segments that exist.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array<string,mixed>|\WP_Error
	 */
	private function body( \WP_REST_Request $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) ) {
			return new \WP_Error( 'rondine_invalid_campaign', __( 'Send the campaign as a JSON object.', 'rondine' ), array( 'status' => 400 ) );
		}
		$problem = MediaRules::problem( $body['template']['components'] ?? null );
		if ( null !== $problem ) {
			return new \WP_Error( 'rondine_invalid_media', $problem, array( 'status' => 400 ) );
		}
		if ( isset( $body['audience'] ) ) {
			// Lists and segments must exist here; other keys (e.g. the bridge's own retry reference) pass as they are.
			try {
				$audience = Audience::validate( is_array( $body['audience'] ) ? array_intersect_key( $body['audience'], array_flip( array( 'segments', 'lists' ) ) ) : $body['audience'] );
			} catch ( \InvalidArgumentException $invalid ) {
				return new \WP_Error( 'rondine_invalid_audience', $invalid->getMessage(), array( 'status' => 400 ) );
			}
			if ( isset( $body['audience']['segments'] ) ) {
				$body['audience']['segments'] = $audience['segments'];
			}
			if ( isset( $body['audience']['lists'] ) ) {
				$body['audience']['lists'] = $audience['lists'];
			}
		}
		// PHP decodes `{}` to an empty array, which would reach the bridge as `[]`; these members are JSON objects.
		foreach ( array( 'options', 'audience' ) as $object_member ) {
			if ( isset( $body[ $object_member ] ) && array() === $body[ $object_member ] ) {
				$body[ $object_member ] = new \stdClass();
			}
		}
		return $body;
	}

	/**
	 * The request's query string for the bridge: every parameter except WordPress's own (`_fields`, `_locale`,
	 * `rest_route`, …); the bridge validates them and says what is wrong.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @param string[]         $except  Parameters handled here, not passed on.
	 */
	private static function query( \WP_REST_Request $request, array $except = array() ): string {
		$query = array();
		foreach ( $request->get_query_params() as $key => $value ) {
			if ( '_' === substr( (string) $key, 0, 1 ) || 'rest_route' === $key || in_array( $key, $except, true ) || ! is_scalar( $value ) ) {
				continue;
			}
			$query[ (string) $key ] = is_bool( $value ) ? ( $value ? 'true' : 'false' ) : (string) $value;
		}
		ksort( $query );
		return $query ? '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) : '';
	}
}
