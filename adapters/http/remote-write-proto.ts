import { parse, type Type } from 'protobufjs';

/**
 * Prometheus remote-write 1.0's messages, from prometheus/prompb remote.proto and types.proto (v2.42),
 * trimmed to what a receiver reads (gogoproto options dropped). Native histograms (field 4) are kept as
 * opaque bytes: this receiver does not take them, but counts them rather than losing them unseen.
 */
export const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package prometheus;

message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2;
  repeated MetricMetadata metadata = 3;
}

message MetricMetadata {
  enum MetricType {
    UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7;
  }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}

message Sample {
  double value = 1;
  int64 timestamp = 2;
}

message Exemplar {
  repeated Label labels = 1;
  double value = 2;
  int64 timestamp = 3;
}

message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated bytes histograms = 4;
}

message Label {
  string name = 1;
  string value = 2;
}
`;

/** `prometheus.WriteRequest`, parsed once. */
export const WriteRequestType: Type = parse(REMOTE_WRITE_PROTO, { keepCase: true }).root.lookupType('prometheus.WriteRequest');
