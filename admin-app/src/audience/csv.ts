/**
 * Reads the first rows of a CSV file in the browser, only to offer the
 * column mapping and a preview; the plugin parses the whole file again.
 * Handles quoted fields, doubled quotes, CRLF, and `;` or tab as separator
 * (spreadsheets in Italian and German locales save with `;`).
 */
export function detectSeparator( line: string ): string {
	const counts = [ ',', ';', '\t' ].map( ( separator ) => ( {
		separator,
		count: line.split( separator ).length,
	} ) );
	counts.sort( ( a, b ) => b.count - a.count );
	return counts[ 0 ]!.separator;
}

export function parseCsv( text: string, maxRows = 6 ): string[][] {
	const source = text.replace( /^\uFEFF/, '' );
	const firstLine = source.split( /\r?\n/, 1 )[ 0 ] ?? '';
	const separator = detectSeparator( firstLine );
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for ( let i = 0; i < source.length && rows.length < maxRows; i++ ) {
		const char = source[ i ];
		if ( quoted ) {
			if ( char === '"' && source[ i + 1 ] === '"' ) {
				field += '"';
				i++;
			} else if ( char === '"' ) {
				quoted = false;
			} else {
				field += char;
			}
		} else if ( char === '"' && field === '' ) {
			quoted = true;
		} else if ( char === separator ) {
			row.push( field );
			field = '';
		} else if ( char === '\n' || char === '\r' ) {
			if ( char === '\r' && source[ i + 1 ] === '\n' ) {
				i++;
			}
			row.push( field );
			rows.push( row );
			row = [];
			field = '';
		} else {
			field += char;
		}
	}
	if ( ( field !== '' || row.length ) && rows.length < maxRows ) {
		row.push( field );
		rows.push( row );
	}
	return rows.filter( ( r ) => r.some( ( cell ) => cell.trim() !== '' ) );
}

export const IMPORT_FIELDS = [
	'phone',
	'first_name',
	'last_name',
	'email',
	'country',
	'consent',
	'tags',
	'birthday',
] as const;

/** A first guess of the mapping from the header names, in English and Italian. */
export function guessMapping( header: string[] ): Record< string, string > {
	const synonyms: Record< string, string[] > = {
		phone: [
			'phone',
			'telefono',
			'mobile',
			'cellulare',
			'whatsapp',
			'tel',
			'number',
			'numero',
		],
		first_name: [ 'first_name', 'first name', 'firstname', 'nome', 'name' ],
		last_name: [
			'last_name',
			'last name',
			'lastname',
			'surname',
			'cognome',
		],
		email: [ 'email', 'e-mail', 'mail' ],
		country: [ 'country', 'paese', 'nazione' ],
		consent: [
			'consent',
			'consenso',
			'opt_in',
			'opt-in',
			'optin',
			'marketing',
		],
		tags: [ 'tags', 'tag' ],
		birthday: [
			'birthday',
			'date of birth',
			'birth date',
			'birthdate',
			'compleanno',
			'data di nascita',
			'nascita',
		],
	};
	const mapping: Record< string, string > = {};
	const used = new Set< string >();
	header.forEach( ( column, index ) => {
		const name = column.trim().toLowerCase();
		const field = Object.keys( synonyms ).find(
			( key ) => ! used.has( key ) && synonyms[ key ]!.includes( name )
		);
		if ( field ) {
			mapping[ String( index ) ] = field;
			used.add( field );
		}
	} );
	return mapping;
}
