import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Container } from 'inversify';
import { buildContainer } from '../../../src/container';
import { TYPES } from '../../../src/identifiers';
import { parseLog, parseSignature } from '../../../src/policies';
import type { PolicyEventIngest } from '../../../src/services/policies/ports';
import type { Database } from '../../../src/storage/stores';
import { MFOTL_CASES } from '../../support/mfotl-cases';
import { call, startPlatform, type ApiResponse, type TestPlatform } from '../../support/platform';


interface ConformanceCase {
  readonly name: string;
  readonly sig: string;
  readonly mfotl: string;
  readonly log: string;
  readonly negate: boolean;
  readonly expected: string;
}

function cases(): ConformanceCase[] {
  return readdirSync(MFOTL_CASES)
    .filter((name) => statSync(path.join(MFOTL_CASES, name)).isDirectory())
    .sort()
    .map((name) => {
      const read = (file: string): string => readFileSync(path.join(MFOTL_CASES, name, file), 'utf8');
      return { name, sig: read('sig'), mfotl: read('mfotl'), log: read('log'), negate: read('flags').split(/\s+/).includes('-negate'), expected: read('expected.txt') };
    });
}

/** The log cut into `parts` pieces at time point boundaries (offsets from the engine's parser positions). */
function chunks(log: string, signature: string, parts: number): string[] {
  const lineStarts = [0];
  for (let i = 0; i < log.length; i++) if (log[i] === '\n') lineStarts.push(i + 1);
  const starts = parseLog(log, parseSignature(signature)).map((p) => (lineStarts[p.pos.line - 1] as number) + p.pos.column - 1);
  const cuts = [0];
  for (let k = 1; k < parts; k++) {
    const at = starts[Math.floor((starts.length * k) / parts)];
    if (at !== undefined && at > (cuts.at(-1) as number)) cuts.push(at);
  }
  cuts.push(log.length);
  return cuts.slice(1).map((end, i) => log.slice(cuts[i], end));
}

/**
 * Issue 15, "Conformance": every case of test/fixtures/mfotl-conformance through the REST API (POST /policies,
 * the log in chunks cut at time point boundaries, the last with final=true), its text/plain verdicts equal to
 * MonPoly's expected.txt byte for byte. The middle chunk is fed by a second process's ingest (its own container
 * and pool): it restores the monitor from the database, and the REST process, its cache now stale, restores it
 * again for the last chunk.
 */
describe('MFOTL conformance through REST', () => {
  let p: TestPlatform;
  let other: Container;
  let admin: string;
  const api = (method: string, url: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
    call(p.baseUrl, method, url, { token: admin, ...options });

  beforeAll(async () => {
    p = await startPlatform();
    admin = await p.tokenFor(p.admin);
    expect((await api('POST', '/experiments', { body: { code: 'MFOTL', name: 'conformance' } })).status).toBe(201);
    other = buildContainer(p.config);
  });
  afterAll(async () => {
    await other.get<Database>(TYPES.Database).close();
    await p.stop();
  });

  const all = cases();
  it('has cases to run', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((c) => [c.name, c] as const))('%s: the text/plain verdicts equal expected.txt', async (_name, c) => {
    const created = await api('POST', '/policies', { body: { experiment: 'MFOTL', name: c.name, signature: c.sig, formula: c.mfotl, negate: c.negate } });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const id = created.body.id as number;
    const pieces = chunks(c.log, c.sig, 3);
    let fed = 0;
    for (const [i, piece] of pieces.entries()) {
      const last = i === pieces.length - 1;
      if (i === 1 && !last) {
        const result = await other.get<PolicyEventIngest>(TYPES.PolicyEventIngest).ingest(id, { kind: 'log', text: piece }, { final: false, source: 'rest' });
        expect(result.rejected).toEqual([]);
        fed += result.accepted;
        expect(result.nextTp).toBe(fed);
        continue;
      }
      const response = await api('POST', `/policies/${id}/events${last ? '?final=true' : ''}`, { rawBody: piece, headers: { 'content-type': 'text/plain' } });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200, body: { ended: last } });
      fed += response.body.accepted as number;
      expect(response.body.next_tp).toBe(fed);
    }
    const verdicts = await fetch(`${p.baseUrl}/policies/${id}/verdicts`, { headers: { authorization: `Bearer ${admin}`, accept: 'text/plain' } });
    expect(verdicts.status).toBe(200);
    expect(verdicts.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await verdicts.text()).toBe(c.expected);
  });
});
