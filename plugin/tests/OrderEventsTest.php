<?php
/**
 * WooCommerce's order hooks become automation events, and the statuses of their messages the order's notes.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Automations\ContactActions;
use Rondine\Automations\OrderNotes;
use Rondine\Bridge\Outbox;
use Rondine\Settings;
use Rondine\Tests\Fixtures\BridgeReceiver;

require_once __DIR__ . '/Fixtures/BridgeReceiver.php';

/**
 * With the real WooCommerce: an order moved to a status, a note for the customer and a refund each queue one event in
 * the outbox, keyed so that the hook firing again (or the owner saving the same status again) makes no second event;
 * the event carries the billing phone in E.164, the contact, the order's values for templates and the shop's rule
 * for order messages; and the bridge's order_note actions give the order one private note per message, rewritten as
 * its statuses arrive, each action applied once.
 */
final class OrderEventsTest extends TestCase {

	private const SECRET = 'orders-test-secret-0123456789abcd';

	/**
	 * Receiver.
	 *
	 * @var BridgeReceiver
	 */
	private BridgeReceiver $bridge;

	/**
	 * Connects to the receiver, with an empty outbox and the default settings.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'DELETE FROM ' . Outbox::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the outbox table's name.
		delete_option( Settings::OPTION );
		$this->bridge = ( new BridgeReceiver( 'http://127.0.0.1:9', $this->connect_locally( self::SECRET ), self::SECRET ) )->start();
	}

	/**
	 * Stops the receiver.
	 */
	protected function tearDown(): void {
		$this->bridge->stop();
		parent::tearDown();
	}

	/**
	 * The queued order events, in order.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	private function queued(): array {
		global $wpdb;
		$rows = $wpdb->get_col( $wpdb->prepare( "SELECT payload FROM %i WHERE kind = 'event' ORDER BY id", Outbox::table() ) );
		return array_values( array_filter( array_map( static fn( $p ) => json_decode( (string) $p, true ), $rows ?: array() ), static fn( $e ) => 0 === strpos( $e['id'], 'order:' ) ) );
	}

	/**
	 * An order of a product, paid by cash on delivery, in processing.
	 *
	 * @param string $phone Billing phone as typed.
	 */
	private function order( string $phone = '333 123 4567' ): \WC_Order {
		$order   = $this->wc_order(
			array(
				'billing_first_name' => 'Giulia',
				'billing_last_name'  => 'Rossi',
				'billing_phone'      => $phone,
				'billing_country'    => 'IT',
				'billing_email'      => 'giulia-' . wp_generate_password( 6, false ) . '@example.test',
			)
		);
		$product = new \WC_Product_Simple();
		$product->set_name( 'Tazza' );
		$product->set_regular_price( '21.25' );
		$product->save();
		$order->add_product( $product, 2 );
		$order->calculate_totals();
		$order->set_status( 'processing' );
		$order->save();
		return $order;
	}

