import fs from 'node:fs';
import { loadFileAdapterConfig } from '../../../adapters/file/config';
import { FileAdapter } from '../../../adapters/file/file-adapter';
import { eventually } from '../../support/eventually';
import { createTestBroker, type TestBroker } from './broker';
import { brokerEnv, runInProcess, tempDir } from '../../support/adapters';

describe('file adapter against the real RabbitMQ', () => {
  let broker: TestBroker;
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    broker = await createTestBroker('fileadapter');
    tmp = tempDir('file-adapter');
  });
  afterEach(async () => {
    await broker.cleanup();
    tmp.remove();
  });

  const start = (configFile: string, env: NodeJS.ProcessEnv) =>
    runInProcess({
      adapter: 'file',
      loadConfig: () => loadFileAdapterConfig({ file: configFile, env }),
      createJob: (config, publisher, logger) => new FileAdapter(config.file, publisher, logger, config.experiment),
    });

  it('publishes a CSV once through a column mapping, reports bad rows with file and line, and remembers its position', async () => {
    const csv = tmp.file(
      'sensors.csv',
      [
        'ts;sensor;temp;hum',
        '1714564800;s1;21.5;40',
        '1714564860;s1;"21,7";41', // a quoted field with the delimiter inside: a bad number
        '1714564920;s1;22.0',
        '1714564980;s1;22.5;43',
        '1714565040;s 2;23.0;44', // a source the contract refuses: caught by the SDK's schema check
        '1714565100;s2;23.5;"45',
        '1714565160;s2;24.0;46',
      ].join('\n'), // no newline after the last row: it still counts when read once
    );
    const config = tmp.yaml('file.yaml', {
      experiment: 'EXP-FILE',
      file: {
        path: csv,
        csv: { delimiter: ';' },
        mapping: {
          timestamp: { column: 'ts', format: 'epoch_s' },
          source: { column: 'sensor' },
          metrics: { temperature: { column: 'temp', unit: 'C' }, humidity: { column: 'hum', unit: '%' } },
        },
      },
    });
    const first = start(config, brokerEnv(broker));
    expect(await first.exit).toBe(0);
    const measures = await broker.waitForMeasures(6);
    expect(measures).toHaveLength(6);
    expect(measures[0]).toEqual({ experiment: 'EXP-FILE', metric: 'temperature', value: 21.5, timestamp: 1714564800000, source: 's1', unit: 'C' });
    expect(measures.map((m) => m.timestamp)).toEqual([1714564800000, 1714564800000, 1714564980000, 1714564980000, 1714565160000, 1714565160000]);
    // Rows that do not parse are reported at once, schema violations after the SDK checked them.
    const bad = first.badInput().sort((a, b) => Number(a.line) - Number(b.line));
    expect(bad.map((b) => b.line)).toEqual([3, 4, 6, 6, 7]);
    expect(bad.every((b) => b.file === csv)).toBe(true);
    expect(String(bad[0].reason)).toMatch(/not a finite number/);
    expect(String(bad[1].reason)).toMatch(/malformed CSV: 3 fields, the header has 4/);
    expect(String(bad[2].reason)).toMatch(/\/source/);
    expect(String(bad[4].reason)).toMatch(/unterminated/);
    const summary = first.logger.entries.find((e) => e.message === 'adapter stopped')?.meta;
    expect(summary).toMatchObject({ badLines: 3, invalidMeasures: 2, publisher: { confirmed: 6, droppedInvalid: 2 } });
    const state = JSON.parse(fs.readFileSync(`${csv}.mymonit-state.json`, 'utf8')) as { offset: number; line: number; columns: string[] };
    expect(state).toMatchObject({ offset: fs.statSync(csv).size, line: 8, columns: ['ts', 'sensor', 'temp', 'hum'] });

    // A second run finds nothing new; rows appended later are all it publishes.
    const second = start(config, brokerEnv(broker));
    expect(await second.exit).toBe(0);
    fs.appendFileSync(csv, '\n1714565220;s3;25;50\n');
    const third = start(config, brokerEnv(broker));
    expect(await third.exit).toBe(0);
    const confirmed = (run: typeof first) => run.logger.entries.find((e) => e.message === 'adapter stopped')?.meta?.publisher;
    expect(confirmed(second)).toMatchObject({ accepted: 0, confirmed: 0 });
    expect(confirmed(third)).toMatchObject({ accepted: 2, confirmed: 2 });
    const all = await broker.waitForMeasures(8);
    expect(all).toHaveLength(8);
    expect(all.slice(6).map((m) => m.source)).toEqual(['s3', 's3']);
    expect(third.badInput()).toEqual([]);
  });

  it('stops promptly, exit status 1, when the broker is unreachable and the buffer is full', async () => {
    const csv = tmp.file('many.csv', `metric,value,timestamp\n${Array.from({ length: 100 }, (_, i) => `m,${i},${i + 1}`).join('\n')}\n`);
    const config = tmp.yaml('file.yaml', {
      experiment: 'EXP-DOWN',
      file: { path: csv, mode: 'follow' },
      publisher: { bufferSize: 10, maxMeasuresPerMessage: 10, closeTimeoutMs: 200 },
    });
    const running = start(config, { RABBIT_URL: 'amqp://guest:guest@127.0.0.1:1' });
    const { publisher } = await running.started;
    await eventually(() => publisher.stats().buffered, (held) => held === 10, { what: 'the buffer full' });
    const stopping = Date.now();
    expect(await running.stop()).toBe(1);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    const summary = running.logger.entries.find((e) => e.message === 'adapter stopped')?.meta;
    expect(summary).toMatchObject({ publisher: { unconfirmedAtClose: 10, confirmed: 0 } });
    // Nothing was confirmed, so no position was saved past the start.
    expect(fs.existsSync(`${csv}.mymonit-state.json`)).toBe(false);
  });

  it('follows a growing JSON-lines file, waits for partial lines, survives rotation and resumes after a restart', async () => {
    const jsonl = tmp.file('events.jsonl', '');
    const stateFile = `${tmp.dir}/events.state.json`;
    const config = tmp.yaml('file.yaml', { file: { path: jsonl, mode: 'follow', pollIntervalMs: 20, checkpointIntervalMs: 50, stateFile } });
    const env = brokerEnv(broker, { MYMONIT_EXPERIMENT: 'EXP-FOLLOW' });
    const line = (i: number) => `${JSON.stringify({ metric: 'events', value: i, timestamp: 1714564800000 + i })}\n`;

    const running = start(config, env);
    await running.started;
    fs.appendFileSync(jsonl, line(1) + line(2));
    await broker.waitForMeasures(2);
    const half = line(3);
    fs.appendFileSync(jsonl, half.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(broker.measures()).toHaveLength(2); // half a line is not a line yet
    fs.appendFileSync(jsonl, `${half.slice(10)}{"metric": oops}\n${line(4)}`);
    await broker.waitForMeasures(4);
    expect(running.badInput()).toEqual([expect.objectContaining({ file: jsonl, line: 4, reason: expect.stringMatching(/malformed JSON/) })]);

    // logrotate: the file is renamed away and a new one created at the path.
    fs.renameSync(jsonl, `${jsonl}.1`);
    fs.writeFileSync(jsonl, line(5));
    await broker.waitForMeasures(5);
    expect(await running.stop()).toBe(0);

    // Appended while the adapter was down: published after the restart, nothing twice.
    fs.appendFileSync(jsonl, line(6));
    const restarted = start(config, env);
    await restarted.started;
    await broker.waitForMeasures(6);
    expect(await restarted.stop()).toBe(0);
    expect(broker.measures().map((m) => m.value)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(broker.measures().every((m) => m.experiment === 'EXP-FOLLOW')).toBe(true);
  });
});
