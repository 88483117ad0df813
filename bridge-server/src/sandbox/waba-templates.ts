/**
 * A WABA's message templates as the emulator serves them: listed in Meta's paging shape
 * (`GET /{waba-id}/message_templates`), and their status changed as Meta's review would, with its webhook. The
 * templates each account starts with are in templates.ts.
 */

/**
 * Internal dependencies
 */
import { authorise } from './accounts.js';
import { errors, type MetaErrorAnswer } from './meta-errors.js';
import { SandboxError, type SandboxState } from './state.js';
import { changePayload } from './webhook-sender.js';

/**
 * Change a template's status (as Meta's review or quality system would) and send the status update webhook.
 *
 * @param state    The emulator's state.
 * @param wabaId   The WABA.
 * @param name     Template name.
 * @param language Template language.
 * @param status   The new status (`APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, ...).
 */
export async function setTemplateStatus(
	state: SandboxState,
	wabaId: string,
	name: string,
	language: string,
	status: string
): Promise< void > {
	const template = state.templates
		.get( wabaId )
		?.find( ( t ) => t.name === name && t.language === language );
	if ( ! template ) {
		throw new SandboxError( 'No such template for this WABA.', 404 );
	}
	if ( ! /^[A-Z_]+$/.test( status ) ) {
		throw new SandboxError(
			'status must be an upper-case template status such as PAUSED.'
		);
	}
	template.status = status;
	const account = [ ...state.accounts.values() ].find(
		( a ) => a.wabaId === wabaId
	);
	if ( account ) {
		await state.webhooks.postNow(
			account,
			changePayload( account, 'message_template_status_update', {
				event: status,
				message_template_id: Number( template.id ),
				message_template_name: template.name,
				message_template_language: template.language,
				reason: 'NONE',
				message_template_category: template.category,
			} )
		);
	}
}

/**
 * One page of a WABA's templates, in Meta's paging shape.
 *
 * @param state           The emulator's state.
 * @param wabaId          From the path.
 * @param token           Bearer token, or null.
 * @param limit           Page size.
 * @param after           Cursor from the previous page.
 * @param pageUrl         The URL of this request, to build `paging.next`.
 * @param filter          Meta's filters.
 * @param filter.name     Template name.
 * @param filter.status   Template status.
 * @param filter.language Template language.
 */
export function listTemplates(
	state: SandboxState,
	wabaId: string,
	token: string | null,
	limit: number,
	after: string | null,
	pageUrl: URL,
	filter: { name?: string; status?: string; language?: string } = {}
): { answer: MetaErrorAnswer } | { body: unknown } {
	const auth = authorise( state, wabaId, token, 'GET' );
	if ( ! ( 'bucket' in auth ) ) {
		return { answer: auth };
	}
	const start = after === null ? 0 : decodeCursor( after );
	if ( start === null ) {
		return {
			answer: errors.invalidParameter( 'Invalid after cursor.' ),
		};
	}
	const all = ( state.templates.get( auth.wabaId ) ?? [] ).filter(
		( t ) =>
			( ! filter.name || t.name === filter.name ) &&
			( ! filter.status || t.status === filter.status ) &&
			( ! filter.language || t.language === filter.language )
	);
	const size = Math.min( Math.max( 1, limit || 25 ), 100 );
	const page = all.slice( start, start + size );
	const cursors = {
		before: encodeCursor( start ),
		after: encodeCursor( start + Math.max( 0, page.length - 1 ) + 1 ),
	};
	const paging: Record< string, unknown > = { cursors };
	if ( start + size < all.length ) {
		const next = new URL( pageUrl );
		next.searchParams.set( 'after', cursors.after );
		next.searchParams.set( 'limit', String( size ) );
		paging.next = next.toString();
	}
	return { body: { data: page, paging } };
}

function encodeCursor( offset: number ): string {
	return Buffer.from( `o:${ offset }` ).toString( 'base64url' );
}

function decodeCursor( cursor: string ): number | null {
	const match = Buffer.from( cursor, 'base64url' )
		.toString()
		.match( /^o:(\d+)$/ );
	return match ? Number( match[ 1 ] ) : null;
}
