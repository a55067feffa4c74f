import { ConfigError, loadConfig } from '../../../src/config';

describe('ingest configuration', () => {
  it('bounds the prefetch and batches by default', () => {
    const config = loadConfig({});
    expect(config.rabbit.prefetch).toBe(10000);
    expect(config.ingest).toEqual({ batchSize: 5000, lingerMs: 50, concurrency: 2, bufferBytes: 16 * 1024 * 1024 });
  });

  it('reads the batch size, linger, concurrency and buffer', () => {
    expect(
      loadConfig({ INGEST_BATCH_SIZE: '100', INGEST_LINGER_MS: '0', INGEST_CONCURRENCY: '1', INGEST_BUFFER_BYTES: '0' }).ingest,
    ).toEqual({
      batchSize: 100,
      lingerMs: 0,
      concurrency: 1,
      bufferBytes: 0,
    });
  });

  it.each([
    ['INGEST_BATCH_SIZE', '0'],
    ['INGEST_BATCH_SIZE', '1000000'],
    ['INGEST_LINGER_MS', '-1'],
    ['INGEST_CONCURRENCY', '17'],
    ['RABBIT_PREFETCH', '70000'],
    ['INGEST_BUFFER_BYTES', '-1'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
