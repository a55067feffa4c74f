import type { PeerCertificate } from 'node:tls';

/** What checks report of a server's certificate. */
export interface CertificateFacts {
  readonly subjectCn?: string;
  readonly issuerCn?: string;
  readonly validFromMs: number;
  readonly validToMs: number;
}

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** OpenSSL's ASN1_TIME_print form, as node reports valid_from / valid_to: `Dec  1 19:02:41 2026 GMT`. */
const OPENSSL_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/;

/**
 * The instant an OpenSSL time names, or undefined when the text is not one. Parsed field by field (never
 * Date.parse, which reads what it can) and refused when a field is out of range rather than rolled over.
 */
export function parseOpensslTime(text: string): number | undefined {
  const match = OPENSSL_TIME.exec(text);
  if (!match) return undefined;
  const [, monthName, day, hour, minute, second, year] = match;
  const month = MONTHS.indexOf(monthName ?? '');
  const [d, h, m, s, y] = [day, hour, minute, second, year].map(Number) as [number, number, number, number, number];
  if (month < 0 || h > 23 || m > 59 || s > 59 || d < 1) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999: the year is set on its own, and a day past the month's end is refused.
  const date = new Date(Date.UTC(2000, 0, 1, h, m, s));
  date.setUTCFullYear(y, month, d);
  return date.getUTCMonth() === month && date.getUTCDate() === d ? date.getTime() : undefined;
}

/** The subject's and issuer's common names and the validity of a peer certificate; undefined when none was sent. */
export function certificateFacts(peer: PeerCertificate | undefined): CertificateFacts | undefined {
  if (!peer || typeof peer.valid_to !== 'string') return undefined;
  const validToMs = parseOpensslTime(peer.valid_to);
  const validFromMs = parseOpensslTime(peer.valid_from);
  if (validToMs === undefined || validFromMs === undefined) return undefined;
  const subjectCn = commonName(peer.subject?.CN);
  const issuerCn = commonName(peer.issuer?.CN);
  return { validFromMs, validToMs, ...(subjectCn === undefined ? {} : { subjectCn }), ...(issuerCn === undefined ? {} : { issuerCn }) };
}

/** Days until the certificate expires, fractional, negative once it has. */
export function daysLeft(facts: CertificateFacts, nowMs: number): number {
  return Math.round(((facts.validToMs - nowMs) / DAY_MS) * 1000) / 1000;
}

/** `expires 2027-01-02T00:00:00Z, subject CN=localhost, issuer CN=Test CA`. */
export function describeCertificate(facts: CertificateFacts, nowMs: number): string {
  const expiry = new Date(facts.validToMs).toISOString().replace('.000Z', 'Z');
  return `${facts.validToMs <= nowMs ? 'expired' : 'expires'} ${expiry}, subject CN=${facts.subjectCn ?? '?'}, issuer CN=${facts.issuerCn ?? '?'}`;
}

/** The facts as stored in a result's details. */
export function certificateDetails(facts: CertificateFacts): { [key: string]: string } {
  return {
    subjectCn: facts.subjectCn ?? '',
    issuerCn: facts.issuerCn ?? '',
    validFrom: new Date(facts.validFromMs).toISOString(),
    validTo: new Date(facts.validToMs).toISOString(),
  };
}

/** A common name as the server sent it, printable and short (it is the server's text, not ours). */
function commonName(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  return first.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 64);
}
