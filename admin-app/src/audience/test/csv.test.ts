/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import { guessMapping, parseCsv } from '../csv';

describe( 'CSV preview', () => {
	it( 'reads quoted fields, doubled quotes and CRLF', () => {
		expect(
			parseCsv( 'name,phone\r\n"Rossi, Mario","+39 ""347"" 1"\r\n' )
		).toEqual( [
			[ 'name', 'phone' ],
			[ 'Rossi, Mario', '+39 "347" 1' ],
		] );
	} );

	it( 'detects a semicolon separator and skips a BOM', () => {
		expect( parseCsv( '\uFEFFnome;telefono\nAnna;3471234567' ) ).toEqual( [
			[ 'nome', 'telefono' ],
			[ 'Anna', '3471234567' ],
		] );
	} );

	it( 'guesses the mapping from English and Italian headers', () => {
		expect(
			guessMapping( [ 'Nome', 'Cognome', 'Telefono', 'E-mail', 'Note' ] )
		).toEqual( {
			0: 'first_name',
			1: 'last_name',
			2: 'phone',
			3: 'email',
		} );
	} );
} );
