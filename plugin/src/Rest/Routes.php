<?php
/**
 * REST API registration.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

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
	}

	/**
	 * Controllers of the namespace. The widget's controller is added when present.
	 *
	 * @return string[]
	 */
	public static function controllers(): array {
		$controllers = array(
			StatusController::class,
			SettingsController::class,
			CampaignsController::class,
			TemplatesController::class,
			AudienceController::class,
			SegmentsController::class,
			ListsController::class,
			ContactsController::class,
			TagsController::class,
			BridgeController::class,
		);
		if ( class_exists( ChatButtonController::class ) ) {
			$controllers[] = ChatButtonController::class;
		}
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
