/**
 * `url` with a `heartbeat` query parameter of `seconds`, unless it has one: amqplib reads the heartbeat
 * from the URL only (a `heartbeat` socket option is ignored), and without one it takes the server's.
 */
export function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}
