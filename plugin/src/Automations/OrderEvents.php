<?php
/**
 * WooCommerce order events that start automations: status changes, notes for the customer, refunds.
 *
 * @package Rondine
 */

namespace Rondine\Automations;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Bridge\Outbox;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * Turns WooCommerce's own order hooks into automation events, queued in the outbox (`POST /v1/events`) in the request
 * that made the change, whichever storage the shop uses (HPOS or the posts table: only WC_Order's API is read):
 *
 * - `woocommerce_order_status_changed` ($order_id, $from, $to, $order): `order.status.<to>` (`processing`,
 *   `completed`, `on-hold`, `cancelled`, `refunded`, `failed`, … and custom statuses, without `wc-`), id
 *   `order:<id>:status:<to>`: an order reaching a status it had already reached (the hook fired twice, the owner
 *   saving the order again, a status moved back and forth) makes no second run.
 * - `woocommerce_order_note_added` ($note_id, $order), for notes with WooCommerce's `is_customer_note` meta:
 *   `order.note_added`, id `order:<id>:note:<note id>`. WooCommerce's `woocommerce_new_customer_note` fires just
 *   before it, for the same notes, but passes no note id: it could not key the event.
 * - `woocommerce_order_refunded` ($order_id, $refund_id): `order.refunded`, id `order:<id>:refund:<refund id>`.
 *
 * Each event is about the order's billing phone (normalised with the billing country, else the shop's), with the
 * contact that has that phone when there is one, and the order's values for templates (data()). Orders without a
 * valid billing phone make no event. The shop's rule for who gets messages about an order travels with each event
 * (`order_messages_to`), so the bridge applies the rule in force when the order changed.
 */
final class OrderEvents {

	public const STATUS_PREFIX = 'order.status.';
	public const NOTE_ADDED    = 'order.note_added';
	public const REFUNDED      = 'order.refunded';

