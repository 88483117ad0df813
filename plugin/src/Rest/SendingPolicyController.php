<?php
/**
 * The sending policy (quiet hours and the marketing frequency cap), forwarded to the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * GET|PUT /sending-policy: the bridge owns the policy (it applies it when it sends, for campaigns and automations
 * alike); these routes pass the admin app's calls on with the site's signature, and the bridge's answers and errors
 * back. The shape is docs/design/automations-contract.md's "Sending policy"; the bridge validates it again.
 */
final class SendingPolicyController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'sending-policy';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$time       = array(
			'type'    => 'string',
			'pattern' => '^([01][0-9]|2[0-3]):[0-5][0-9]$',
		);
		register_rest_route(
			$this->namespace,
			'/sending-policy',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => 'PUT, POST',
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => $permission,
					'args'                => array(
						'quiet_hours'   => array(
							'description'          => __( 'No message is sent between these times, in the recipient’s local time.', 'rondine' ),
							'type'                 => 'object',
							'required'             => true,
							'additionalProperties' => false,
							'properties'           => array(
								'enabled' => array(
									'type'     => 'boolean',
									'required' => true,
								),
								'start'   => $time + array( 'required' => true ),
								'end'     => $time + array( 'required' => true ),
							),
						),
						'frequency_cap' => array(
							'description'          => __( 'At most this many marketing messages per contact in this many days.', 'rondine' ),
							'type'                 => 'object',
							'required'             => true,
							'additionalProperties' => false,
							'properties'           => array(
								'enabled'      => array(
									'type'     => 'boolean',
									'required' => true,
								),
								'max_messages' => array(
									'type'     => 'integer',
									'minimum'  => 1,
									'maximum'  => 50,
									'required' => true,
								),
								'days'         => array(
									'type'     => 'integer',
									'minimum'  => 1,
									'maximum'  => 90,
									'required' => true,
								),
								'when_capped'  => array(
									'type'     => 'string',
									'enum'     => array( 'postpone', 'skip' ),
									'required' => true,
								),
							),
						),
					),
				),
			)
		);
	}

	/**
	 * GET /sending-policy.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		return $this->forward( 'GET', '/v1/sending-policy' );
	}

	/**
	 * PUT /sending-policy.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$quiet = (array) $request['quiet_hours'];
		$cap   = (array) $request['frequency_cap'];
		return $this->forward(
			'PUT',
			'/v1/sending-policy',
			array(
				'quiet_hours'   => array(
					'enabled' => (bool) $quiet['enabled'],
					'start'   => (string) $quiet['start'],
					'end'     => (string) $quiet['end'],
				),
				'frequency_cap' => array(
					'enabled'      => (bool) $cap['enabled'],
					'max_messages' => (int) $cap['max_messages'],
					'days'         => (int) $cap['days'],
					'when_capped'  => (string) $cap['when_capped'],
				),
			)
		);
	}
}
