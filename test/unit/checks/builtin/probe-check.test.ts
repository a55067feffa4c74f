import net from 'node:net';
import { runProbeCheck, stepField } from '../../../../src/checks/builtin/probe-check';
import { builtinJob, probeParams, probeStep } from '../../../support/checks-fakes-builtin';
import { startObjectStore, type RunningObjectStore } from '../../../support/object-store-server';

/** The data lake's functional test: upload a few bytes, download them, delete them. */
function uploadDownloadDelete(base: string, object = 'probe-object') {
  const url = `${base.replace('127.0.0.1', '{address}')}/objects/${object}`;
  return probeParams([
    probeStep({ name: 'upload', method: 'PUT', url, body: 'few bytes', expectStatus: [201] }),
    probeStep({ name: 'download', url, bodyMatch: 'few bytes' }),
    probeStep({ name: 'delete', method: 'DELETE', url, expectStatus: [204] }),
  ]);
}

describe('probe check', () => {
  let store: RunningObjectStore;

  beforeEach(async () => {
    store = await startObjectStore();
  });
  afterEach(() => store.stop());

  it('runs the steps in order: per-step outcome and duration in details, step_<name>_ms fields, value = total ms', async () => {
    const result = await runProbeCheck(builtinJob(uploadDownloadDelete(store.baseUrl)), new AbortController().signal);
    expect(result.outcome).toBe('ok');
    expect(store.requests).toEqual(['PUT /objects/probe-object', 'GET /objects/probe-object', 'DELETE /objects/probe-object']);
    expect(store.objects.size).toBe(0);
    expect(result.details).toEqual([
      { name: 'upload', outcome: 'ok', durationMs: expect.any(Number), status: 201 },
      { name: 'download', outcome: 'ok', durationMs: expect.any(Number), status: 200 },
      { name: 'delete', outcome: 'ok', durationMs: expect.any(Number), status: 204 },
    ]);
    const steps = ['upload', 'download', 'delete'].map((name) => result.fields?.get(`step_${name}_ms`) ?? Number.NaN);
    steps.forEach((ms) => expect(ms).toBeGreaterThan(0));
    expect(result.value).toBeGreaterThanOrEqual(steps.reduce((a, b) => a + b, 0));
    expect(result.message).toBe(`3 steps in ${result.value} ms: upload 201, download 200, delete 204`);
  });

  it('stops at the first failing step: the later ones skipped, the outcome and message of the failing one', async () => {
    store.failDownloads = true;
    const result = await runProbeCheck(builtinJob(uploadDownloadDelete(store.baseUrl)), new AbortController().signal);
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('step download failed: HTTP 503, expected 200-399; 1 skipped');
    expect(store.requests).toEqual(['PUT /objects/probe-object', 'GET /objects/probe-object']);
    expect(result.details).toEqual([
      { name: 'upload', outcome: 'ok', durationMs: expect.any(Number), status: 201 },
      { name: 'download', outcome: 'failed', durationMs: expect.any(Number), status: 503, message: 'HTTP 503, expected 200-399' },
      { name: 'delete', outcome: 'skipped' },
    ]);
    expect([...(result.fields?.keys() ?? [])]).toEqual(['step_upload_ms', 'step_download_ms']);
  });

  it('fails a step whose body does not match', async () => {
    const params = uploadDownloadDelete(store.baseUrl);
    const steps = params.steps.map((step) => (step.name === 'download' ? { ...step, bodyMatch: 'other bytes' } : step));
    const result = await runProbeCheck(builtinJob(probeParams(steps)), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'failed', message: 'step download failed: HTTP 200 but the body does not contain "other bytes"; 1 skipped' });
  });

  it('a step cut by the timeout: the probe times out and names the step', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const [upload, , remove] = uploadDownloadDelete(store.baseUrl).steps;
      const hang = probeStep({ name: 'hang', url: `http://{address}:${port}/never` });
      const steps = [hang, upload, remove].filter((step) => step !== undefined);
      const result = await runProbeCheck(builtinJob(probeParams(steps), { timeoutMs: 400 }), new AbortController().signal);
      expect(result.outcome).toBe('timeout');
      expect(result.message).toBe('step hang timeout: timed out after 400 ms; 2 skipped');
      expect(result.durationMs).toBeLessThan(1400);
      expect(store.requests).toEqual([]);
    } finally {
      silent.close();
    }
  });

  it('sends URL credentials of a step as Basic authorization, never in the message or details', async () => {
    const url = `http://lake:t0ps3cret@{address}:${store.port}/objects/private`;
    const steps = [probeStep({ name: 'upload', method: 'PUT', url, body: 'x', expectStatus: [200] })];
    const result = await runProbeCheck(builtinJob(probeParams(steps)), new AbortController().signal);
    expect(result).toMatchObject({ outcome: 'failed', message: 'step upload failed: HTTP 201, expected 200' });
    expect(store.authorizations).toEqual([`Basic ${Buffer.from('lake:t0ps3cret').toString('base64')}`]);
    expect(JSON.stringify([result.message, result.details])).not.toMatch(/t0ps3cret|lake:|Basic/);
  });

  it('names fields after the step, reduced to what a field name holds', () => {
    expect(stepField('upload file')).toBe('step_upload_file_ms');
    expect(stepField('x'.repeat(100))).toHaveLength(5 + 56 + 3);
  });
});
