import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

/** Prometheus remote-write 1.0: the subset of prometheus/prompb that carries float samples. */
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;
const WriteRequest = protobuf.parse(PROTO).root.lookupType('prometheus.WriteRequest');

export interface RemoteWriteSeries {
  /** Including __name__. */
  labels: ReadonlyArray<readonly [string, string]>;
  samples: ReadonlyArray<{ value: number; timestampMs: number }>;
}

/** The snappy-compressed protobuf body of a remote-write request. */
export function encodeWriteRequest(series: readonly RemoteWriteSeries[]): Uint8Array {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      // Prometheus wants the labels of a series sorted by name.
      labels: [...s.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value })),
      samples: s.samples.map(({ value, timestampMs }) => ({ value, timestamp: timestampMs })),
    })),
  });
  return compress(WriteRequest.encode(message).finish());
}

/** POSTs samples to a remote-write receiver (Prometheus started with --web.enable-remote-write-receiver). */
export async function remoteWrite(url: string, series: readonly RemoteWriteSeries[], headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...headers,
    },
    body: encodeWriteRequest(series),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`remote write to ${url} answered ${response.status}: ${text}`);
}