	/**
	 * A status change is one event, however often WooCommerce's hook fires for it or the owner saves it again; the
	 * event names the billing phone in E.164, the contact and the order's values, in the shop's language.
	 */
	public function test_a_status_change_is_one_event_with_the_orders_values(): void {
		$order   = $this->order();
		$contact = Contacts::upsert_by_phone( '+393331234567', array( 'first_name' => 'Giulia' ) );
		$order->update_meta_data(
			'_wc_shipment_tracking_items',
			array(
				array(
					'tracking_provider'    => 'gls',
					'tracking_number'      => 'GLS123456',
					'custom_tracking_link' => 'https://gls.example/track/GLS123456',
				),
			)
		);
		$order->save();
		$order->update_status( 'completed' );
		// The hook fired again (another plugin, a second save in the same request) and the owner saved it again.
		do_action( 'woocommerce_order_status_changed', $order->get_id(), 'processing', 'completed', $order );
		$order->update_status( 'completed' );

		$events = array_values( array_filter( $this->queued(), static fn( $e ) => 'order.status.completed' === $e['type'] ) );
		$this->assertCount( 1, $events );
		$event = $events[0];
		$this->assertSame( 'order:' . $order->get_id() . ':status:completed', $event['id'] );
		$this->assertSame( '+393331234567', $event['phone'] );
		$this->assertSame( (string) $contact['id'], $event['contact_id'] );
		$data = $event['data'];
		$this->assertSame( $order->get_id(), $data['order_id'] );
		$this->assertSame( (string) $order->get_order_number(), $data['order_number'] );
		$this->assertGreaterThan( 0, (float) $order->get_total() );
		$this->assertSame( trim( html_entity_decode( wp_strip_all_tags( wc_price( (float) $order->get_total(), array( 'currency' => $order->get_currency() ) ) ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) ), $data['order_total'] );
		$this->assertStringNotContainsString( '<', $data['order_total'] );
		$this->assertStringNotContainsString( '&', $data['order_total'] );
		$this->assertSame( wc_get_order_status_name( 'completed' ), $data['order_status'] );
		$this->assertSame( 'completed', $data['status'] );
		$this->assertSame( 'processing', $data['previous_status'] );
		$this->assertSame( $order->get_view_order_url(), $data['order_url'] );
		$this->assertStringContainsString( 'view-order', $data['order_url'] );
		$this->assertSame( 'GLS123456', $data['tracking'] );
		$this->assertSame( 'https://gls.example/track/GLS123456', $data['tracking_url'] );
		$this->assertSame( 'Giulia', $data['first_name'] );
		$this->assertSame( 'consented', $data['order_messages_to'] );
		$this->assertSame( 'Giulia', $data['contact']['first_name'] );

		// Delivered, then the hook fires once more: the bridge is handed the same id and starts nothing twice.
		$this->assertSame( 0, Outbox::deliver()['pending'] );
		do_action( 'woocommerce_order_status_changed', $order->get_id(), 'processing', 'completed', $order );
		Outbox::deliver();
		$ids = array_map( static fn( $e ) => $e['id'], $this->bridge->events );
		$this->assertSame( array( 'order:' . $order->get_id() . ':status:processing', 'order:' . $order->get_id() . ':status:completed' ), $ids );
	}

	/**
	 * A shop still on the posts table (HPOS off) gets the same events: only WC_Order's API is read.
	 */
	public function test_the_posts_table_gives_the_same_events(): void {
		$posts = static fn() => 'no';
		add_filter( 'pre_option_woocommerce_custom_orders_table_enabled', $posts );
		try {
			$this->assertFalse( \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() );
			$order = $this->order( '+39 333 111 2222' );
			$this->assertSame( 'shop_order', get_post_type( $order->get_id() ), 'stored as a post' );
			$order->update_status( 'completed' );
			$order->update_status( 'completed' );
			$ids = array_map( static fn( $e ) => $e['id'], $this->queued() );
			$this->assertSame( array( 'order:' . $order->get_id() . ':status:processing', 'order:' . $order->get_id() . ':status:completed' ), $ids );
			$this->assertSame( '+393331112222', $this->queued()[1]['phone'] );
			$this->assertSame( (string) $order->get_order_number(), $this->queued()[1]['data']['order_number'] );
		} finally {
			remove_filter( 'pre_option_woocommerce_custom_orders_table_enabled', $posts );
		}
	}

	/**
	 * On-hold, cancelled, failed and a custom status are events of their own; an order without a valid phone is none.
	 */
	public function test_every_status_is_an_event_and_an_order_without_a_phone_is_none(): void {
		$register = static function ( $statuses ) {
			$statuses['wc-shipped'] = 'Spedito';
			return $statuses;
		};
		add_filter( 'wc_order_statuses', $register );
		try {
			$order = $this->order( '+39 333 765 4321' );
			foreach ( array( 'on-hold', 'cancelled', 'failed', 'shipped' ) as $status ) {
				$order->update_status( $status );
			}
			$types = array_map( static fn( $e ) => $e['type'], $this->queued() );
			$this->assertSame( array( 'order.status.processing', 'order.status.on-hold', 'order.status.cancelled', 'order.status.failed', 'order.status.shipped' ), $types );
			$this->assertArrayHasKey( 'shipped', \Rondine\Automations\OrderEvents::statuses() );

			$without = $this->order( '12' );
			$without->update_status( 'completed' );
			$this->assertCount( 0, array_filter( $this->queued(), static fn( $e ) => str_starts_with( $e['id'], 'order:' . $without->get_id() . ':' ) ) );
		} finally {
			remove_filter( 'wc_order_statuses', $register );
		}
	}

	/**
	 * A note for the customer is an event keyed by the note; a private note is none.
	 */
	public function test_a_note_for_the_customer_is_an_event_and_a_private_note_is_none(): void {
		$order = $this->order();
		$order->add_order_note( 'Solo per noi' );
		$note = $order->add_order_note( 'Il pacco parte domani', 1 );
		$notes = array_values( array_filter( $this->queued(), static fn( $e ) => 'order.note_added' === $e['type'] ) );
		$this->assertCount( 1, $notes );
		$this->assertSame( 'order:' . $order->get_id() . ':note:' . $note, $notes[0]['id'] );
		$this->assertSame( 'Il pacco parte domani', $notes[0]['data']['note'] );
		$this->assertSame( $note, $notes[0]['data']['note_id'] );
	}

	/**
	 * A refund is an event keyed by the refund, with its amount.
	 */
	public function test_a_refund_is_an_event_keyed_by_the_refund(): void {
		$order  = $this->order();
		$refund = wc_create_refund(
			array(
				'order_id' => $order->get_id(),
				'amount'   => '10.00',
				'reason'   => 'Tazza rotta',
			)
		);
		$this->assertInstanceOf( \WC_Order_Refund::class, $refund );
		$refunds = array_values( array_filter( $this->queued(), static fn( $e ) => 'order.refunded' === $e['type'] ) );
		$this->assertCount( 1, $refunds );
		$this->assertSame( 'order:' . $order->get_id() . ':refund:' . $refund->get_id(), $refunds[0]['id'] );
		$this->assertStringContainsString( '10', $refunds[0]['data']['refund_amount'] );
		$this->assertSame( 'Tazza rotta', $refunds[0]['data']['refund_reason'] );
	}

	/**
	 * The shop's rule for order messages travels with each event; the settings route keeps it and refuses others.
	 */
	public function test_the_shops_rule_for_order_messages_is_set_and_sent_with_the_events(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertSame( 'consented', $this->rest( 'GET', '/rondine/v1/settings' )->get_data()['order_messages_to'] );
		$this->assertSame( 400, $this->rest( 'POST', '/rondine/v1/settings', array( 'order_messages_to' => 'everyone' ) )->get_status() );
		$response = $this->rest( 'POST', '/rondine/v1/settings', array( 'order_messages_to' => 'customers' ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'customers', $response->get_data()['order_messages_to'] );

		$order = $this->order();
		$order->update_status( 'completed' );
		$events = $this->queued();
		$this->assertNotEmpty( $events );
		foreach ( $events as $event ) {
			$this->assertSame( 'customers', $event['data']['order_messages_to'] );
		}
	}

	/**
	 * The bridge's order_note actions make one private note per message, rewritten as statuses arrive in any order;
	 * an action applied before is answered applied and changes nothing.
	 */
	public function test_the_statuses_of_a_message_make_one_order_note_applied_once(): void {
		$order  = $this->order();
		$before = count( wc_get_order_notes( array( 'order_id' => $order->get_id() ) ) );
		$at     = static fn( string $time ) => (int) ( new \DateTimeImmutable( '2026-12-07 ' . $time, wp_timezone() ) )->format( 'U' ) * 1000;
		$action = static fn( string $status, string $time ) => array(
			'id'            => '41:0:note:' . $status,
			'phone'         => '+393331234567',
			'type'          => 'order_note',
			'order_id'      => $order->get_id(),
			'message'       => '41:0',
			'status'        => $status,
			'at'            => $at( $time ),
			'name'          => 'Ordine spedito',
			'automation_id' => 'a1',
			'run_id'        => 41,
		);
		update_option( 'time_format', 'H:i' );
		$this->assertSame( array( '41:0:note:sent' ), ContactActions::apply_all( array( $action( 'sent', '10:41' ) ) ) );
		// Read before delivered (Meta keeps no order), and delivered again.
		$this->assertSame( array( '41:0:note:read', '41:0:note:delivered' ), ContactActions::apply_all( array( $action( 'read', '10:44' ), $action( 'delivered', '10:42' ) ) ) );
		$this->assertSame( array( '41:0:note:delivered' ), ContactActions::apply_all( array( $action( 'delivered', '10:50' ) ) ) );

		$notes = wc_get_order_notes( array( 'order_id' => $order->get_id() ) );
		$this->assertCount( $before + 1, $notes, 'one note for the message' );
		$ours = array_values( array_filter( $notes, static fn( $n ) => str_starts_with( $n->content, 'WhatsApp' ) ) );
		$this->assertCount( 1, $ours );
		$this->assertFalse( $ours[0]->customer_note, 'a private note' );
		$this->assertSame( OrderNotes::text( array( 'name' => 'Ordine spedito', 'sent' => $at( '10:41' ) / 1000, 'delivered' => $at( '10:42' ) / 1000, 'read' => $at( '10:44' ) / 1000 ) ), $ours[0]->content );
		$this->assertSame( 'WhatsApp “Ordine spedito”: delivered at 10:42, read at 10:44', $ours[0]->content );

		// A second message of the order gets its own note; a failure says why.
		$failed = array_merge(
			$action( 'failed', '11:00' ),
			array(
				'id'      => '42:0:note:failed',
				'message' => '42:0',
				'error'   => 'Message undeliverable',
			)
		);
		$this->assertSame( array( '42:0:note:failed' ), ContactActions::apply_all( array( $failed ) ) );
		$contents = array_map( static fn( $n ) => $n->content, wc_get_order_notes( array( 'order_id' => $order->get_id() ) ) );
		$this->assertContains( 'WhatsApp “Ordine spedito”: not delivered (failed at 11:00: Message undeliverable)', $contents );
		// A note for an order that no longer exists is applied as nothing to do; a malformed one is not applied.
		$this->assertSame( array( 'x:1' ), ContactActions::apply_all( array( array_merge( $action( 'read', '10:44' ), array( 'id' => 'x:1', 'order_id' => 999999999 ) ) ) ) );
		$this->assertSame( array(), ContactActions::apply_all( array( array_merge( $action( 'read', '10:44' ), array( 'id' => 'x:2', 'status' => 'seen' ) ) ) ) );
	}
}
