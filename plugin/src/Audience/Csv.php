<?php
/**
 * CSV reading and writing.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Small CSV helpers: read with delimiter detection (comma, semicolon — what Excel writes in Italy, Germany, France
 * and Spain — or tab) and a byte-order mark tolerated; write with cells that a spreadsheet will not run as formulas.
 */
final class Csv {

	/**
	 * Parses CSV text.
	 *
	 * @param string $text     CSV.
	 * @param int    $max_rows Refuse more data rows than this.
	 * @return array{headers:string[],rows:array<int,array<string,string>>}
	 * @throws \InvalidArgumentException When empty, without headers, or too long.
	 */
	public static function parse( string $text, int $max_rows = 100000 ): array {
		$text = preg_replace( '/^\xEF\xBB\xBF/', '', $text );
		if ( ! mb_check_encoding( $text, 'UTF-8' ) ) {
			$text = mb_convert_encoding( $text, 'UTF-8', 'Windows-1252' );
		}
		if ( '' === trim( (string) $text ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The CSV file is empty.', 'rondine' ) );
		}
		$first_line = strtok( (string) $text, "\r\n" );
		$delimiter  = ',';
		$best       = -1;
		foreach ( array( ',', ';', "\t" ) as $candidate ) {
			$n = substr_count( (string) $first_line, $candidate );
			if ( $n > $best ) {
				$best      = $n;
				$delimiter = $candidate;
			}
		}
		// The text is read with fgetcsv(), which needs a stream: php://temp holds it in memory.
		$handle = fopen( 'php://temp', 'r+' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fopen -- php://temp is PHP's in-memory stream, not a file: WP_Filesystem does not apply (fgetcsv() needs a stream).
		fwrite( $handle, (string) $text ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- php://temp is PHP's in-memory stream, not a file: WP_Filesystem does not apply (fgetcsv() needs a stream).
		rewind( $handle );
		$headers = fgetcsv( $handle, 0, $delimiter, '"', '' );
		if ( ! is_array( $headers ) || array( null ) === $headers ) {
			fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
			throw new \InvalidArgumentException( esc_html__( 'The CSV file has no header row.', 'rondine' ) );
		}
		$headers = array_map( static fn( $h ) => trim( (string) $h ), $headers );
		$rows    = array();
		$line    = 1;
		while ( false !== ( $cells = fgetcsv( $handle, 0, $delimiter, '"', '' ) ) ) { // phpcs:ignore Generic.CodeAnalysis.AssignmentInCondition -- the usual fgetcsv() loop.
			++$line;
			if ( array( null ) === $cells ) {
				continue; // Blank line.
			}
			if ( count( $rows ) >= $max_rows ) {
				fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
				/* translators: %d: maximum rows. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'The CSV file has more than %d rows: split it into smaller files.', 'rondine' ), $max_rows ) ) );
			}
			$row = array();
			foreach ( $headers as $i => $header ) {
				$row[ $header ] = trim( (string) ( $cells[ $i ] ?? '' ) );
			}
			$rows[ $line ] = $row;
		}
		fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
		return array(
			'headers' => $headers,
			'rows'    => $rows,
		);
	}

	/**
	 * One CSV line. Cells starting with = + - @ (or tab/CR) are prefixed with a quote so spreadsheets show them as
	 * text (CSV injection); phone numbers in E.164 start with + and are written as they are, which spreadsheets
	 * read as a number or text, never as a formula.
	 *
	 * @param array<int,mixed> $cells Cells.
	 */
	public static function row( array $cells ): string {
		$out = array();
		foreach ( $cells as $cell ) {
			$cell = (string) $cell;
			if ( '' !== $cell && preg_match( '/^[=\-@\t\r]/', $cell ) || ( '' !== $cell && '+' === $cell[0] && ! preg_match( '/^\+\d+$/', $cell ) ) ) {
				$cell = "'" . $cell;
			}
			$out[] = '"' . str_replace( '"', '""', $cell ) . '"';
		}
		return implode( ',', $out ) . "\r\n";
	}
}
