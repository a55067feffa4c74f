import net from 'node:net';

/** A check's URL with the host's address in place, and the credentials it carried moved to a header. */
export interface TargetUrl {
  readonly url: URL;
  /** `Basic ...` from the URL's user info, if it had any. */
  readonly authorization?: string;
}

/** The URL of an http check or probe step could not be used: the message never repeats it (it may hold a secret). */
export class TargetUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUrlError';
  }
}

/**
 * Replaces every `{address}` by the host's address (an IPv6 literal in brackets), parses the URL (http or
 * https only), and takes out the user info: fetch-like clients refuse it in the URL, and it must not reach
 * a message or a log.
 */
export function targetUrl(template: string, address: string): TargetUrl {
  const host = net.isIPv6(address) ? `[${address}]` : address;
  let url: URL;
  try {
    url = new URL(template.replaceAll('{address}', host));
  } catch {
    throw new TargetUrlError('the URL is not valid once {address} is replaced');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetUrlError(`the URL's scheme ${url.protocol} is not http or https`);
  if (url.username === '' && url.password === '') return { url };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { url, authorization };
}

/** The request headers: the check's, plus Authorization from the URL's user info unless the check sets one. */
export function requestHeaders(headers: ReadonlyMap<string, string>, authorization: string | undefined): ReadonlyMap<string, string> {
  if (authorization === undefined || [...headers.keys()].some((name) => name.toLowerCase() === 'authorization')) return headers;
  return new Map([...headers, ['Authorization', authorization]]);
}
