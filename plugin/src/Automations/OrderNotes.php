<?php
/**
 * What happened to an automation's WhatsApp message about an order, in the order's notes.
 *
 * @package Rondine
 */

namespace Rondine\Automations;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge reports each status of a message sent by a run that an order started (`order_note` contact actions:
 * docs/design/automations-contract.md, "Order events"): sent, delivered, read, failed, each with its time. The order
 * gets one private note per message, written at its first status and rewritten as the others arrive ("WhatsApp
 * “Order shipped”: delivered at 10:42, read at 10:44"), so the order's notes do not fill up with one line per
 * status. Statuses may arrive in any order (Meta does not keep it): the times are kept in the order's meta
 * (`_rondine_whatsapp_messages`, by message) and the note is rebuilt from all of them. Sent is left out once the
 * message is delivered (delivered says it was sent).
 */
final class OrderNotes {

	public const META     = '_rondine_whatsapp_messages';
	public const STATUSES = array( 'sent', 'delivered', 'read', 'failed' );

	/**
	 * Why an order_note action cannot be applied, or null.
	 *
	 * @param array<string,mixed> $action Action.
	 */
	public static function problem( array $action ): ?string {
		if ( ! is_int( $action['order_id'] ?? null ) || $action['order_id'] <= 0 ) {
			return 'order_id';
		}
		if ( ! is_string( $action['message'] ?? null ) || ! preg_match( '/^[0-9]{1,15}:[0-9]{1,4}$/', $action['message'] ) ) {
			return 'message';
		}
		if ( ! in_array( $action['status'] ?? null, self::STATUSES, true ) || ! is_int( $action['at'] ?? null ) || $action['at'] <= 0 ) {
			return 'status';
		}
		return null;
	}

	/**
	 * Records a status on the order's note of that message. An order that no longer exists has nothing to note.
	 *
	 * @param array<string,mixed> $action A valid action (problem() is null).
	 */
	public static function apply( array $action ): void {
		if ( ! function_exists( 'wc_get_order' ) ) {
			return;
		}
		$order = wc_get_order( (int) $action['order_id'] );
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$messages = $order->get_meta( self::META );
		$messages = is_array( $messages ) ? $messages : array();
		$key      = (string) $action['message'];
		$message  = is_array( $messages[ $key ] ?? null ) ? $messages[ $key ] : array();
		$status   = (string) $action['status'];
		$at       = (int) floor( $action['at'] / 1000 );
		// The earliest time of a status is the one that counts (a repeated webhook changes nothing).
		if ( empty( $message[ $status ] ) || $at < (int) $message[ $status ] ) {
			$message[ $status ] = $at;
		}
		if ( 'failed' === $status && is_string( $action['error'] ?? null ) ) {
			$message['error'] = mb_substr( sanitize_text_field( $action['error'] ), 0, 200 );
		}
		$message['name'] = mb_substr( sanitize_text_field( is_string( $action['name'] ?? null ) ? $action['name'] : '' ), 0, 190 );
		$text            = self::text( $message );
		$note            = empty( $message['note_id'] ) ? null : get_comment( (int) $message['note_id'] );
		if ( $note instanceof \WP_Comment && (int) $note->comment_post_ID === $order->get_id() ) {
			wp_update_comment(
				array(
					'comment_ID'      => (int) $note->comment_ID,
					'comment_content' => $text,
				)
			);
		} else {
			$message['note_id'] = $order->add_order_note( $text );
		}
		$messages[ $key ] = $message;
		$order->update_meta_data( self::META, $messages );
		$order->save_meta_data();
	}

	/**
	 * The note of one message, in the shop's language and time.
	 *
	 * @param array<string,mixed> $message Times by status, name, error.
	 */
	public static function text( array $message ): string {
		$switched = function_exists( 'switch_to_locale' ) && switch_to_locale( get_locale() );
		try {
			$format = (string) get_option( 'time_format', 'H:i' );
			$time   = static fn( string $status ) => (string) wp_date( '' !== $format ? $format : 'H:i', (int) $message[ $status ] );
			$parts  = array();
			if ( ! empty( $message['sent'] ) && empty( $message['delivered'] ) && empty( $message['read'] ) ) {
				/* translators: %s: time, e.g. 10:41. */
				$parts[] = sprintf( __( 'sent at %s', 'rondine' ), $time( 'sent' ) );
			}
			if ( ! empty( $message['delivered'] ) ) {
				/* translators: %s: time, e.g. 10:42. */
				$parts[] = sprintf( __( 'delivered at %s', 'rondine' ), $time( 'delivered' ) );
			}
			if ( ! empty( $message['read'] ) ) {
				/* translators: %s: time, e.g. 10:44. */
				$parts[] = sprintf( __( 'read at %s', 'rondine' ), $time( 'read' ) );
			}
			if ( ! empty( $message['failed'] ) && empty( $message['delivered'] ) && empty( $message['read'] ) ) {
				$parts[] = empty( $message['error'] )
					/* translators: %s: time, e.g. 10:42. */
					? sprintf( __( 'not delivered (failed at %s)', 'rondine' ), $time( 'failed' ) )
					/* translators: 1: time, e.g. 10:42, 2: WhatsApp's reason. */
					: sprintf( __( 'not delivered (failed at %1$s: %2$s)', 'rondine' ), $time( 'failed' ), (string) $message['error'] );
			}
			$name = '' !== (string) ( $message['name'] ?? '' ) ? (string) $message['name'] : __( 'automation', 'rondine' );
			/* translators: 1: the automation's name, e.g. "Order shipped", 2: what happened, e.g. "delivered at 10:42, read at 10:44". */
			return sprintf( __( 'WhatsApp “%1$s”: %2$s', 'rondine' ), $name, implode( ', ', $parts ) );
		} finally {
			if ( $switched ) {
				restore_previous_locale();
			}
		}
	}
}
