<?php
/**
 * Working hours of an agent.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Seven days, Sunday first (as JavaScript's Date#getDay), each a list of `{from: "HH:MM", to: "HH:MM"}` ranges in the
 * shop's time zone; `to` may be "24:00". An empty day is a day off. A range cannot cross midnight: write 22:00-24:00
 * on one day and 00:00-02:00 on the next.
 */
final class WorkingHours {

	/**
	 * Checks and normalises hours as sent by the admin app.
	 *
	 * @param mixed $hours Seven lists of ranges.
	 * @return array<int,array<int,array{from:string,to:string}>>|\WP_Error
	 */
	public static function parse( $hours ) {
		if ( ! is_array( $hours ) || 7 !== count( $hours ) ) {
			return new \WP_Error( 'rondine_invalid_hours', __( 'working hours need the seven days of the week.', 'rondine' ) );
		}
		$week = array();
		foreach ( array_values( $hours ) as $ranges ) {
			$day = array();
			foreach ( is_array( $ranges ) ? $ranges : array() as $range ) {
				$from = self::minutes( $range['from'] ?? null );
				$to   = self::minutes( $range['to'] ?? null );
				if ( null === $from || null === $to || $from >= $to ) {
					return new \WP_Error( 'rondine_invalid_hours', __( 'each working-hours range needs a start before its end, as HH:MM (up to 24:00).', 'rondine' ) );
				}
				$day[] = array(
					'from' => self::format( $from ),
					'to'   => self::format( $to ),
				);
			}
			usort(
				$day,
				static function ( $a, $b ) {
					return strcmp( $a['from'], $b['from'] );
				}
			);
			$week[] = $day;
		}
		return $week;
	}

	/**
	 * The widget's form: per day, `[from, to)` in minutes after midnight.
	 *
	 * @param array<int,array<int,array{from:string,to:string}>>|null $hours Stored hours.
	 * @return array<int,array<int,array{0:int,1:int}>>|null
	 */
	public static function to_minutes( ?array $hours ): ?array {
		if ( null === $hours ) {
			return null;
		}
		return array_map(
			static function ( $day ) {
				return array_map(
					static function ( $range ) {
						return array( (int) self::minutes( $range['from'] ), (int) self::minutes( $range['to'] ) );
					},
					$day
				);
			},
			$hours
		);
	}

	/**
	 * Minutes after midnight of "HH:MM", or null.
	 *
	 * @param mixed $time Time.
	 */
	private static function minutes( $time ): ?int {
		if ( ! is_string( $time ) || ! preg_match( '/^([01]\d|2[0-4]):([0-5]\d)$/', $time, $match ) ) {
			return null;
		}
		$minutes = (int) $match[1] * 60 + (int) $match[2];
		return $minutes <= 1440 ? $minutes : null;
	}

	/**
	 * "HH:MM".
	 *
	 * @param int $minutes Minutes after midnight.
	 */
	private static function format( int $minutes ): string {
		return sprintf( '%02d:%02d', intdiv( $minutes, 60 ), $minutes % 60 );
	}
}
