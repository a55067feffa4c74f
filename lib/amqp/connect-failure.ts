/**
 * Tells a failure to connect to RabbitMQ that retrying cannot fix (the broker's certificate is not trusted,
 * the credentials or the virtual host are refused) from one that passes (the broker is down, restarting,
 * unreachable for a while). The SDK's start() and the consumer's start-up fail at once on the first kind,
 * with what to fix; both retry the second. Shared by the SDK and the platform.
 */

/** Node's TLS verification failures (OpenSSL's names) and a plaintext server on an amqps:// port. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The reason a connect failure is permanent, or undefined when it may pass. */
export function permanentConnectFailure(error: unknown): string | undefined {
  // Not `instanceof Error`: errors made by another realm (a vm context, jest's sandbox) are not.
  if (error === null || typeof error !== 'object') return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return `TLS: the broker's certificate is refused (${code}: ${message}); check the CA (NODE_EXTRA_CA_CERTS or the ca option) and the host name`;
  }
  // amqplib puts the server's reply code in the message only: "Handshake terminated by server: 403 (ACCESS-REFUSED) ...".
  if (/\b403 \(ACCESS.REFUSED\)|ACCESS_REFUSED/.test(message)) {
    return `authentication refused by the broker (403 ACCESS_REFUSED): check the user name and password (${message})`;
  }
  // The virtual host does not exist or the user may not use it: the broker answers connection.open with a close.
  if (/Expected ConnectionOpenOk; got <ConnectionClose/.test(message) || /\b530 \(NOT.ALLOWED\)/.test(message)) {
    return `the broker refused the virtual host (530 NOT_ALLOWED): check the vhost in the URL and the user's permissions (${message})`;
  }
  return undefined;
}

/** Thrown (SDK start(), consumer start-up) when connecting failed for a reason retrying cannot fix. */
export class PermanentConnectError extends Error {
  override readonly name = 'PermanentConnectError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`cannot connect to RabbitMQ, not retrying: ${reason}`, options);
  }
}
