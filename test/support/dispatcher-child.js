/*
 * A real OS process running the notification Dispatcher of the compiled sources (MYMONIT_OUT: the build's
 * out/src) over the real MySQL stores, for the exactly-once tests that SIGKILL it. What other parts of
 * issue 13 own is stood in for, minimally:
 * - NotifyAlertStore: a table the test writes (test_notify_alerts: one row per change, seq = change order),
 *   on this process's database connection so that it joins the dispatcher's ingest transaction;
 * - NotifyConfigProvider: a constant configuration from FAKE_CONFIG (JSON: timers, webhook URLs);
 * - DeliveryService: a real HTTP POST per notification to the integration's URL (the test's recorder),
 *   retried until the deadline, honouring the abort signal; the body names this process (holder).
 * Plain JavaScript, run by node. Prints "ready <holder>" once started; SIGTERM stops it gracefully.
 */
'use strict';
const path = require('node:path');

const out = process.env.MYMONIT_OUT;
const { buildContainer } = require(path.join(out, 'container.js'));
const { loadConfig } = require(path.join(out, 'config.js'));
const { TYPES } = require(path.join(out, 'identifiers.js'));
const { alertFromJson } = require(path.join(out, 'storage', 'mysql-notify-dispatch-store.js'));

const fake = JSON.parse(process.env.FAKE_CONFIG);

function alertmanagerConfig() {
  const route = {
    id: '{}',
    receiver: 'team',
    groupBy: { all: false, labels: ['alertname'] },
    matchers: [],
    continue: false,
    groupWaitMs: fake.groupWaitMs,
    groupIntervalMs: fake.groupIntervalMs,
    repeatIntervalMs: fake.repeatIntervalMs,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
  };
  const receiver = {
    name: 'team',
    webhook: fake.webhooks.map((url) => ({ sendResolved: true, url, maxAlerts: 0 })),
    email: [],
    amqp: [],
    tickets: [],
  };
  return {
    global: { resolveTimeoutMs: 300_000, smtp: { hello: 'localhost', requireTls: true } },
    route,
    receivers: new Map([['team', receiver]]),
    inhibitRules: [],
    timeIntervals: new Map(),
    templates: [],
    original: '',
  };
}

async function main() {
  const container = buildContainer(loadConfig(process.env));
  const db = container.get(TYPES.Database);
  const config = alertmanagerConfig();
  container.rebindSync(TYPES.NotifyConfigProvider).toConstantValue({ current: () => config, version: () => 1, onChange: () => undefined });
  container.rebindSync(TYPES.NotifyAlertStore).toConstantValue({
    async changedSince(seq, limit) {
      const [rows] = await db.executor().query('SELECT seq, alert FROM test_notify_alerts WHERE seq > ? ORDER BY seq LIMIT ?', [seq, limit]);
      return { alerts: rows.map((row) => alertFromJson(row.alert)), seq: rows.length > 0 ? Number(rows[rows.length - 1].seq) : seq };
    },
    async current(_scope, resolvedSinceMs) {
      const [rows] = await db
        .executor()
        .query('SELECT t.alert FROM test_notify_alerts t WHERE t.seq = (SELECT MAX(seq) FROM test_notify_alerts u WHERE u.fingerprint = t.fingerprint)');
      return rows.map((row) => alertFromJson(row.alert)).filter((alert) => alert.endsAtMs > resolvedSinceMs);
    },
    put: () => Promise.reject(new Error('not used')),
    get: () => Promise.reject(new Error('not used')),
    deleteResolvedBefore: () => Promise.reject(new Error('not used')),
  });
  let holder = '';
  container.rebindSync(TYPES.DeliveryService).toConstantValue({
    async deliver(receiver, notification, deadlineMs, signal) {
      const target = receiver.webhook[0];
      const body = JSON.stringify({
        holder,
        receiver: receiver.name,
        groupKey: notification.groupKey,
        alerts: notification.alerts.map((a) => ({ name: a.labels.get('alertname'), instance: a.labels.get('instance'), status: a.endsAtMs <= notification.nowMs ? 'resolved' : 'firing' })),
      });
      let error = 'deadline passed';
      while (Date.now() < deadlineMs && !signal.aborted) {
        try {
          const response = await fetch(target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, deadlineMs - Date.now()))]),
          });
          await response.arrayBuffer();
          if (response.ok) return { delivered: [{ kind: 'webhook', index: 0 }], failed: [] };
          error = `HTTP ${response.status}`;
        } catch (e) {
          error = String(e);
        }
        // The fake delivery's retry backoff (as DeliveryService backs off), not a wait in a test.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { delivered: [], failed: [{ kind: 'webhook', index: 0, error }] };
    },
  });
  container.bind(TYPES.DispatcherOptions).toConstantValue(fake.options);
  const dispatcher = container.get(TYPES.Dispatcher);
  holder = dispatcher.holder;
  await dispatcher.start();
  // The dispatcher's timers do not hold a process open (in `consume`, the consumer does): this one must.
  const keepAlive = setInterval(() => undefined, 60_000);
  process.stdout.write(`ready ${dispatcher.holder}\n`);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    dispatcher
      .stop()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
