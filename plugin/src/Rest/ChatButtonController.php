<?php
/**
 * /chat-button routes.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Widget\Clicks;
use Rondine\Widget\Config;
use Rondine\Widget\Price;
use Rondine\Widget\Settings;

/**
 * The storefront chat button: its settings (GET/PUT), a preview configuration for unsaved settings, click
 * statistics, and the public click beacon the widget calls with navigator.sendBeacon.
 */
final class ChatButtonController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'chat-button';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'check_permission' ),
				),
				array(
					'methods'             => \WP_REST_Server::EDITABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => array( $this, 'check_permission' ),
					'args'                => $this->get_endpoint_args_for_item_schema( \WP_REST_Server::EDITABLE ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/preview',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'preview' ),
					'permission_callback' => array( $this, 'check_permission' ),
					'args'                => $this->get_endpoint_args_for_item_schema( \WP_REST_Server::EDITABLE ),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/stats',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'stats' ),
					'permission_callback' => array( $this, 'check_permission' ),
					'args'                => array(
						'days' => array(
							'description' => __( 'Days back from today, today included.', 'rondine' ),
							'type'        => 'integer',
							'default'     => 30,
							'minimum'     => 1,
							'maximum'     => 366,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/click',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'click' ),
					// Public on purpose: storefront visitors are anonymous. It can only add one to a counter.
					'permission_callback' => '__return_true',
					'args'                => array(
						'agent' => array(
							'description' => __( 'Position of the agent clicked.', 'rondine' ),
							'type'        => 'integer',
							'minimum'     => 0,
							'maximum'     => Settings::MAX_AGENTS - 1,
							'required'    => true,
						),
					),
				),
			)
		);
	}

	/**
	 * The settings.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_item( $request ) {
		return new \WP_REST_Response( Settings::get() );
	}

	/**
	 * Saves changed fields; on any problem nothing is saved and the answer lists every problem.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$saved = Settings::update( $this->changes( $request ) );
		return is_wp_error( $saved ) ? $saved : new \WP_REST_Response( $saved );
	}

	/**
	 * The widget configuration for unsaved settings, for the admin app's live preview: shown at once on any device,
	 * with a sample product priced in the shop's format, and without the click beacon. Settings that are not valid
	 * yet do not fail the request: `problems` (field => message) says what is wrong and the preview uses the saved
	 * value of such a field (or leaves such an agent out).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function preview( $request ) {
		$changes  = $this->changes( $request );
		$settings = Settings::sanitize( array_merge( Settings::get(), $changes, array( 'enabled' => false ) ) );
		$problems = array();
		if ( is_wp_error( $settings ) ) {
			// A form being typed is often incomplete: preview what is valid (the saved value instead of a wrong field,
			// an agent left out until their details are right) and say what is wrong, without a failed request.
			$data     = $settings->get_error_data();
			$problems = is_array( $data ) && isset( $data['errors'] ) ? (array) $data['errors'] : array();
			foreach ( array_keys( $problems ) as $field ) {
				if ( preg_match( '/^agents\[(\d+)\]/', (string) $field, $match ) && isset( $changes['agents'] ) && is_array( $changes['agents'] ) ) {
					unset( $changes['agents'][ (int) $match[1] ] );
				} else {
					unset( $changes[ $field ] );
				}
			}
			if ( isset( $changes['agents'] ) && is_array( $changes['agents'] ) ) {
				$changes['agents'] = array_values( $changes['agents'] );
			}
			$settings = Settings::sanitize( array_merge( Settings::get(), $changes, array( 'enabled' => false ) ) );
			if ( is_wp_error( $settings ) ) {
				return $settings;
			}
		}
		$settings['delay']        = 0;
		$settings['scroll']       = 0;
		$settings['device']       = 'all';
		$settings['product_only'] = false;
		$config                   = Config::build(
			$settings,
			array(
				'name'  => __( 'Sample product', 'rondine' ),
				'price' => Price::format( 19.9 ),
				'sku'   => 'SAMPLE-1',
			)
		);
		$config['beacon']         = '';
		return new \WP_REST_Response(
			array(
				'config'   => $config,
				'script'   => Config::asset_url( 'rondine-chat.js' ),
				'problems' => (object) array_map( 'strval', $problems ),
			)
		);
	}

	/**
	 * Click statistics.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function stats( $request ) {
		$summary  = Clicks::summary( (int) $request['days'] );
		$agents   = Settings::get()['agents'];
		$by_agent = array();
		foreach ( $summary['by_agent'] as $index => $clicks ) {
			$by_agent[] = array(
				'agent'  => $index,
				'name'   => $agents[ $index ]['name'] ?? null,
				'clicks' => $clicks,
			);
		}
		$summary['by_agent'] = $by_agent;
		return new \WP_REST_Response( $summary );
	}

	/**
	 * Counts a click (the widget's beacon).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function click( $request ) {
		if ( strlen( (string) $request->get_body() ) > Clicks::MAX_BODY ) {
			return new \WP_Error( 'rondine_click_too_large', __( 'This request is too large.', 'rondine' ), array( 'status' => 413 ) );
		}
		if ( ! Clicks::allow( Clicks::client_ip() ) ) {
			$error = new \WP_Error( 'rondine_click_throttled', __( 'Too many clicks from this address: try again in a minute.', 'rondine' ), array( 'status' => 429 ) );
			return $error;
		}
		$settings = Settings::get();
		$agent    = (int) $request['agent'];
		if ( ! $settings['enabled'] || ! isset( $settings['agents'][ $agent ] ) ) {
			return new \WP_Error( 'rondine_unknown_agent', __( 'There is no such chat agent.', 'rondine' ), array( 'status' => 404 ) );
		}
		if ( ! Clicks::record( $agent ) ) {
			return new \WP_Error( 'rondine_click_not_counted', __( 'The click could not be counted.', 'rondine' ), array( 'status' => 500 ) );
		}
		$response = new \WP_REST_Response( null, 204 );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * The settings fields present in the request.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array<string,mixed>
	 */
	private function changes( \WP_REST_Request $request ): array {
		$changes = array();
		foreach ( array_keys( Settings::defaults() ) as $field ) {
			if ( $request->has_param( $field ) ) {
				$changes[ $field ] = $request->get_param( $field );
			}
		}
		return $changes;
	}

	/**
	 * Schema of the settings.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		if ( $this->schema ) {
			return $this->add_additional_fields_schema( $this->schema );
		}
		$text         = static function ( string $description ): array {
			return array(
				'description' => $description,
				'type'        => 'string',
			);
		};
		$range        = array(
			'type'                 => 'object',
			'properties'           => array(
				'from' => array( 'type' => 'string' ),
				'to'   => array( 'type' => 'string' ),
			),
			'additionalProperties' => false,
		);
		$this->schema = array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-chat-button',
			'type'       => 'object',
			'properties' => array(
				'enabled'          => array(
					'description' => __( 'Whether the button shows on the storefront.', 'rondine' ),
					'type'        => 'boolean',
				),
				'agents'           => array(
					'description' => __( 'The people visitors can write to.', 'rondine' ),
					'type'        => 'array',
					'items'       => array(
						'type'       => 'object',
						'properties' => array(
							'name'  => array( 'type' => 'string' ),
							'phone' => array(
								'description' => __( 'WhatsApp number, international format.', 'rondine' ),
								'type'        => 'string',
							),
							'photo' => array( 'type' => 'string' ),
							'role'  => array( 'type' => 'string' ),
							'hours' => array(
								'description' => __( 'Seven days, Sunday first, of HH:MM ranges in the shop time zone; null for always.', 'rondine' ),
								'type'        => array( 'array', 'null' ),
								'items'       => array(
									'type'  => 'array',
									'items' => $range,
								),
							),
						),
					),
				),
				'title'            => $text( __( 'Title of the chat panel.', 'rondine' ) ),
				'greeting'         => $text( __( 'First message shown in the chat panel.', 'rondine' ) ),
				'cta'              => $text( __( 'Text of the button.', 'rondine' ) ),
				'message'          => $text( __( 'Prefilled message; variables {SITE} {TITLE} {URL} {PRODUCT} {PRICE} {SKU}, {NAME|text when empty}, [optional part left out when a variable in it is empty].', 'rondine' ) ),
				'keyword'          => $text( __( 'Word put before the message.', 'rondine' ) ),
				'position'         => array(
					'type' => 'string',
					'enum' => array( 'right', 'left' ),
				),
				'color'            => $text( __( 'Button colour, #rrggbb.', 'rondine' ) ),
				'delay'            => array(
					'description' => __( 'Seconds before the button appears.', 'rondine' ),
					'type'        => 'integer',
				),
				'scroll'           => array(
					'description' => __( 'Percentage of the page scrolled before the button appears.', 'rondine' ),
					'type'        => 'integer',
				),
				'include_pages'    => $text( __( 'Only these pages (one path per line, * as wildcard); empty for all.', 'rondine' ) ),
				'exclude_pages'    => $text( __( 'Never these pages (one path per line, * as wildcard).', 'rondine' ) ),
				'product_only'     => array( 'type' => 'boolean' ),
				'full_url'         => array(
					'description' => __( 'Whether {URL} keeps the query string and fragment of the page address (they can carry order keys or reset tokens).', 'rondine' ),
					'type'        => 'boolean',
				),
				'device'           => array(
					'type' => 'string',
					'enum' => array( 'all', 'mobile', 'desktop' ),
				),
				'off_hours'        => array(
					'description' => __( 'Outside working hours: show with a note, or hide.', 'rondine' ),
					'type'        => 'string',
					'enum'        => array( 'note', 'hide' ),
				),
				'later_note'       => $text( __( 'Note shown when nobody is working.', 'rondine' ) ),
				'consent_required' => array( 'type' => 'boolean' ),
				'consent_text'     => $text( __( 'What visitors accept before WhatsApp opens.', 'rondine' ) ),
			),
		);
		return $this->add_additional_fields_schema( $this->schema );
	}
}
