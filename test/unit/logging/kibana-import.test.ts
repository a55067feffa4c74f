import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/kibana-import.sh against a stand-in for Kibana's HTTP API: it waits while Kibana starts,
 * then posts the saved objects file to the import API with the headers and credentials Kibana requires.
 */
const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts/kibana-import.sh');
const objects = fs.readFileSync(path.join(root, 'logstash/kibana/saved-objects.ndjson'), 'utf8');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function fakeKibana(answer: (seen: Seen, statusCalls: number) => [number, string]) {
  const seen: Seen[] = [];
  let statusCalls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      if (request.url === '/api/status') statusCalls++;
      const [status, text] = answer(request, statusCalls);
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function run(env: Record<string, string>, scriptPath = script): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [scriptPath], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/kibana-import.sh', () => {
  it('waits for Kibana, then imports the saved objects with overwrite, kbn-xsrf and basic auth', async () => {
    const kibana = await fakeKibana((seen, statusCalls) => {
      if (seen.url === '/api/status') return statusCalls < 2 ? [503, '{}'] : [200, '{"status":{"overall":{"level":"available"}}}'];
      return [200, '{"success":true,"successCount":13,"successResults":[]}'];
    });
    try {
      const result = await run({ KIBANA_URL: kibana.url, KIBANA_PASSWORD: 'pa"ss\\word', KIBANA_WAIT: '20' });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('imported 13 saved objects');
      const post = kibana.seen.find((s) => s.method === 'POST');
      expect(post?.url).toBe('/api/saved_objects/_import?overwrite=true');
      expect(post?.headers['kbn-xsrf']).toBeDefined();
      expect(post?.headers.authorization).toBe(`Basic ${Buffer.from('elastic:pa"ss\\word').toString('base64')}`);
      expect(post?.headers['content-type']).toMatch(/^multipart\/form-data/);
      expect(post?.body).toContain('filename="saved-objects.ndjson"');
      expect(post?.body).toContain(objects.trim());
    } finally {
      kibana.server.close();
    }
  });

  it('fails with Kibana’s answer when the import is refused', async () => {
    const kibana = await fakeKibana((seen) =>
      seen.url === '/api/status' ? [200, '{}'] : [200, '{"success":false,"successCount":0,"errors":[{"id":"x","error":{"type":"missing_references"}}]}'],
    );
    try {
      const result = await run({ KIBANA_URL: kibana.url, KIBANA_PASSWORD: 'x', KIBANA_SPACE: 'ops' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('missing_references');
      expect(kibana.seen.find((s) => s.method === 'POST')?.url).toBe('/s/ops/api/saved_objects/_import?overwrite=true');
    } finally {
      kibana.server.close();
    }
  });

  it.each([
    ['no KIBANA_PASSWORD and no .env', null],
    ['an empty ELASTIC_PASSWORD in .env', 'ELASTIC_PASSWORD=\n'],
    ['a quoted empty ELASTIC_PASSWORD in .env', 'ELASTIC_PASSWORD=""\n'],
  ])('refuses to run with an empty password (%s), exit 2, before any request', async (_case, dotenv) => {
    // A copy in its own tree: the script reads the .env next to it, which a developer's checkout may have.
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kibana-import-'));
    fs.mkdirSync(path.join(tree, 'scripts'));
    fs.copyFileSync(script, path.join(tree, 'scripts/kibana-import.sh'));
    fs.mkdirSync(path.join(tree, 'logstash/kibana'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'logstash/kibana/saved-objects.ndjson'), objects);
    if (dotenv !== null) fs.writeFileSync(path.join(tree, '.env'), dotenv);
    const kibana = await fakeKibana(() => [200, '{"success":true,"successCount":13}']);
    try {
      const result = await run(
        { KIBANA_URL: kibana.url, KIBANA_WAIT: '5' },
        path.join(tree, 'scripts/kibana-import.sh'),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^kibana-import: no password: set KIBANA_PASSWORD/);
      expect(kibana.seen).toEqual([]);
    } finally {
      kibana.server.close();
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
