<?php
/**
 * REST API registration.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Registers every controller of `rondine/v1` and serves CSV answers as raw text.
 */
final class Routes {

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_filter( 'rest_pre_serve_request', array( self::class, 'serve_csv' ), 10, 4 );
		add_filter( 'rest_request_before_callbacks', array( self::class, 'authorize_first' ), 10, 3 );
	}

	/**
	 * Controllers of the namespace.
	 *
	 * @return string[]
	 */
	public static function controllers(): array {
		$controllers = array(
			StatusController::class,
			SettingsController::class,
			CampaignsController::class,
			AutomationsController::class,
			TemplatesController::class,
			AudienceController::class,
			SegmentsController::class,
			ListsController::class,
			ContactsController::class,
			TagsController::class,
			BridgeController::class,
			ChatButtonController::class,
			SendingPolicyController::class,
		);
		return $controllers;
	}

	/**
	 * Registers the routes.
	 */
	public static function register_routes(): void {
		foreach ( self::controllers() as $controller ) {
			( new $controller() )->register_routes();
		}
	}

	/**
	 * Checks permission before argument validation on Rondine's routes. WordPress validates arguments first, so a
	 * visitor sending an incomplete request would learn from a 400 what the route expects; here everyone who is not
	 * allowed gets the permission error (403, or 401 for the bridge routes) whatever they send.
	 *
	 * @param mixed            $response Error from argument validation, or null.
	 * @param array            $handler  Route handler.
	 * @param \WP_REST_Request $request  Request.
	 * @return mixed
	 */
	public static function authorize_first( $response, $handler, $request ) {
		if ( ! is_wp_error( $response ) || 0 !== strpos( (string) $request->get_route(), '/rondine/v1/' ) || empty( $handler['permission_callback'] ) ) {
			return $response;
		}
		$permission = call_user_func( $handler['permission_callback'], $request );
		if ( is_wp_error( $permission ) ) {
			return $permission;
		}
		if ( false === $permission || null === $permission ) {
			return new \WP_Error( 'rondine_forbidden', __( 'Sorry, you are not allowed to manage Rondine.', 'rondine' ), array( 'status' => 403 ) );
		}
		return $response;
	}

	/**
	 * Sends a `text/csv` answer of a Rondine route as raw text instead of a JSON string.
	 *
	 * @param bool              $served  Whether the request was already served.
	 * @param \WP_HTTP_Response $result  Result.
	 * @param \WP_REST_Request  $request Request.
	 * @param \WP_REST_Server   $server  Server.
	 */
	public static function serve_csv( $served, $result, $request, $server ): bool {
		if ( $served || ! ( $result instanceof \WP_HTTP_Response ) || 0 !== strpos( (string) $request->get_route(), '/rondine/v1/' ) ) {
			return (bool) $served;
		}
		$headers = $result->get_headers();
		if ( ! isset( $headers['Content-Type'] ) || 0 !== strpos( $headers['Content-Type'], 'text/csv' ) || ! is_string( $result->get_data() ) ) {
			return false;
		}
		$server->send_header( 'Content-Type', $headers['Content-Type'] );
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- CSV download, cells escaped by Csv::row().
		return true;
	}
}
