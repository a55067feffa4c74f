import { compress } from 'snappyjs';
import { decodeWriteRequest, isStaleMarker, RemoteWriteError, remoteWriteToMeasures } from '../../../adapters/http/remote-write';
import { WriteRequestType } from '../../../adapters/http/remote-write-proto';

interface Series {
  labels: Array<{ name: string; value: string }>;
  samples: Array<{ value: number; timestamp: number }>;
  histograms?: Uint8Array[];
}

const STALE_NAN = Buffer.from('020000000000f07f', 'hex').readDoubleLE(0);

/** A remote-write body as Prometheus sends it: snappy block format over the protobuf WriteRequest. */
function body(timeseries: Series[]): Uint8Array {
  const message = WriteRequestType.fromObject({ timeseries });
  return compress(WriteRequestType.encode(message).finish());
}

const labels = (record: Record<string, string>) => Object.entries(record).map(([name, value]) => ({ name, value }));

describe('remote write decoding', () => {
  it('decodes labels, values and int64 millisecond timestamps', () => {
    const series = decodeWriteRequest(
      body([
        { labels: labels({ __name__: 'node_load1', instance: 'host-1:9100', job: 'node' }), samples: [{ value: 0.25, timestamp: 1714564800123 }, { value: 1e-300, timestamp: 1714564815123 }] },
        { labels: labels({ __name__: 'up' }), samples: [{ value: 1, timestamp: -5 }] },
      ]),
    );
    expect(series).toEqual([
      {
        labels: new Map([['__name__', 'node_load1'], ['instance', 'host-1:9100'], ['job', 'node']]),
        samples: [{ value: 0.25, timestampMs: 1714564800123 }, { value: 1e-300, timestampMs: 1714564815123 }],
        histograms: 0,
      },
      { labels: new Map([['__name__', 'up']]), samples: [{ value: 1, timestampMs: -5 }], histograms: 0 },
    ]);
  });

  it('keeps the stale marker bit pattern through decoding', () => {
    const [series] = decodeWriteRequest(body([{ labels: labels({ __name__: 'x' }), samples: [{ value: STALE_NAN, timestamp: 1 }, { value: Number.NaN, timestamp: 2 }] }]));
    expect(series?.samples.map((s) => isStaleMarker(s.value))).toEqual([true, false]);
  });

  it('an empty request is no series', () => {
    expect(decodeWriteRequest(compress(new Uint8Array(0)))).toEqual([]);
  });

  it.each([
    ['uncompressed protobuf', () => WriteRequestType.encode(WriteRequestType.fromObject({ timeseries: [{ labels: labels({ __name__: 'a' }) }] })).finish(), /not snappy|protobuf/],
    ['JSON', () => new TextEncoder().encode('{"timeseries":[]}'), /not snappy|protobuf/],
    ['snappy of garbage', () => compress(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])), /not a protobuf prometheus\.WriteRequest/],
  ])('refuses %s with a RemoteWriteError', (_name, make, message) => {
    expect(() => decodeWriteRequest(make())).toThrow(RemoteWriteError);
    expect(() => decodeWriteRequest(make())).toThrow(message);
  });

  it('refuses a body that claims to decompress beyond the limit, before decompressing it', () => {
    const big = compress(new Uint8Array(2048));
    expect(() => decodeWriteRequest(big, 1024)).toThrow(/too big/);
  });
});

describe('remote write samples as measures', () => {
  const decode = (timeseries: Series[]) => decodeWriteRequest(body(timeseries));

  it('__name__ is the metric, instance the source, experiment and unit their fields, other labels tags', () => {
    const mapped = remoteWriteToMeasures(
      decode([
        { labels: labels({ __name__: 'temp', experiment: 'EXP-R', instance: 'probe-1:80', unit: 'C', job: 'lab', room: 'b12' }), samples: [{ value: 21.5, timestamp: 1714564800000 }] },
        { labels: labels({ __name__: 'hum', source: 'st-2', empty: '' }), samples: [{ value: 40, timestamp: 1714564800001 }] },
      ]),
      { experiment: 'EXP-DEFAULT' },
    );
    expect(mapped.measures).toEqual([
      { experiment: 'EXP-R', metric: 'temp', source: 'probe-1:80', unit: 'C', value: 21.5, timestamp: 1714564800000, tags: { job: 'lab', room: 'b12' } },
      { experiment: 'EXP-DEFAULT', metric: 'hum', source: 'st-2', value: 40, timestamp: 1714564800001 },
    ]);
    expect(mapped.origin).toEqual([{ index: 0 }, { index: 1 }]);
    expect(Object.getPrototypeOf(mapped.measures[0]?.tags)).toBeNull();
  });

  it('a source label stays a tag when instance is the source', () => {
    const [measure] = remoteWriteToMeasures(decode([{ labels: labels({ __name__: 'm', instance: 'i:1', source: 's' }), samples: [{ value: 1, timestamp: 1 }] }]), { experiment: 'E' }).measures;
    expect(measure).toMatchObject({ source: 'i:1', tags: { source: 's' } });
  });

  it('drops stale markers and other non-finite values, counting each', () => {
    const mapped = remoteWriteToMeasures(
      decode([
        {
          labels: labels({ __name__: 'm' }),
          samples: [
            { value: STALE_NAN, timestamp: 1 },
            { value: Number.NaN, timestamp: 2 },
            { value: Number.POSITIVE_INFINITY, timestamp: 3 },
            { value: Number.NEGATIVE_INFINITY, timestamp: 4 },
            { value: 7, timestamp: 5 },
          ],
        },
      ]),
      { experiment: 'E' },
    );
    expect(mapped.measures).toEqual([{ experiment: 'E', metric: 'm', value: 7, timestamp: 5 }]);
    expect([mapped.staleMarkers, mapped.nonFinite]).toEqual([1, 3]);
  });

  it('refuses a series without a name or an experiment, by index, and keeps the others', () => {
    const mapped = remoteWriteToMeasures(
      decode([
        { labels: labels({ job: 'x' }), samples: [{ value: 1, timestamp: 1 }] },
        { labels: labels({ __name__: 'ok_metric', experiment: 'E' }), samples: [{ value: 2, timestamp: 1 }] },
        { labels: labels({ __name__: 'orphan', job: 'y' }), samples: [{ value: 3, timestamp: 1 }] },
      ]),
      {},
    );
    expect(mapped.measures.map((m) => m.metric)).toEqual(['ok_metric']);
    expect(mapped.errors).toEqual([
      { index: 0, error: 'series {job="x"} has no __name__ label' },
      { index: 2, error: expect.stringMatching(/^series orphan\{job="y"\}: no experiment/) },
    ]);
  });

  it('counts native histogram samples, which it does not take', () => {
    const mapped = remoteWriteToMeasures(decode([{ labels: labels({ __name__: 'h' }), samples: [], histograms: [new Uint8Array([8, 1]), new Uint8Array([8, 2])] }]), { experiment: 'E' });
    expect(mapped.measures).toEqual([]);
    expect(mapped.histograms).toBe(2);
  });
});
