/**
 * Memory the emulator keeps per recipient phone: sends to N distinct phones straight through the Sandbox (no HTTP)
 * and prints the heap growth per phone. Run by bench/emulator.mjs with --expose-gc.
 *
 * Environment: MEMORY_PHONES (default 1,000,000).
 */

/**
 * Internal dependencies
 */
import { Sandbox } from '../bridge-server/src/sandbox/sandbox.js';

const phones = Number( process.env.MEMORY_PHONES ?? 1_000_000 );
const gc = ( globalThis as { gc?: () => void } ).gc;

function heapMb(): number {
	gc?.();
	return process.memoryUsage().heapUsed / 1024 / 1024;
}

const sandbox = new Sandbox( { statuses: { enabled: false } } );
sandbox.ensureAccount( {
	phoneNumberId: 'sandbox-4b0c5f3e-8a41-4d7e-9a8e-2f1f0f7b9c11',
	wabaId: 'sandbox-waba-4b0c5f3e-8a41-4d7e-9a8e-2f1f0f7b9c11',
	token: 'token',
	appSecret: 'secret',
	throughputMps: 1e9,
} );
const before = heapMb();
const start = performance.now();
for ( let i = 0; i < phones; i++ ) {
	const answer = sandbox.send(
		'v23.0',
		'sandbox-4b0c5f3e-8a41-4d7e-9a8e-2f1f0f7b9c11',
		'token',
		JSON.stringify( {
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: `+39${ 3_200_000_000 + i }`,
			type: 'template',
			template: {
				name: 'hello_world',
				language: { policy: 'deterministic', code: 'en_US' },
			},
			biz_opaque_callback_data: `8f14e45f-ceea-467f-a0e6-2f1e9b8a7c6d:${ i }`,
		} )
	);
	if ( answer.kind !== 'accepted' ) {
		throw new Error( `send ${ i } refused` );
	}
}
const elapsed = performance.now() - start;
const after = heapMb();
process.stdout.write(
	JSON.stringify( {
		phones,
		heapMb: after - before,
		bytesPerPhone: ( ( after - before ) * 1024 * 1024 ) / phones,
		rssMb: process.memoryUsage().rss / 1024 / 1024,
		sendMicroseconds: ( elapsed * 1000 ) / phones,
	} ) + '\n'
);
await sandbox.close();
