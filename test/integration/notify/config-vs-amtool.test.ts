/**
 * Differential test of the Alertmanager configuration parser and of route matching against Alertmanager
 * 0.25 itself (Debian's amtool): every corpus file is accepted by both or refused by both, and for the
 * accepted ones `amtool config routes test` and matchRoutes name the same receivers, in the same order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertmanagerConfigError, parseAlertmanagerConfig } from '../../../src/notify/config/parse';
import { matchRoutes } from '../../../src/notify/dispatch/route';
import { parseLabelArguments } from '../../../src/notify/matchers-parse';
import { CONFIG_CORPUS } from '../../support/alertmanager-configs';
import { amtool } from '../../support/amtool';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, yaml: string): string {
  const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
  fs.writeFileSync(file, yaml);
  return file;
}

function ours(yaml: string): { ok: true } | { ok: false; error: string } {
  try {
    parseAlertmanagerConfig(yaml);
    return { ok: true };
  } catch (error) {
    if (error instanceof AlertmanagerConfigError) return { ok: false, error: error.message };
    throw error;
  }
}

describe('Alertmanager configuration vs amtool check-config (0.25)', () => {
  it.each(CONFIG_CORPUS.map((c) => [c.name, c] as const))('%s: same verdict', (_name, corpus) => {
    const file = fileOf(corpus.name, corpus.yaml);
    const theirs = amtool(['check-config', file]);
    const mine = ours(corpus.yaml);
    const verdict = (accepted: boolean, why: string): string => (accepted ? 'accepted' : `refused: ${why.trim()}`);
    // The messages are shown on a difference; only the verdicts must agree.
    expect({ mymonit: verdict(mine.ok, mine.ok ? '' : mine.error) }).toEqual({
      mymonit: mine.ok === (theirs.status === 0) ? verdict(mine.ok, mine.ok ? '' : mine.error) : verdict(theirs.status === 0, theirs.stdout + theirs.stderr),
    });
  });

  const routeCases = CONFIG_CORPUS.flatMap((c) => (c.routes ?? []).map((labels) => [`${c.name} {${labels.join(',')}}`, c, labels] as const));
  it.each(routeCases)('%s: same receivers as amtool config routes test', (_name, corpus, labels) => {
    const file = fileOf(corpus.name, corpus.yaml);
    const theirs = amtool(['config', 'routes', 'test', '--config.file', file, ...labels]);
    expect(theirs.status).toBe(0);
    const config = parseAlertmanagerConfig(corpus.yaml);
    const receivers = matchRoutes(config.route, parseLabelArguments(labels)).map((route) => route.receiver);
    expect(receivers.join(',')).toBe(theirs.stdout.trim());
  });
});
