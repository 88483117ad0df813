<?php
/**
 * Automations, forwarded to the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Lists;
use Rondine\Automations\DateContacts;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * The bridge owns automations, their versions and runs (docs/design/automations-contract.md); these routes forward the
 * admin app's calls with the site's signature and pass the bridge's answers and errors (422 `invalid_automation` with
 * its problems, 409 `keyword_taken`) on as they are. The plugin chooses automation ids (uuid v4), checks the shapes it
 * can (types, enums, bounds), cleans the owner's names and keywords, and checks that list steps name lists of this site.
 */
final class AutomationsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'automations';

	private const ID = '(?P<id>[0-9a-fA-F-]{36})';

	/** Automation states (contract: Definition.state). */
	public const STATES = array( 'draft', 'active', 'paused', 'archived' );

	/** Trigger types. */
	public const TRIGGERS = array( 'keyword', 'button', 'event', 'campaign', 'tag', 'list', 'date' );

	/** Step types. */
	public const STEP_TYPES = array( 'send_template', 'send_text', 'delay', 'wait_reply', 'condition', 'tag', 'list', 'opt_out', 'notify', 'end' );

	/** Run states the runs list may be filtered by. */
	public const RUN_STATES = array( 'active', 'completed', 'exited', 'failed' );

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$id_arg     = array(
			'id' => array(
				'description' => __( 'Automation id (uuid).', 'rondine' ),
				'type'        => 'string',
				'format'      => 'uuid',
				'required'    => true,
			),
		);
		register_rest_route(
			$this->namespace,
			'/automations',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => $permission,
					'args'                => $this->automation_args( true ),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/automations/' . self::ID,
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => 'PUT',
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => $permission,
					'args'                => $this->automation_args( true ),
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
			'/automations/' . self::ID . '/state',
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'set_state' ),
					'permission_callback' => $permission,
					'args'                => array(
						'state' => array(
							'type'     => 'string',
							'enum'     => self::STATES,
							'required' => true,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/automations/' . self::ID . '/runs',
			array(
				'args' => $id_arg,
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'runs' ),
					'permission_callback' => $permission,
					// Passed on to the bridge (GET /v1/automations/{id}/runs), which validates them again.
					'args'                => array(
						'phone' => array(
							'type'      => 'string',
							'maxLength' => 32,
						),
						'state' => array(
							'type' => 'string',
							'enum' => self::RUN_STATES,
						),
						'limit' => array(
							'type'    => 'integer',
							'minimum' => 1,
							'maximum' => 500,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/runs',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'phone_runs' ),
					'permission_callback' => $permission,
					'args'                => array(
						'phone' => array(
							'description' => __( 'The contact\'s phone number, with its country code.', 'rondine' ),
							'type'        => 'string',
							'maxLength'   => 32,
							'required'    => true,
						),
					),
				),
			)
		);
	}

	/**
	 * The definition's fields the plugin checks (types, enums and bounds of the contract); the bridge validates the
	 * whole flow again and answers 422 with the problems of each step.
	 *
	 * @param bool $required Whether name, trigger and steps are required.
	 * @return array<string,mixed>
	 */
	private function automation_args( bool $required ): array {
		return array(
			'name'    => array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => 190,
				'required'  => $required,
			),
			'trigger' => array(
				'type'       => 'object',
				'required'   => $required,
				'properties' => array(
					'type'        => array(
						'type'     => 'string',
						'enum'     => self::TRIGGERS,
						'required' => true,
					),
					'keyword'     => array(
						'type'      => 'string',
						'maxLength' => 100,
					),
					'payload'     => array(
						'type'      => 'string',
						'maxLength' => 256,
					),
					'event'       => array(
						'type'      => 'string',
						'maxLength' => 100,
						'pattern'   => '^[a-z0-9_.\-]*$',
					),
					'tag'         => array(
						'type'      => 'string',
						'maxLength' => 100,
					),
					'list_id'     => array(
						'type'    => 'integer',
						'minimum' => 1,
					),
					'field'       => array(
						'type' => 'string',
						'enum' => DateContacts::FIELDS,
					),
					'offset_days' => array(
						'type'    => 'integer',
						'minimum' => -365,
						'maximum' => 3650,
					),
					'time'        => array(
						'type'    => 'string',
						'pattern' => '^([01][0-9]|2[0-3]):[0-5][0-9]$',
					),
				),
			),
			'reentry' => array(
				'type'       => 'object',
				'properties' => array(
					'mode' => array(
						'type'     => 'string',
						'enum'     => array( 'once', 'every_time', 'per_days' ),
						'required' => true,
					),
					'days' => array(
						'type'    => 'integer',
						'minimum' => 1,
						'maximum' => 3650,
					),
				),
			),
			'exit_on' => array(
				'type'     => 'array',
				'maxItems' => 20,
				'items'    => array(
					'type'      => 'string',
					'maxLength' => 100,
					'pattern'   => '^[a-z0-9_.\-]+$',
				),
			),
			'steps'   => array(
				'type'     => 'array',
				'required' => $required,
				'maxItems' => 100,
				'items'    => array(
					'type'       => 'object',
					'properties' => array(
						'id'   => array(
							'type'     => 'string',
							'pattern'  => '^[A-Za-z0-9_\-]{1,40}$',
							'required' => true,
						),
						'type' => array(
							'type'     => 'string',
							'enum'     => self::STEP_TYPES,
							'required' => true,
						),
					),
				),
			),
			'running' => array(
				'description' => __( 'What runs in progress on an older version do when the steps change: finish or stop.', 'rondine' ),
				'type'        => 'string',
				'enum'        => array( 'finish', 'stop' ),
			),
		);
	}

	/**
	 * GET /automations.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		return $this->forward( 'GET', '/v1/automations' );
	}

	/**
	 * POST /automations: a new id, then PUT on the bridge (a new automation is a draft).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		$body = self::body( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$response = $this->forward( 'PUT', '/v1/automations/' . wp_generate_uuid4(), $body );
		if ( $response instanceof \WP_REST_Response && $response->get_status() < 300 ) {
			$response->set_status( 201 );
		}
		return $response;
	}

	/**
	 * GET /automations/{id}: the definition with each step's numbers.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		return $this->forward( 'GET', '/v1/automations/' . strtolower( $request['id'] ) );
	}

	/**
	 * PUT /automations/{id}.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$body = self::body( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		return $this->forward( 'PUT', '/v1/automations/' . strtolower( $request['id'] ), $body );
	}

	/**
	 * DELETE /automations/{id} (the bridge deletes drafts and archived automations only).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		return $this->forward( 'DELETE', '/v1/automations/' . strtolower( $request['id'] ) );
	}

	/**
	 * POST /automations/{id}/state.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function set_state( $request ) {
		return $this->forward( 'POST', '/v1/automations/' . strtolower( $request['id'] ) . '/state', array( 'state' => (string) $request['state'] ) );
	}

	/**
	 * GET /automations/{id}/runs.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function runs( $request ) {
		$query = array();
		if ( null !== $request['phone'] && '' !== (string) $request['phone'] ) {
			$phone = self::phone( (string) $request['phone'] );
			if ( is_wp_error( $phone ) ) {
				return $phone;
			}
			$query['phone'] = $phone;
		}
		if ( null !== $request['state'] ) {
			$query['state'] = (string) $request['state'];
		}
		if ( null !== $request['limit'] ) {
			$query['limit'] = (int) $request['limit'];
		}
		return $this->forward( 'GET', '/v1/automations/' . strtolower( $request['id'] ) . '/runs' . self::query_string( $query ) );
	}

	/**
	 * GET /runs?phone=: a contact's runs across automations.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function phone_runs( $request ) {
		$phone = self::phone( (string) $request['phone'] );
		if ( is_wp_error( $phone ) ) {
			return $phone;
		}
		return $this->forward( 'GET', '/v1/runs' . self::query_string( array( 'phone' => $phone ) ) );
	}

	/**
	 * A phone as the bridge keys runs (E.164).
	 *
	 * @param string $raw What was sent.
	 * @return string|\WP_Error
	 */
	private static function phone( string $raw ) {
		$number = Normalizer::normalize( $raw, Settings::default_country() );
		if ( ! $number['ok'] ) {
			return new \WP_Error( 'rondine_invalid_phone', __( 'This is not a phone number WhatsApp can reach. Write it with its country code, e.g. +39 347 123 4567.', 'rondine' ), array( 'status' => 400 ) );
		}
		return (string) $number['e164'];
	}

	/**
	 * A query string of fixed parameters, sorted.
	 *
	 * @param array<string,string|int> $query Parameters.
	 */
	private static function query_string( array $query ): string {
		ksort( $query );
		return $query ? '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) : '';
	}

	/**
	 * The definition to forward: only the contract's members, decoded as JSON objects (so that `{}` stays an object
	 * for the bridge), with the owner's names and keywords cleaned, templates' media checked as for campaigns, and the
	 * list steps' lists checked to exist on this site.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \stdClass|\WP_Error
	 */
	public static function body( \WP_REST_Request $request ) {
		$decoded = json_decode( $request->get_body() );
		if ( ! $decoded instanceof \stdClass ) {
			return new \WP_Error( 'rondine_invalid_automation', __( 'Send the automation as a JSON object.', 'rondine' ), array( 'status' => 400 ) );
		}
		$body = new \stdClass();
		foreach ( array( 'name', 'trigger', 'reentry', 'exit_on', 'steps', 'running' ) as $member ) {
			if ( property_exists( $decoded, $member ) ) {
				$body->{$member} = $decoded->{$member};
			}
		}
		if ( isset( $body->name ) ) {
			$body->name = sanitize_text_field( (string) $body->name );
			if ( '' === $body->name ) {
				return new \WP_Error( 'rondine_invalid_automation', __( 'Give the automation a name.', 'rondine' ), array( 'status' => 400 ) );
			}
		}
		if ( isset( $body->trigger ) && $body->trigger instanceof \stdClass ) {
			foreach ( array( 'keyword', 'payload', 'event', 'tag' ) as $member ) {
				if ( isset( $body->trigger->{$member} ) ) {
					$body->trigger->{$member} = trim( sanitize_text_field( (string) $body->trigger->{$member} ) );
				}
			}
			$problem = self::trigger_problem( $body->trigger );
			if ( null !== $problem ) {
				return new \WP_Error( 'rondine_invalid_automation', $problem, array( 'status' => 400 ) );
			}
		}
		foreach ( is_array( $body->steps ?? null ) ? $body->steps : array() as $step ) {
			if ( ! $step instanceof \stdClass ) {
				continue;
			}
			$problem = self::step_problem( $step );
			if ( null !== $problem ) {
				return new \WP_Error( 'rondine_invalid_automation', $problem, array( 'status' => 400 ) );
			}
		}
		return $body;
	}

	/**
	 * What the plugin refuses in a trigger (its types and bounds are checked by the route's args).
	 *
	 * @param \stdClass $trigger Trigger, cleaned.
	 */
	private static function trigger_problem( \stdClass $trigger ): ?string {
		switch ( (string) ( $trigger->type ?? '' ) ) {
			case 'keyword':
				return '' === ( $trigger->keyword ?? '' ) ? __( 'Write the keyword that starts the automation.', 'rondine' ) : null;
			case 'tag':
				return '' === sanitize_title( (string) ( $trigger->tag ?? '' ) ) ? __( 'Choose the tag that starts the automation.', 'rondine' ) : null;
			case 'list':
				if ( ! is_int( $trigger->list_id ?? null ) ) {
					return __( 'Choose the list that starts the automation.', 'rondine' );
				}
				/* translators: %d: list id. */
				return null === Lists::find( $trigger->list_id ) ? sprintf( __( 'The list %d does not exist on this site.', 'rondine' ), $trigger->list_id ) : null;
			case 'date':
				if ( ! in_array( $trigger->field ?? null, DateContacts::FIELDS, true ) ) {
					return __( 'Choose the date the automation counts from.', 'rondine' );
				}
				$offset = $trigger->offset_days ?? null;
				$birth  = 'birthday' === $trigger->field;
				if ( ! is_int( $offset ) || ( $birth ? abs( $offset ) > 365 : ( $offset < 0 || $offset > 3650 ) ) ) {
					return $birth
						? __( 'The days before or after the birthday must be a whole number from -365 to 365.', 'rondine' )
						: __( 'The days after the date must be a whole number from 0 to 3650.', 'rondine' );
				}
				return is_string( $trigger->time ?? null ) && preg_match( '/^([01]\d|2[0-3]):[0-5]\d$/', $trigger->time ) ? null : __( 'Choose the time of day it starts at (shop time).', 'rondine' );
		}
		return null;
	}

	/**
	 * What the plugin refuses in a step (the bridge checks the flow), after cleaning its tag names.
	 *
	 * @param \stdClass $step Step, changed in place.
	 */
	private static function step_problem( \stdClass $step ): ?string {
		$type      = (string) ( $step->type ?? '' );
		$templates = array();
		if ( 'send_template' === $type && isset( $step->template ) ) {
			$templates[] = $step->template;
		}
		if ( 'send_text' === $type && isset( $step->when_closed->template ) ) {
			$templates[] = $step->when_closed->template;
		}
		foreach ( $templates as $template ) {
			$components = json_decode( (string) wp_json_encode( $template->components ?? array() ), true );
			$problem    = MediaRules::problem( $components );
			if ( null !== $problem ) {
				return $problem;
			}
		}
		if ( 'tag' === $type ) {
			foreach ( array( 'add', 'remove' ) as $member ) {
				if ( isset( $step->{$member} ) && is_array( $step->{$member} ) ) {
					$step->{$member} = array_values( array_filter( array_map( static fn( $name ) => trim( sanitize_text_field( (string) $name ) ), $step->{$member} ), 'strlen' ) );
				}
			}
		}
		if ( 'list' === $type ) {
			foreach ( array( 'add', 'remove' ) as $member ) {
				foreach ( is_array( $step->{$member} ?? null ) ? $step->{$member} : array() as $list_id ) {
					if ( ! is_int( $list_id ) || null === Lists::find( $list_id ) ) {
						/* translators: %s: list id. */
						return sprintf( __( 'The list %s does not exist on this site.', 'rondine' ), (string) wp_json_encode( $list_id ) );
					}
				}
			}
		}
		return null;
	}
}
