<?php
/**
 * GET/POST /settings, PUT /whatsapp, DELETE /settings/connection. The connection and the WhatsApp credentials are
 * for administrators only (Controller::check_admin_permission()).
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Bridge\BridgeError;
use Rondine\Bridge\OwnerMessages;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;
use Rondine\Countries;
use Rondine\Settings;

/**
 * The shop's settings and the bridge connection. The connection code and the WhatsApp credentials are write-only:
 * the site secret stays in the `rondine_bridge` option, the WhatsApp credentials go to the bridge and are never
 * stored in WordPress nor echoed back.
 */
final class SettingsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'settings';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/settings',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'check_permission' ),
				),
				array(
					'methods'             => \WP_REST_Server::EDITABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => array( $this, 'check_update_permission' ),
					'args'                => array(
						'connection_code' => array(
							'description' => __( 'Connection code printed by the bridge when the shop was added.', 'rondine' ),
							'type'        => 'string',
						),
						'default_country' => array(
							'description' => __( 'Country (ISO 3166-1 alpha-2) for phone numbers written without an international prefix.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^([A-Za-z]{2})?$',
						),
						'consent_text'    => array(
							'description' => __( 'Opt-in wording shown at checkout and in My Account; {shop} stands for the shop name.', 'rondine' ),
							'type'        => 'string',
							'maxLength'   => 500,
						),
						'order_messages_to' => array(
							'description' => __( 'Who gets an automation\'s utility messages about their order: consented (only those who agreed to WhatsApp messages) or customers (every customer who gave a phone at checkout).', 'rondine' ),
							'type'        => 'string',
							'enum'        => \Rondine\Settings::ORDER_MESSAGES_TO,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/settings/connection',
			array(
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'disconnect' ),
					'permission_callback' => array( $this, 'check_admin_permission' ),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/whatsapp',
			array(
				array(
					'methods'             => 'PUT',
					'callback'            => array( $this, 'update_whatsapp' ),
					'permission_callback' => array( $this, 'check_admin_permission' ),
					'args'                => array(
						'phone_number_id' => array(
							'description' => __( 'WhatsApp phone number id, from Meta\'s WhatsApp Manager.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^[0-9]{1,30}$',
							'required'    => true,
						),
						'waba_id'         => array(
							'description' => __( 'WhatsApp Business Account id.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^[0-9]{1,30}$',
							'required'    => true,
						),
						'access_token'    => array(
							'type'      => 'string',
							'minLength' => 10,
							'maxLength' => 1000,
							'required'  => true,
						),
						'app_secret'      => array(
							'type'      => 'string',
							'minLength' => 8,
							'maxLength' => 200,
							'required'  => true,
						),
						'verify_token'    => array(
							'description' => __( 'Token Meta sends back when the webhook is set up (optional).', 'rondine' ),
							'type'        => 'string',
							'minLength'   => 8,
							'maxLength'   => 200,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/whatsapp/check',
			array(
				array(
					'methods'             => 'POST',
					'callback'            => array( $this, 'check_whatsapp' ),
					'permission_callback' => array( $this, 'check_admin_permission' ),
					'args'                => array(
						'phone_number_id' => array(
							'description' => __( 'WhatsApp phone number id, from Meta\'s WhatsApp Manager.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^[0-9]{1,30}$',
							'required'    => true,
						),
						'waba_id'         => array(
							'description' => __( 'WhatsApp Business Account id.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^[0-9]{1,30}$',
							'required'    => true,
						),
						'access_token'    => array(
							'type'      => 'string',
							'minLength' => 10,
							'maxLength' => 1000,
							'required'  => true,
						),
					),
				),
			)
		);
	}

	/**
	 * Saving settings: a connection code (where the bridge is) needs an administrator; the shop's own settings
	 * (default country, consent wording) Rondine's capability.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return true|\WP_Error
	 */
	public function check_update_permission( $request ) {
		return null === $request->get_param( 'connection_code' ) ? $this->check_permission() : $this->check_admin_permission();
	}

	/**
	 * Current settings (never the secret).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_item( $request ) {
		return rest_ensure_response( $this->current() );
	}

	/**
	 * Saves settings. A connection code is checked first: a malformed one answers 400 and nothing at all is saved.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$code = $request->get_param( 'connection_code' );
		if ( null !== $code ) {
			try {
				Connection::parse( (string) $code );
			} catch ( \InvalidArgumentException $invalid ) {
				return new \WP_Error( 'rondine_invalid_connection_code', $invalid->getMessage(), array( 'status' => 400 ) );
			}
		}
		$changes = array();
		if ( null !== $request->get_param( 'default_country' ) ) {
			$country = strtoupper( (string) $request->get_param( 'default_country' ) );
			$known = self::country_codes();
			if ( '' !== $country && ( ! preg_match( '/^[A-Z]{2}$/', $country ) || ! in_array( $country, $known, true ) ) ) {
				return new \WP_Error(
					'rondine_invalid_country',
					/* translators: %s: what was sent. */
					sprintf( __( '"%s" is not a country code (two letters, ISO 3166-1, such as IT or DE).', 'rondine' ), $country ),
					array( 'status' => 400 )
				);
			}
			$changes['default_country'] = $country;
		}
		if ( null !== $request->get_param( 'consent_text' ) ) {
			$changes['consent_text'] = sanitize_textarea_field( (string) $request->get_param( 'consent_text' ) );
		}
		if ( null !== $request->get_param( 'order_messages_to' ) ) {
			$changes['order_messages_to'] = (string) $request->get_param( 'order_messages_to' );
		}
		if ( null !== $code ) {
			try {
				Connection::connect( (string) $code );
			} catch ( BridgeError $error ) {
				return new \WP_Error(
					'rondine_connection_failed',
					sprintf(
						/* translators: %s: the bridge's error message. */
						__( 'The bridge did not accept the connection: %s Nothing was changed.', 'rondine' ),
						$error->getMessage()
					),
					array(
						'status'       => $error->status() >= 500 ? 502 : $error->status(),
						'bridge_error' => $error->error_code(),
					)
				);
			}
		}
		if ( $changes ) {
			Settings::update( $changes );
			if ( isset( $changes['default_country'] ) && null === $code ) {
				try {
					Connection::refresh_site();
				} catch ( BridgeError $error ) {
					// The setting is the shop's own; the bridge gets it again on the next connection or change.
					unset( $error );
				}
			}
		}
		return rest_ensure_response( $this->current() );
	}

	/**
	 * Forgets the bridge connection.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function disconnect( $request ) {
		Connection::disconnect();
		return rest_ensure_response( $this->current() );
	}

	/**
	 * Forwards WhatsApp credentials to the bridge (which checks them against the Cloud API). Nothing is stored here,
	 * and the answer never contains them.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_whatsapp( $request ) {
		$body = array(
			'phone_number_id' => (string) $request['phone_number_id'],
			'waba_id'         => (string) $request['waba_id'],
			'access_token'    => trim( (string) $request['access_token'] ),
			'app_secret'      => trim( (string) $request['app_secret'] ),
		);
		if ( null !== $request['verify_token'] ) {
			$body['verify_token'] = trim( (string) $request['verify_token'] );
		}
		try {
			$number = Client::from_connection()->request( 'PUT', '/v1/whatsapp', $body )['body'];
			$status = Client::from_connection()->get( '/v1/status' );
		} catch ( BridgeError $error ) {
			return OwnerMessages::to_wp_error( $error );
		}
		return rest_ensure_response(
			array(
				'saved'  => true,
				'number' => $number,
				'status' => $status,
			)
		);
	}

	/**
	 * Checks WhatsApp credentials with the Cloud API through the bridge, without saving them: the number as Meta
	 * shows it (display number, verified name, quality), or what to do, in the owner's words.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function check_whatsapp( $request ) {
		try {
			$number = Client::from_connection()->request(
				'POST',
				'/v1/whatsapp/check',
				array(
					'phone_number_id' => (string) $request['phone_number_id'],
					'waba_id'         => (string) $request['waba_id'],
					'access_token'    => trim( (string) $request['access_token'] ),
				)
			)['body'];
		} catch ( BridgeError $error ) {
			return OwnerMessages::to_wp_error( $error );
		}
		return rest_ensure_response( $number );
	}

	/**
	 * Settings as the admin app sees them.
	 *
	 * @return array<string,mixed>
	 */
	private function current(): array {
		$connection = Connection::stored();
		$settings   = Settings::all();
		return array(
			'connection'              => array(
				'connected'    => null !== $connection,
				'bridge_url'   => $connection['url'] ?? null,
				'site_id'      => $connection['site'] ?? null,
				'connected_at' => $connection['connected_at'] ?? null,
				// The stored secret cannot be decrypted (the site's salts changed): a new connection code is needed.
				'needs_new_code' => null === $connection && Connection::unreadable(),
			),
			'default_country'         => $settings['default_country'],
			'effective_country'       => Settings::default_country(),
			'consent_text'            => $settings['consent_text'],
			'consent_text_rendered'   => Settings::consent_text(),
			'order_messages_to'       => Settings::order_messages_to(),
			'supported_phone_countries' => \Rondine\Settings::SHOP_COUNTRIES,
			// Every country for the default-country choice: code => name in the user's language (null: unnamed here).
			'countries'               => (object) Countries::all(),
		);
	}

	/**
	 * ISO 3166-1 alpha-2 codes offered: WooCommerce's list, else every country.
	 *
	 * @return string[]
	 */
	private static function country_codes(): array {
		return array_keys( Countries::all() );
	}

	/**
	 * Schema.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-settings',
			'type'       => 'object',
			'properties' => array(
				'connection'                => array(
					'type'       => 'object',
					'properties' => array(
						'connected'    => array( 'type' => 'boolean' ),
						'bridge_url'   => array( 'type' => array( 'string', 'null' ) ),
						'site_id'      => array( 'type' => array( 'string', 'null' ) ),
						'connected_at' => array( 'type' => array( 'string', 'null' ) ),
						'needs_new_code' => array( 'type' => 'boolean' ),
					),
				),
				'default_country'           => array( 'type' => 'string' ),
				'effective_country'         => array( 'type' => 'string' ),
				'consent_text'              => array( 'type' => 'string' ),
				'consent_text_rendered'     => array( 'type' => 'string' ),
				'order_messages_to'         => array(
					'type' => 'string',
					'enum' => \Rondine\Settings::ORDER_MESSAGES_TO,
				),
				'supported_phone_countries' => array(
					'type'  => 'array',
					'items' => array( 'type' => 'string' ),
				),
				'countries'                 => array(
					'type'                 => 'object',
					'additionalProperties' => array( 'type' => array( 'string', 'null' ) ),
				),
			),
		);
	}
}
