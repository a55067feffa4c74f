/** What openapi.yaml allows in a metric or source name (`Name`) and in a tag key. */
const NAME_CHAR = /[^A-Za-z0-9_.:/-]/g;

/**
 * Makes a metric name or tag key from an external name (an InfluxDB measurement with spaces, a label):
 * characters the contract refuses become `_`. Deterministic, so one series stays one series.
 */
export function sanitizeName(name: string, maxLength = 128): string {
  return name.replace(NAME_CHAR, '_').slice(0, maxLength);
}
