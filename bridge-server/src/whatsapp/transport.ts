/**
 * What the Cloud API client (src/whatsapp/client.ts) needs from HTTP, and nothing more: one request to the client's
 * origin, answered with a status and a body, or with a failure that says whether the request may have reached the
 * server. Two implementations: the hand-written keep-alive pool (src/whatsapp/http1-pool.ts, the default) and undici's
 * Pool (src/whatsapp/undici-transport.ts), chosen by the bridge setting `RONDINE_CLOUD_TRANSPORT=http1|undici`.
 */

/** The transports a bridge can be told to use; the first is the default. */
export const CLOUD_TRANSPORTS = [ 'http1', 'undici' ] as const;

export type CloudTransportName = ( typeof CLOUD_TRANSPORTS )[ number ];

/**
 * Whether a value names a transport.
 *
 * @param value The setting's value.
 */
export function isCloudTransportName(
	value: unknown
): value is CloudTransportName {
	return ( CLOUD_TRANSPORTS as readonly unknown[] ).includes( value );
}

export interface TransportFailure {
	/** A system error code (`ECONNREFUSED`, `ECONNRESET`...) or the transport's own: `connect_timeout`, `headers_timeout`, `body_timeout`, `socket_closed`, `protocol_error`, `response_too_large`, `closed`... */
	code: string;
	/** Whether any byte of the request may have reached the server: false only when nothing of it left this process. */
	written: boolean;
}

export type TransportAnswer =
	{ status: number; text: string } | { failure: TransportFailure };

export interface TransportOptions {
	/** Connections open at most; requests beyond wait in order for one to be free. */
	connections?: number;
	/** Time to open a connection (TCP, and TLS for `https:`). */
	connectTimeoutMs?: number;
	/** Time from the request written until the response's headers are complete. */
	headersTimeoutMs?: number;
	/** Longest silence while reading a response body. */
	bodyTimeoutMs?: number;
	/** An idle connection is closed after this long (a shorter `Keep-Alive: timeout` from the server may win). */
	keepAliveTimeoutMs?: number;
	/** TLS: certificate authorities to trust instead of Node's default ones (tests). */
	ca?: string | Buffer;
}

/** Requests to one origin. */
export interface Transport {
	/**
	 * One request; never rejects: a failure is an answer.
	 *
	 * @param method  HTTP method.
	 * @param path    Path and query, starting with `/`.
	 * @param headers Header lines, each `name: value\r\n` (built once per token by the client).
	 * @param body    The body, or null for none.
	 */
	request: (
		method: string,
		path: string,
		headers: string,
		body: string | null
	) => Promise< TransportAnswer >;
	/** Close the connections; requests after this fail with `written: false`. */
	close: () => Promise< void >;
}
