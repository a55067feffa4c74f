import { backoffDelay, sleep } from '../../../../lib/amqp/backoff';
import { isUnreachable, brokerAddress } from '../../../../lib/amqp/broker-probe';
import { permanentConnectFailure } from '../../../../lib/amqp/connect-failure';

describe('backoffDelay', () => {
  it('doubles from the first delay, within ±20% jitter, and never passes the cap', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const base = Math.min(30_000, 100 * 2 ** attempt);
      const delay = backoffDelay(attempt, 100, 30_000);
      expect(delay).toBeGreaterThanOrEqual(Math.round(base * 0.8));
      expect(delay).toBeLessThanOrEqual(Math.min(30_000, Math.round(base * 1.2)));
    }
  });
});

describe('sleep', () => {
  it('ends at once, answering false, when shutdown aborts the wait', async () => {
    const controller = new AbortController();
    const waiting = sleep(3_600_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    await expect(sleep(3_600_000, controller.signal)).resolves.toBe(false);
  });

  it('answers true when the time has passed', async () => {
    await expect(sleep(0, new AbortController().signal)).resolves.toBe(true);
  });
});

describe('connect failures', () => {
  it('are permanent for an untrusted certificate, refused credentials or virtual host, and pass otherwise', () => {
    expect(permanentConnectFailure({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed' })).toMatch(/^TLS/);
    expect(permanentConnectFailure({ message: 'Handshake terminated by server: 403 (ACCESS-REFUSED) with message ...' })).toMatch(/authentication refused/);
    expect(permanentConnectFailure({ message: 'Expected ConnectionOpenOk; got <ConnectionClose channel:0>' })).toMatch(/virtual host/);
    expect(permanentConnectFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBeUndefined();
    expect(permanentConnectFailure(null)).toBeUndefined();
  });

  it('are seen as an unreachable broker, worth probing, by their socket error code only', () => {
    expect(isUnreachable({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isUnreachable({ code: 'CERT_REVOKED' })).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
    expect(brokerAddress('amqps://u:p@[::1]/vh')).toEqual({ host: '::1', port: 5671 });
    expect(brokerAddress('amqp://mq.example:5673')).toEqual({ host: 'mq.example', port: 5673 });
  });
});
