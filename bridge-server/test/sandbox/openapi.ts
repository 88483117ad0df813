/**
 * Meta's OpenAPI description (test/vectors/meta/whatsapp-openapi-v23.yaml), compiled once for the tests.
 */

/**
 * External dependencies
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/**
 * Internal dependencies
 */
import { OPENAPI_FILE } from '../whatsapp/payloads';

const document = parse( readFileSync( OPENAPI_FILE, 'utf8' ) ) as Record<
	string,
	unknown
>;

/*
 * One known defect of Meta's document is corrected, and only this one: the button `index` pattern `^[2-6, 11-14]$`
 * contradicts its own description ("Position index of the button (0-9)") and its own example ('0').
 */
const index = ( document as any ).components.schemas.TemplateComponent
	.properties.index;
if ( index.pattern !== '^[2-6, 11-14]$' ) {
	throw new Error(
		"Meta's TemplateComponent.index changed: review the correction in openapi.ts."
	);
}
index.pattern = '^[0-9]$';

const ajv = new Ajv2020( {
	strict: false,
	allErrors: true,
	validateFormats: false,
	validateSchema: false,
} );
ajv.addSchema( { ...document, $id: 'meta' } );

const cache = new Map< string, ValidateFunction >();

function pointer( ...parts: string[] ): string {
	return parts
		.map( ( p ) => p.replace( /~/g, '~0' ).replace( /\//g, '~1' ) )
		.join( '/' );
}

function compiled( ref: string ): ValidateFunction {
	let validate = cache.get( ref );
	if ( ! validate ) {
		validate = ajv.compile( { $ref: ref } );
		cache.set( ref, validate );
	}
	return validate;
}

/** A validator for `#/components/schemas/<name>`. */
export function schema( name: string ): ValidateFunction {
	return compiled( `meta#/components/schemas/${ name }` );
}

/** A validator for an operation's JSON response schema. */
export function responseSchema(
	path: string,
	method: string,
	status: string
): ValidateFunction {
	return compiled(
		'meta#/' +
			pointer(
				'paths',
				path,
				method,
				'responses',
				status,
				'content',
				'application/json',
				'schema'
			)
	);
}

/** Errors of the last validation, readable in an assertion message. */
export function explain( validate: ValidateFunction ): string {
	return ajv.errorsText( validate.errors ?? [] );
}
