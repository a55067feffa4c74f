import { spawn } from 'node:child_process';
import path from 'node:path';
import { fingerprint } from '../../../src/alerting/state/alert-labels';
import type { Logger } from '../../../src/logging/logger';
import { OutboxReader } from '../../../src/services/notify/outbox-reader';
import { MysqlAlertOutboxStore } from '../../../src/storage/mysql-alert-outbox-store';
import { MysqlAlertStateStore } from '../../../src/storage/mysql-alert-state-store';
import { MysqlNotifyAlertStore } from '../../../src/storage/mysql-notify-alert-store';
import { buildConsumer } from '../../support/consumer-process';
import { eventually } from '../../support/eventually';
import { createStorageFixture, type StorageFixture } from '../storage/storage-fixture';

const silent = { child: () => silent, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

/** The outbox reader SIGKILLed with a batch put but not committed: nothing of it stays, and another reader applies it once. */
describe('outbox reader killed mid-batch (SIGKILL)', () => {
  let fixture: StorageFixture;

  beforeAll(async () => {
    fixture = await createStorageFixture();
  }, 240_000);
  afterAll(() => fixture.close());

  it('commits nothing; the next reader takes the rows and applies each transition once', async () => {
    const experimentId = (await fixture.experiments.insert({ code: 'KILL', name: 'kill' })).id;
    const states = new MysqlAlertStateStore(fixture.db);
    const names = ['K1', 'K2', 'K3'];
    const at = Date.UTC(2026, 11, 3, 12);
    await fixture.db.inTransaction(() =>
      states.appendTransitions(
        1,
        experimentId,
        1,
        names.map((name) => {
          const labels = new Map([['alertname', name]]);
          return { ruleId: 9, fingerprint: fingerprint(labels), labels, from: 'pending' as const, to: 'firing' as const, severity: 'major' as const, value: 1, atMs: at };
        }),
      ),
    );
    const main = await buildConsumer();
    const child = spawn(process.execPath, [path.join(__dirname, 'outbox-kill-child.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        AUTH_LOCAL_KEY: 'test-signing-key-0123456789abcdef0123456789',
        DB_DATABASE: fixture.database.name,
        MYMONIT_OUT: path.dirname(main),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => output, (text) => text.includes('in-batch 3') || child.exitCode !== null, { what: 'the child inside its batch', timeoutMs: 60_000 });
      expect(output).toContain('in-batch 3');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    const outbox = new MysqlAlertOutboxStore(fixture.db);
    const alerts = new MysqlNotifyAlertStore(fixture.db);
    expect(await outbox.pendingCount()).toBe(3);
    expect(await fixture.rows('SELECT fingerprint FROM notify_alerts')).toEqual([]);
    const reader = new OutboxReader(fixture.db, outbox, alerts, silent, { pollMs: 20, batchSize: 10 });
    // MySQL ends the killed session's transaction when it sees the connection gone: until then its rows are skipped.
    let consumed = 0;
    await eventually(async () => (consumed += await reader.drain()), (n) => n === 3, { what: 'the rows taken over' });
    expect(await outbox.pendingCount()).toBe(0);
    const stored = await fixture.rows<{ fingerprint: string; starts_at_ms: number }>('SELECT fingerprint, starts_at_ms FROM notify_alerts ORDER BY fingerprint');
    expect(stored.map((r) => r.fingerprint)).toEqual(names.map((name) => fingerprint(new Map([['alertname', name]]))).sort());
    expect(stored.every((r) => Number(r.starts_at_ms) === at)).toBe(true);
    // Three changes in all: the killed put's numbers were never committed.
    expect(await fixture.rows('SELECT seq FROM notify_alert_seq')).toEqual([{ seq: 3 }]);
  }, 240_000);
});