	/**
	 * Order meta keys read for {TRACKING}, first found wins (docs/design/automations-contract.md, "Order events").
	 * `_wc_shipment_tracking_items`: WooCommerce Shipment Tracking and Advanced Shipment Tracking (a list of
	 * `{tracking_number, tracking_provider | custom_tracking_provider, custom_tracking_link}`); the others hold the
	 * number itself (YITH WooCommerce Order & Shipment Tracking, and plugins that write a plain `_tracking_number`).
	 */
	public const TRACKING_ITEMS_META = '_wc_shipment_tracking_items';
	public const TRACKING_META       = array( 'ywot_tracking_code', '_tracking_number', 'tracking_number' );

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_order_status_changed', array( self::class, 'status_changed' ), 10, 4 );
		add_action( 'woocommerce_order_note_added', array( self::class, 'note_added' ), 10, 2 );
		add_action( 'woocommerce_order_refunded', array( self::class, 'refunded' ), 10, 2 );
	}

	/**
	 * An order changed status.
	 *
	 * @param int|string $order_id Order id.
	 * @param string     $from     Previous status (without `wc-`).
	 * @param string     $to       New status (without `wc-`).
	 * @param mixed      $order    The order, when WooCommerce passes it.
	 * @return int Events queued.
	 */
	public static function status_changed( $order_id, $from, $to, $order = null ): int {
		$order = $order instanceof \WC_Order ? $order : wc_get_order( (int) $order_id );
		$to    = sanitize_key( (string) $to );
		if ( ! $order instanceof \WC_Order || '' === $to ) {
			return 0;
		}
		return self::queue(
			$order,
			sprintf( 'order:%d:status:%s', $order->get_id(), $to ),
			self::STATUS_PREFIX . $to,
			array( 'previous_status' => sanitize_key( (string) $from ) )
		);
	}

	/**
	 * A note was added to an order: an event when it is a note for the customer.
	 *
	 * @param int   $note_id Comment id of the note.
	 * @param mixed $order   The order.
	 * @return int Events queued.
	 */
	public static function note_added( $note_id, $order ): int {
		$note_id = (int) $note_id;
		if ( ! $order instanceof \WC_Order || $note_id <= 0 || ! get_comment_meta( $note_id, 'is_customer_note', true ) ) {
			return 0;
		}
		$note = get_comment( $note_id );
		return self::queue(
			$order,
			sprintf( 'order:%d:note:%d', $order->get_id(), $note_id ),
			self::NOTE_ADDED,
			array(
				'note_id' => $note_id,
				'note'    => $note instanceof \WP_Comment ? wp_strip_all_tags( $note->comment_content ) : '',
			)
		);
	}

	/**
	 * A refund was made.
	 *
	 * @param int|string $order_id  Order id.
	 * @param int|string $refund_id Refund id.
	 * @return int Events queued.
	 */
	public static function refunded( $order_id, $refund_id ): int {
		$order  = wc_get_order( (int) $order_id );
		$refund = wc_get_order( (int) $refund_id );
		if ( ! $order instanceof \WC_Order || ! $refund instanceof \WC_Order_Refund ) {
			return 0;
		}
		return self::queue(
			$order,
			sprintf( 'order:%d:refund:%d', $order->get_id(), $refund->get_id() ),
			self::REFUNDED,
			array(
				'refund_id'     => $refund->get_id(),
				'refund_amount' => self::money( (float) $refund->get_amount(), $order->get_currency() ),
				'refund_reason' => (string) $refund->get_reason(),
			)
		);
	}

	/**
	 * The order's billing phone in E.164, or null.
	 *
	 * @param \WC_Order $order Order.
	 */
	public static function phone( \WC_Order $order ): ?string {
		$country = strtoupper( (string) $order->get_billing_country() );
		return Normalizer::to_e164( (string) $order->get_billing_phone(), '' !== $country ? $country : Settings::default_country() );
	}

	/**
	 * Queues one event about an order.
	 *
	 * @param \WC_Order           $order Order.
	 * @param string              $id    Idempotency key.
	 * @param string              $type  Event type.
	 * @param array<string,mixed> $extra The event's own data.
	 * @return int Events queued (0: no valid phone, or already queued).
	 */
	private static function queue( \WC_Order $order, string $id, string $type, array $extra ): int {
		$phone = self::phone( $order );
		if ( null === $phone ) {
			return 0;
		}
		$contact = Contacts::find_by_phone( $phone );
		$data    = array_merge( self::data( $order ), $extra );
		if ( null !== $contact ) {
			$data['contact'] = ContactEvents::contact_values( Contacts::with_tags( array( $contact ) )[0] );
		} else {
			$data['contact'] = array(
				'first_name' => (string) $order->get_billing_first_name(),
				'last_name'  => (string) $order->get_billing_last_name(),
				'full_name'  => trim( $order->get_billing_first_name() . ' ' . $order->get_billing_last_name() ),
				'email'      => (string) $order->get_billing_email(),
				'city'       => (string) $order->get_billing_city(),
				'country'    => (string) $order->get_billing_country(),
				'shop_name'  => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
				'consent'    => 'none',
			);
		}
		$event = array(
			'id'    => $id,
			'type'  => $type,
			'phone' => $phone,
			'data'  => $data,
		);
		if ( null !== $contact ) {
			$event['contact_id'] = (string) $contact['id'];
		}
		return Outbox::push_events( array( $event ) );
	}

	/**
	 * The order's values for templates ({ORDER_NUMBER} …), in the shop's language: `order_id`, `order_number`,
	 * `order_total` (with the order's currency, as WooCommerce formats prices), `order_status` (the status's label),
	 * `status` (its slug), `order_url` (the customer's view-order page), `tracking` and `tracking_url` (empty when no
	 * tracking plugin wrote one), `first_name`, `last_name`, and `order_messages_to` (the shop's rule, Settings).
	 *
	 * @param \WC_Order $order Order.
	 * @return array<string,mixed>
	 */
	public static function data( \WC_Order $order ): array {
		// An owner whose profile language is not the shop's changes the order: the customer reads the shop's language.
		$switched = function_exists( 'switch_to_locale' ) && switch_to_locale( get_locale() );
		try {
			$tracking = self::tracking( $order );
			return array(
				'order_id'          => $order->get_id(),
				'order_number'      => (string) $order->get_order_number(),
				'order_total'       => self::money( (float) $order->get_total(), $order->get_currency() ),
				'order_status'      => wc_get_order_status_name( $order->get_status() ),
				'status'            => (string) $order->get_status(),
				'order_url'         => $order->get_view_order_url(),
				'tracking'          => $tracking['number'],
				'tracking_url'      => $tracking['url'],
				'first_name'        => (string) $order->get_billing_first_name(),
				'last_name'         => (string) $order->get_billing_last_name(),
				'order_messages_to' => Settings::order_messages_to(),
			);
		} finally {
			if ( $switched ) {
				restore_previous_locale();
			}
		}
	}

	/**
	 * An amount as WooCommerce shows prices, in plain text (no HTML, no entities).
	 *
	 * @param float  $amount   Amount.
	 * @param string $currency ISO currency.
	 */
	private static function money( float $amount, string $currency ): string {
		$html = wc_price( $amount, array( 'currency' => $currency ) );
		return trim( html_entity_decode( wp_strip_all_tags( $html ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) );
	}

	/**
	 * The shipment's tracking number and link, from the common tracking plugins' order meta (TRACKING_ITEMS_META,
	 * TRACKING_META), or empty strings.
	 *
	 * @param \WC_Order $order Order.
	 * @return array{number:string,url:string}
	 */
	public static function tracking( \WC_Order $order ): array {
		$items = $order->get_meta( self::TRACKING_ITEMS_META );
		if ( is_array( $items ) ) {
			foreach ( array_reverse( $items ) as $item ) {
				if ( is_array( $item ) && '' !== trim( (string) ( $item['tracking_number'] ?? '' ) ) ) {
					// Only put into a message, never fetched: a web address is enough (wp_http_validate_url resolves
					// the host, which says nothing about a carrier's link and fails where DNS does).
					$url = esc_url_raw( (string) ( $item['custom_tracking_link'] ?? '' ), array( 'http', 'https' ) );
					return array(
						'number' => trim( (string) $item['tracking_number'] ),
						'url'    => $url,
					);
				}
			}
		}
		foreach ( self::TRACKING_META as $key ) {
			$number = $order->get_meta( $key );
			if ( is_scalar( $number ) && '' !== trim( (string) $number ) ) {
				return array(
					'number' => trim( (string) $number ),
					'url'    => '',
				);
			}
		}
		return array(
			'number' => '',
			'url'    => '',
		);
	}

	/**
	 * WooCommerce's order statuses (custom ones included) as `slug => label`, slugs without `wc-`: the automation
	 * editor's status select.
	 *
	 * @return array<string,string>
	 */
	public static function statuses(): array {
		if ( ! function_exists( 'wc_get_order_statuses' ) ) {
			return array();
		}
		$out = array();
		foreach ( wc_get_order_statuses() as $slug => $label ) {
			$out[ 0 === strpos( $slug, 'wc-' ) ? substr( $slug, 3 ) : $slug ] = wp_specialchars_decode( (string) $label, ENT_QUOTES );
		}
		return $out;
	}
}
