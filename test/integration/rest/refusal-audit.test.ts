import mysql from 'mysql2/promise';
import { TYPES } from '../../../src/identifiers';
import type { RestListener } from '../../../src/rest/rest-listener';
import { call, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * Anonymous requests cannot fill the audit table: past AUTH_FAILURE_AUDIT_BURST refusals per source and
 * window, 401s are counted and summarised in one row, over real HTTP and MariaDB.
 */
describe('auditing of refused authentications', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    // A window far longer than the test: only the shutdown ends it, so no timing is involved.
    p = await startPlatform({ env: { AUTH_FAILURE_AUDIT_BURST: '3', AUTH_FAILURE_AUDIT_WINDOW_SECONDS: '3600' } });
  });
  afterAll(() => p.stop());

  it('writes the first AUTH_FAILURE_AUDIT_BURST 401s of a source one row each, then one summary row for the rest', async () => {
    const REQUESTS = 60;
    for (let i = 0; i < REQUESTS; i++) {
      const response = await call(p.baseUrl, 'GET', '/experiments', { token: `flood-${i}.x.y`, headers: { 'x-request-id': `flood-${i}` } });
      expect(response.status).toBe(401);
    }
    // Stopping the listener ends the window and waits for every audit write.
    await p.container.get<RestListener>(TYPES.RestListener).stop();

    const { host, port, user, password, database } = p.config.db;
    const connection = await mysql.createConnection({ host, port, user, password, database });
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT request_id, detail FROM audit_events WHERE action = 'auth.fail' ORDER BY id",
    );
    await connection.end();
    const events = rows.map((row) => ({ requestId: row.request_id as string | null, detail: JSON.parse(row.detail as string) as Record<string, unknown> }));

    // The single rows are written concurrently with the requests that follow: their ids need not follow the requests.
    const single = events.filter((e) => e.detail.aggregated === undefined);
    const aggregates = events.filter((e) => e.detail.aggregated !== undefined);
    expect(single.map((e) => e.requestId).sort()).toEqual(['flood-0', 'flood-1', 'flood-2']);
    expect(aggregates).toEqual([
      {
        requestId: null,
        detail: expect.objectContaining({ aggregated: REQUESTS - 3, firstRequestId: 'flood-3', windowSeconds: 3600, lastReason: 'token malformed' }),
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('127.0.0.1');
  });
});
