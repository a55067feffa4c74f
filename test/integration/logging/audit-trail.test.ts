import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TYPES } from '../../../src/identifiers';
import { openApiDocument } from '../../../lib/contract/openapi-document';
import type { TicketSink } from '../../../src/notify/receivers/receiver';
import type { AuditTrail } from '../../../src/services/audit-trail';
import type { Transactor } from '../../../src/storage/stores';
import { clockPast } from '../../support/eventually';
import { call, eventually, type ApiResponse } from '../../support/platform';
import { startLoggedPlatform, type LoggedPlatform } from './logged-platform';

interface AuditJson {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: 'success' | 'failure';
  request_id: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * The audit trail over real MySQL and HTTP: one event per REST mutation, refusal and rejected message,
 * committed with the change, logged only after the commit, readable by an ADMIN through GET /audit, and
 * still readable by pseudonym after the person is erased.
 */
describe('the audit trail', () => {
  let logged: LoggedPlatform;
  let adminToken: string;
  let n = 0;
  let keyDir: string;

  beforeAll(async () => {
    // POST /plugins signs with the core's key, read from PLUGIN_SIGNING_KEY_FILE when the container is built.
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-plugins-'));
    const keyFile = path.join(keyDir, 'plugin-signing.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', keyFile]);
    const before = process.env.PLUGIN_SIGNING_KEY_FILE;
    process.env.PLUGIN_SIGNING_KEY_FILE = keyFile;
    try {
      logged = await startLoggedPlatform({ consume: true, level: 'info' });
    } finally {
      if (before === undefined) delete process.env.PLUGIN_SIGNING_KEY_FILE;
      else process.env.PLUGIN_SIGNING_KEY_FILE = before;
    }
    adminToken = await logged.platform.tokenFor(logged.platform.admin);
  });
  afterAll(async () => {
    await logged.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<ApiResponse & { requestId: string }> => {
    const requestId = `audit-${++n}`;
    return call(logged.platform.baseUrl, method, path, { token: adminToken, ...options, headers: { 'x-request-id': requestId } }).then((r) => ({
      ...r,
      requestId,
    }));
  };
  const audit = async (query: string): Promise<AuditJson[]> => {
    const response = await api('GET', `/audit?limit=1000${query ? `&${query}` : ''}`);
    expect(response.status).toBe(200);
    return response.body.items as AuditJson[];
  };
  const eventOf = async (requestId: string) => (await audit('')).filter((e) => e.request_id === requestId);

  it('records every REST mutation route of openapi.yaml, with the actor and the request id', async () => {
    const scientist = await api('POST', '/users', { body: { user_id: 'S-A1', name: 'Ann Example', username: 'ann-uid', email: 'ann@example.org', role: 'SCIENTIST' } });
    const id = scientist.body.id as number;
    const pseudonym = scientist.body.pseudonym as string;
    const admin = logged.platform.admin.pseudonym;
    await api('POST', '/experiments', { body: { code: 'AUD-1', name: 'Audited' } });
    // A ticket, opened as the ticket integration opens one (audited with no actor and no request).
    const now = Date.now();
    const { ticketId } = await logged.platform.container.get<TicketSink>(TYPES.TicketSink).fromNotification(
      { sendResolved: true, reopenWindowMs: 0, autoResolve: true },
      {
        receiver: 'ops',
        groupKey: '{}:{alertname="Audited"}',
        groupLabels: new Map([['alertname', 'Audited']]),
        alerts: [{ fingerprint: '00000000000000a1', labels: new Map([['alertname', 'Audited']]), annotations: new Map(), startsAtMs: now - 1_000, endsAtMs: now + 300_000, endsAtGiven: false, updatedAtMs: now, generatorURL: '', origin: 'api' }],
        nowMs: now,
        externalURL: '',
        templates: [],
      },
    );
    const ticket = { resource_type: 'ticket', resource_id: String(ticketId) };
    await logged.platform.publish('not json');
    await logged.platform.publish('not json either');
    const rejection = await eventually(
      () => api('GET', '/exceptions'),
      (r) => r.status === 200 && r.body.items.length === 2,
    );

    const model = new Map<string, number>();
    const keep = (name: string, response: ApiResponse & { requestId: string }) => {
      model.set(name, response.body.id as number);
      return response;
    };
    const mutations: Array<[string, string, () => Promise<ApiResponse & { requestId: string }>, Partial<AuditJson>]> = [
      ['post', '/users', async () => api('POST', '/users', { body: { user_id: 'S-A2', name: 'Bo', username: 'bo-uid', email: 'bo@example.org', role: 'SCIENTIST' } }), { action: 'user.create', resource_type: 'user' }],
      ['patch', '/users/{userId}', () => api('PATCH', `/users/${id}`, { body: { name: 'Ann B. Example' } }), { action: 'user.update', resource_id: pseudonym, detail: { fields: 'name' } }],
      ['post', '/experiments', () => api('POST', '/experiments', { body: { code: 'AUD-2', name: 'Two' } }), { action: 'experiment.create', resource_id: 'AUD-2' }],
      ['patch', '/experiments/{code}', () => api('PATCH', '/experiments/AUD-1', { body: { name: 'Renamed' } }), { action: 'experiment.update', resource_id: 'AUD-1' }],
      ['post', '/experiments/{code}/rule-groups', () => api('POST', '/experiments/AUD-1/rule-groups', { body: { name: 'g', rules: [{ alert: 'A', expr: 'up == 0' }] } }), { action: 'rule-group.create', resource_type: 'rule-group', resource_id: 'AUD-1/g', detail: { version: 1, rules: 1 } }],
      ['put', '/experiments/{code}/rule-groups/{name}', () => api('PUT', '/experiments/AUD-1/rule-groups/g', { body: { name: 'g', rules: [] } }), { action: 'rule-group.update', resource_id: 'AUD-1/g', detail: { version: 2, rules: 0 } }],
      ['delete', '/experiments/{code}/rule-groups/{name}', () => api('DELETE', '/experiments/AUD-1/rule-groups/g'), { action: 'rule-group.delete', resource_id: 'AUD-1/g' }],
      ['put', '/experiments/{code}/users/{userId}', () => api('PUT', `/experiments/AUD-1/users/${id}`), { action: 'association.add', detail: { user: pseudonym } }],
      ['delete', '/experiments/{code}/users/{userId}', () => api('DELETE', `/experiments/AUD-1/users/${id}`), { action: 'association.remove', detail: { user: pseudonym } }],
      ['delete', '/experiments/{code}', () => api('DELETE', '/experiments/AUD-2'), { action: 'experiment.delete', resource_id: 'AUD-2' }],
      ['delete', '/exceptions/{exceptionId}', () => api('DELETE', `/exceptions/${rejection.body.items[0].id}`), { action: 'message.discard', resource_type: 'rejected-message' }],
      ['post', '/exceptions/{exceptionId}/replay', () => api('POST', `/exceptions/${rejection.body.items[1].id}/replay`), { action: 'message.replay', resource_type: 'rejected-message', resource_id: String(rejection.body.items[1].id) }],
      ['post', '/tickets/{ticketId}/acknowledge', () => api('POST', `/tickets/${ticketId}/acknowledge`), { action: 'ticket.acknowledge', ...ticket }],
      ['post', '/tickets/{ticketId}/assign', () => api('POST', `/tickets/${ticketId}/assign`, { body: { assignee: logged.platform.admin.id } }), { action: 'ticket.assign', ...ticket }],
      ['post', '/tickets/{ticketId}/comments', () => api('POST', `/tickets/${ticketId}/comments`, { body: { body: 'audited' } }), { action: 'ticket.comment', ...ticket }],
      ['post', '/tickets/{ticketId}/resolve', () => api('POST', `/tickets/${ticketId}/resolve`), { action: 'ticket.resolve', ...ticket }],
      ['post', '/tickets/{ticketId}/close', () => api('POST', `/tickets/${ticketId}/close`), { action: 'ticket.close', ...ticket }],
      // The checks model (issue 14): each mutation audited as <noun>.create|update|delete.
      ['post', '/hosts', async () => keep('host', await api('POST', '/hosts', { body: { experiment: 'AUD-1', name: 'h1', address: '127.0.0.1' } })), { action: 'host.create', resource_type: 'host' }],
      ['put', '/hosts/{hostId}', () => api('PUT', `/hosts/${model.get('host')}`, { body: { experiment: 'AUD-1', name: 'h1', address: '127.0.0.2' } }), { action: 'host.update', resource_type: 'host' }],
      ['post', '/host-groups', async () => keep('group', await api('POST', '/host-groups', { body: { experiment: 'AUD-1', name: 'g1', hosts: [model.get('host')] } })), { action: 'host-group.create', resource_type: 'host-group' }],
      ['put', '/host-groups/{hostGroupId}', () => api('PUT', `/host-groups/${model.get('group')}`, { body: { experiment: 'AUD-1', name: 'g1', hosts: [] } }), { action: 'host-group.update', resource_type: 'host-group' }],
      ['post', '/checks', async () => keep('check', await api('POST', '/checks', { body: { experiment: 'AUD-1', name: 'c1', kind: 'tcp', params: { port: 3306 }, hosts: [model.get('host')] } })), { action: 'check.create', resource_type: 'check' }],
      ['put', '/checks/{checkId}', () => api('PUT', `/checks/${model.get('check')}`, { body: { experiment: 'AUD-1', name: 'c1', kind: 'tcp', params: { port: 3307 }, hosts: [model.get('host')] } }), { action: 'check.update', resource_type: 'check' }],
      ['post', '/schedules', async () => keep('schedule', await api('POST', '/schedules', { body: { experiment: 'AUD-1', name: 's1', max_lateness_ms: 5000, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 3_600_000 }], checks: [model.get('check')] } })), { action: 'schedule.create', resource_type: 'schedule' }],
      ['put', '/schedules/{scheduleId}', () => api('PUT', `/schedules/${model.get('schedule')}`, { body: { experiment: 'AUD-1', name: 's1', max_lateness_ms: 6000, intervals: [{ start: '2026-01-01T00:00:00Z', period_ms: 3_600_000 }], checks: [] } }), { action: 'schedule.update', resource_type: 'schedule' }],
      ['post', '/services', async () => keep('service', await api('POST', '/services', { body: { experiment: 'AUD-1', name: 'svc', dependencies: [model.get('host')] } })), { action: 'service.create', resource_type: 'service' }],
      ['put', '/services/{serviceId}', () => api('PUT', `/services/${model.get('service')}`, { body: { experiment: 'AUD-1', name: 'svc', dependencies: [] } }), { action: 'service.update', resource_type: 'service' }],
      ['delete', '/services/{serviceId}', () => api('DELETE', `/services/${model.get('service')}`), { action: 'service.delete', resource_type: 'service' }],
      ['delete', '/schedules/{scheduleId}', () => api('DELETE', `/schedules/${model.get('schedule')}`), { action: 'schedule.delete', resource_type: 'schedule' }],
      ['delete', '/checks/{checkId}', () => api('DELETE', `/checks/${model.get('check')}`), { action: 'check.delete', resource_type: 'check' }],
      ['delete', '/host-groups/{hostGroupId}', () => api('DELETE', `/host-groups/${model.get('group')}`), { action: 'host-group.delete', resource_type: 'host-group' }],
      ['delete', '/hosts/{hostId}', () => api('DELETE', `/hosts/${model.get('host')}`), { action: 'host.delete', resource_type: 'host' }],
      // Temporal policies (issue 15): policy.create|update|delete, and each feed of events.
      ['post', '/policies', async () => keep('policy', await api('POST', '/policies', { body: { experiment: 'AUD-1', name: 'p1', signature: 'p(x:int)', formula: 'p(x)' } })), { action: 'policy.create', resource_type: 'policy', detail: { generation: 1 } }],
      ['post', '/policies/{policyId}/events', () => api('POST', `/policies/${model.get('policy')}/events`, { body: [{ ts: 1, events: [{ pred: 'p', args: [7] }] }] }), { action: 'policy.events', resource_type: 'policy', detail: { accepted: 1, rejected: 0, verdicts: 1, next_tp: 1 } }],
      ['put', '/policies/{policyId}', () => api('PUT', `/policies/${model.get('policy')}`, { body: { experiment: 'AUD-1', name: 'p2', signature: 'p(x:int)', formula: 'p(x)' } }), { action: 'policy.update', resource_type: 'policy', detail: { name: 'p2', generation_changed: false } }],
      ['delete', '/policies/{policyId}', () => api('DELETE', `/policies/${model.get('policy')}`), { action: 'policy.delete', resource_type: 'policy' }],
      ['post', '/plugins', () => api('POST', '/plugins', { body: { name: 'audited', version: '1.0.0', entry: 'run.sh', files: [{ path: 'run.sh', content: '#!/bin/sh\necho \'{"value": 1, "message": "ok"}\'\n' }] } }), { action: 'plugin.create', resource_type: 'plugin', resource_id: 'audited@1.0.0' }],
      ['delete', '/users/{userId}', () => api('DELETE', `/users/${id}`), { action: 'user.erase', resource_id: pseudonym }],
    ];

    // A mutation route added to the contract without a line here fails this test.
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    // Prometheus's API (x-self-validating) takes POST for reads, and a rule test (x-read-only) evaluates
    // without writing: neither is a mutation.
    const declared = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .filter((method) => !(item[method] as { 'x-self-validating'?: boolean })['x-self-validating'])
        .filter((method) => !(item[method] as { 'x-read-only'?: boolean })['x-read-only'])
        .map((method) => `${method} ${path}`),
    );
    expect(mutations.map(([method, path]) => `${method} ${path}`).sort()).toEqual(declared.sort());

    for (const [method, path, run, want] of mutations) {
      const response = await run();
      expect({ route: `${method} ${path}`, succeeded: response.status < 300 }).toEqual({ route: `${method} ${path}`, succeeded: true });
      const events = await eventOf(response.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: admin, outcome: 'success', request_id: response.requestId, ...want });
    }
  });

  it('records authentication and authorization failures and rejected messages', async () => {
    const refused = await api('GET', '/experiments', { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    expect(await eventOf(refused.requestId)).toEqual([expect.objectContaining({ action: 'auth.fail', actor: null, outcome: 'failure', resource_type: 'api' })]);

    const scientist = await logged.platform.createUser('SCIENTIST', 'denied');
    const denied = await call(logged.platform.baseUrl, 'POST', '/experiments', {
      token: await logged.platform.tokenFor(scientist),
      body: { code: 'NOPE', name: 'n' },
      headers: { 'x-request-id': 'audit-denied' },
    });
    expect(denied.status).toBe(403);
    expect(await eventOf('audit-denied')).toEqual([expect.objectContaining({ action: 'authz.deny', actor: scientist.pseudonym, outcome: 'failure' })]);
    const reading = await call(logged.platform.baseUrl, 'GET', '/audit', { token: await logged.platform.tokenFor(scientist), headers: { 'x-request-id': 'audit-read-denied' } });
    expect(reading.status).toBe(403);
    expect(await eventOf('audit-read-denied')).toEqual([expect.objectContaining({ action: 'authz.deny', actor: scientist.pseudonym })]);

    await logged.platform.publish({ experiment: 'NOT-THERE', metric: 'm', value: 1, timestamp: 0 });
    const rejected = await eventually(
      () => audit('action=message.reject&outcome=failure'),
      (events) => events.some((e) => e.detail?.reason === 'unknown-experiment'),
    );
    expect(rejected.find((e) => e.detail?.reason === 'unknown-experiment')).toMatchObject({ actor: null, resource_type: 'rejected-message' });
  });

  it('writes no event for a change that rolls back, and logs an event only once its transaction commits', async () => {
    const { container } = logged.platform;
    const trail = container.get<AuditTrail>(TYPES.AuditTrail);
    const tx = container.get<Transactor>(TYPES.Transactor);
    const shipped = () => logged.console.parsed().filter((l) => l.audit === true).map((l) => (l.event as { action: string }).action);

    await expect(
      tx.inTransaction(async () => {
        await trail.record({ action: 'test.rolled-back', resourceType: 'test', resourceId: null, outcome: 'success' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await audit('action=test.rolled-back')).toEqual([]);
    expect(shipped()).not.toContain('test.rolled-back');

    let loggedBeforeCommit = true;
    await tx.inTransaction(async () => {
      await trail.record({ action: 'test.committed', resourceType: 'test', resourceId: null, outcome: 'success' });
      loggedBeforeCommit = shipped().includes('test.committed');
    });
    expect(loggedBeforeCommit).toBe(false);
    expect(shipped()).toContain('test.committed');
    expect(await audit('action=test.committed')).toHaveLength(1);

    // The last ADMIN cannot be erased: the refused change leaves no user.erase event behind.
    const refused = await api('DELETE', `/users/${logged.platform.admin.id}`);
    expect(refused.status).toBe(409);
    expect(await eventOf(refused.requestId)).toEqual([]);
  });

  it('filters by actor, action, resource, outcome and time, and pages with a cursor that keeps the filters', async () => {
    // `at` is stamped by this process's clock, so a window opened here starts after every earlier event.
    await clockPast(Date.now());
    const before = encodeURIComponent(new Date().toISOString());
    for (let i = 0; i < 5; i++) await api('POST', '/experiments', { body: { code: `PAGE-${i}`, name: 'p' } });
    const after = encodeURIComponent(new Date(Date.now() + 1000).toISOString());
    const admin = logged.platform.admin.pseudonym;
    const filter = `actor=${admin}&action=experiment.create&resource=experiment&outcome=success&from=${before}&to=${after}`;

    const seen: AuditJson[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/audit?${filter}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body).toEqual(expect.objectContaining({ items: expect.any(Array) }));
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.next;
    } while (cursor);
    expect(seen.map((e) => e.resource_id)).toEqual(['PAGE-0', 'PAGE-1', 'PAGE-2', 'PAGE-3', 'PAGE-4']);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);

    expect(await audit(`action=experiment.create&to=${before}&resource=experiment&actor=${admin}`)).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ resource_id: 'PAGE-0' })]),
    );
    expect((await audit('outcome=failure')).every((e) => e.outcome === 'failure')).toBe(true);
    expect((await audit('resource=rejected-message')).every((e) => e.resource_type === 'rejected-message')).toBe(true);

    expect((await api('GET', '/audit?outcome=maybe')).status).toBe(400);
    expect((await api('GET', '/audit?from=yesterday')).status).toBe(400);
    expect((await api('GET', '/audit?cursor=eyJpZCI6Im5vIn0')).status).toBe(400);
    expect((await api('GET', `/audit?from=${after}&to=${before}`)).status).toBe(400);
    expect((await api('GET', '/audit', { token: undefined })).status).toBe(401);
  });

  it('keeps an erased user readable by pseudonym, with nothing personal in the trail', async () => {
    const person = await api('POST', '/users', {
      body: { user_id: 'S-ER', name: 'Erin Erasable', username: 'erin-uid', email: 'erin@example.org', role: 'SCIENTIST' },
    });
    const pseudonym = person.body.pseudonym as string;
    const erinToken = await logged.platform.tokenFor({ ...logged.platform.admin, username: 'erin-uid', pseudonym } as typeof logged.platform.admin);
    expect((await call(logged.platform.baseUrl, 'DELETE', '/exceptions/1', { token: erinToken })).status).toBe(403);
    expect((await api('DELETE', `/users/${person.body.id}`)).status).toBe(204);
    expect((await api('GET', `/users/${person.body.id}`)).body).toMatchObject({ pseudonym, name: null, email: null, username: null });

    const byActor = await audit(`actor=${pseudonym}`);
    expect(byActor).toEqual([expect.objectContaining({ action: 'authz.deny', actor: pseudonym })]);
    const aboutThem = (await audit('resource=user')).filter((e) => e.resource_id === pseudonym).map((e) => e.action);
    expect(aboutThem).toEqual(['user.create', 'user.erase']);

    const trail = JSON.stringify(await audit(''));
    for (const personal of ['Erin Erasable', 'erin-uid', 'erin@example.org', 'Ann Example', 'ann@example.org']) expect(trail).not.toContain(personal);
  });
});
