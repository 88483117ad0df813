<?php
/**
 * Endpoints only the bridge may call.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Audience;
use Rondine\Automations\ContactActions;
use Rondine\Automations\DateContacts;
use Rondine\Bridge\RequestVerifier;
use Rondine\Consent\Consent;

/**
 * POST /bridge/audience, POST /bridge/opt-outs, POST /bridge/contact-actions and POST /bridge/date-contacts, HMAC-signed by
 * the bridge. Errors answer
 * `{error:{code, message}}` like the bridge's own (docs/ARCHITECTURE.md). The bodies are checked in the callbacks,
 * after the signature, so that an unsigned request always gets 401 whatever it carries.
 */
final class BridgeController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'bridge';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( RequestVerifier::class, 'verify' );
		register_rest_route(
			$this->namespace,
			'/bridge/audience',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'audience' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/bridge/opt-outs',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'opt_outs' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/bridge/contact-actions',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'contact_actions' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/bridge/date-contacts',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'date_contacts' ),
					'permission_callback' => $permission,
				),
			)
		);
		add_filter( 'rest_request_after_callbacks', array( self::class, 'error_shape' ), 10, 3 );
	}

	/**
	 * One page of a campaign's recipients.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function audience( $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) || ! isset( $body['audience'] ) ) {
			return new \WP_Error( 'rondine_invalid_request', 'The body must be JSON {campaign_id, audience, cursor, limit}.', array( 'status' => 400 ) );
		}
		try {
			$audience = Audience::validate( $body['audience'] );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_audience', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		$cursor = $body['cursor'] ?? null;
		if ( null !== $cursor && ! preg_match( '/^\d{0,20}$/', (string) $cursor ) ) {
			return new \WP_Error( 'rondine_invalid_cursor', 'The cursor must be a next_cursor value from a previous page, or null.', array( 'status' => 400 ) );
		}
		$limit = $body['limit'] ?? 500;
		if ( ! is_int( $limit ) || $limit < 1 || $limit > 5000 ) {
			return new \WP_Error( 'rondine_invalid_limit', 'The limit must be an integer from 1 to 5000.', array( 'status' => 400 ) );
		}
		return rest_ensure_response( Audience::page( $audience, null === $cursor || '' === $cursor ? 0 : (int) $cursor, $limit ) );
	}

	/**
	 * Opt-outs (and resumes) reported by the bridge. A resume only undoes a revocation whose last source was a
	 * WhatsApp stop, and never creates a contact (Consent::apply_bridge_events).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function opt_outs( $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) || ! isset( $body['events'] ) || ! is_array( $body['events'] ) || count( $body['events'] ) > 10000 ) {
			return new \WP_Error( 'rondine_invalid_request', 'The body must be JSON {events:[{phone, action, source, at}]} with at most 10000 events.', array( 'status' => 400 ) );
		}
		$events = array_values( array_filter( $body['events'], 'is_array' ) );
		return rest_ensure_response(
			array(
				'applied'  => Consent::apply_bridge_events( $events ),
				'received' => count( $body['events'] ),
			)
		);
	}

	/**
	 * Tag, list and notify steps of the bridge's automation runs (ContactActions), each applied once by its id.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function contact_actions( $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) || ! isset( $body['actions'] ) || ! is_array( $body['actions'] ) || count( $body['actions'] ) > ContactActions::MAX ) {
			return new \WP_Error( 'rondine_invalid_request', 'The body must be JSON {actions:[{id, phone, type, ...}]} with at most 500 actions.', array( 'status' => 400 ) );
		}
		return rest_ensure_response( array( 'applied' => ContactActions::apply_all( array_values( $body['actions'] ) ) ) );
	}

	/**
	 * One page of the contacts whose date matches a date trigger's day (DateContacts).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function date_contacts( $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) ) {
			return new \WP_Error( 'rondine_invalid_request', 'The body must be JSON {automation_id, field, date, cursor, limit}.', array( 'status' => 400 ) );
		}
		$field = $body['field'] ?? null;
		if ( ! in_array( $field, DateContacts::FIELDS, true ) ) {
			return new \WP_Error( 'rondine_invalid_field', 'The field must be one of: ' . implode( ', ', DateContacts::FIELDS ) . '.', array( 'status' => 400 ) );
		}
		$date = $body['date'] ?? null;
		if ( ! is_string( $date ) || ! preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', $date, $m ) || ! checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) ) {
			return new \WP_Error( 'rondine_invalid_date', 'The date must be a real date, YYYY-MM-DD.', array( 'status' => 400 ) );
		}
		$cursor = $body['cursor'] ?? null;
		if ( null !== $cursor && ! preg_match( '/^\d{1,20}$/', (string) $cursor ) ) {
			return new \WP_Error( 'rondine_invalid_cursor', 'The cursor must be a next_cursor value from a previous page, or null.', array( 'status' => 400 ) );
		}
		$limit = $body['limit'] ?? 1000;
		if ( ! is_int( $limit ) || $limit < 1 || $limit > 5000 ) {
			return new \WP_Error( 'rondine_invalid_limit', 'The limit must be an integer from 1 to 5000.', array( 'status' => 400 ) );
		}
		return rest_ensure_response( DateContacts::page( $field, $date, null === $cursor ? 0 : (int) $cursor, $limit ) );
	}

	/**
	 * Errors of the bridge routes (including a refused signature) as `{error:{code,message}}`.
	 *
	 * @param mixed            $response Result of the callbacks or of the permission check.
	 * @param array            $handler  Route handler.
	 * @param \WP_REST_Request $request  Request.
	 * @return mixed
	 */
	public static function error_shape( $response, $handler, $request ) {
		if ( ! is_wp_error( $response ) || 0 !== strpos( (string) $request->get_route(), '/rondine/v1/bridge/' ) ) {
			return $response;
		}
		$data = $response->get_error_data();
		return new \WP_REST_Response(
			array(
				'error' => array(
					'code'    => (string) $response->get_error_code(),
					'message' => $response->get_error_message(),
				),
			),
			is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 500
		);
	}
}
