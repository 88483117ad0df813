/**
 * The import rules of src/ (scripts/check-layers.mjs, also run by `npm run lint`): no cycle, layers import downwards.
 * The checker is shown to catch a deliberate cycle and a deliberate layer violation, so that its "no problem" on the
 * real source means something.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { checkLayers } from '../../scripts/check-layers.mjs';

const made: string[] = [];

function fixture( files: Record< string, string > ): string {
	const root = fs.mkdtempSync( path.join( os.tmpdir(), 'rondine-layers-' ) );
	made.push( root );
	for ( const [ name, text ] of Object.entries( files ) ) {
		fs.mkdirSync( path.dirname( path.join( root, name ) ), {
			recursive: true,
		} );
		fs.writeFileSync( path.join( root, name ), text );
	}
	return root;
}

afterEach( () => {
	for ( const root of made.splice( 0 ) ) {
		fs.rmSync( root, { recursive: true, force: true } );
	}
} );

describe( 'the import rules of bridge-server/src', () => {
	it( 'hold on the source as it is', () => {
		const { modules, problems } = checkLayers(
			path.resolve( __dirname, '../../src' )
		);
		expect( problems ).toEqual( [] );
		expect( modules ).toBeGreaterThan( 50 );
	} );

	it( 'catch a cycle, type-only imports included', () => {
		const root = fixture( {
			'campaigns/a.ts':
				"import type { B } from './b.js';\nexport type A = B;\n",
			'campaigns/b.ts':
				"import { a } from '../dispatch/c.js';\nexport type B = string;\nexport const b = a;\n",
			'dispatch/c.ts':
				"import type { A } from '../campaigns/a.js';\nexport const a: A | null = null;\n",
		} );
		expect( checkLayers( root ).problems ).toEqual( [
			'cycle: campaigns/a <-> campaigns/b <-> dispatch/c',
		] );
	} );

	it( 'catch a lower layer importing a higher one', () => {
		const root = fixture( {
			'campaigns/service.ts':
				"import { ApiError } from '../http/errors.js';\nexport const e = ApiError;\n",
			'http/errors.ts': 'export class ApiError extends Error {}\n',
			'stats/index.ts':
				"import { e } from '../campaigns/service.js';\nexport const routes = e;\n",
			'clock.ts':
				"import { routes } from './stats/index.js';\nexport const now = routes;\n",
		} );
		expect( checkLayers( root ).problems ).toEqual( [
			'layer: campaigns/service (domain) imports http/errors (http)',
			'layer: clock (foundation) imports stats/index (http)',
		] );
	} );

	it( 'name a module that belongs to no layer', () => {
		const root = fixture( { 'misc/thing.ts': 'export const x = 1;\n' } );
		expect( checkLayers( root ).problems ).toEqual( [
			'misc/thing: in no layer (add its folder to LAYERS in scripts/check-layers.mjs)',
		] );
	} );
} );
