/**
 * Typed reading of the failsafe YAML tree with every problem collected (path, message; located later):
 * Go's yaml decoding of Alertmanager's fields, strict about unknown keys (Alertmanager's UnmarshalStrict),
 * and MyMONIT's refusal, by name, of keys it knows but does not support.
 */
import { isRawMap, type Raw, type RawMap } from '../../alerting/rules/raw';
import { parseDuration } from '../../alerting/rules/duration';
import type { ConfigPath } from './yaml-source';

export interface PathIssue {
  readonly path: ConfigPath;
  readonly message: string;
  readonly key: boolean;
}

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

export class Reader {
  readonly issues: PathIssue[] = [];

  add(path: ConfigPath, message: string, key = false): void {
    this.issues.push({ path, message, key });
  }

  /** A mapping (null: absent); anything else is refused. */
  map(value: Raw | undefined, path: ConfigPath): RawMap | undefined {
    if (value === undefined || value === null) return undefined;
    if (isRawMap(value)) return value;
    this.add(path, 'expected a mapping');
    return undefined;
  }

  list(value: Raw | undefined, path: ConfigPath): readonly Raw[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value as readonly Raw[];
    this.add(path, 'expected a list');
    return undefined;
  }

  /**
   * Refuses keys outside `supported`: those in `unsupported` as Alertmanager keys MyMONIT does not
   * implement, any other as unknown (Alertmanager's "field not found").
   */
  keys(map: RawMap, path: ConfigPath, supported: readonly string[], unsupported: readonly string[], what: string): void {
    for (const key of map.keys()) {
      if (supported.includes(key)) continue;
      if (unsupported.includes(key)) this.add([...path, key], `${what} key "${key}" is not supported by MyMONIT`, true);
      else this.add([...path, key], `unknown ${what} key "${key}"`, true);
    }
  }

  str(map: RawMap, key: string, path: ConfigPath): string | undefined {
    const value = map.get(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.add([...path, key], 'expected a string');
    return undefined;
  }

  bool(map: RawMap, key: string, path: ConfigPath): boolean | undefined {
    const value = this.str(map, key, path);
    if (value === undefined) return undefined;
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    this.add([...path, key], `cannot unmarshal ${JSON.stringify(value)} into a boolean`);
    return undefined;
  }

  /** A non-negative integer (Go's int / uint64 fields), at most 2^53 - 1. */
  int(map: RawMap, key: string, path: ConfigPath): number | undefined {
    const value = this.str(map, key, path);
    if (value === undefined) return undefined;
    const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) {
      this.add([...path, key], `cannot unmarshal ${JSON.stringify(value)} into a non-negative integer`);
      return undefined;
    }
    return n;
  }

  /** Prometheus's model.Duration (`1h30m`, `0`), in ms. */
  duration(map: RawMap, key: string, path: ConfigPath): number | undefined {
    const value = this.str(map, key, path);
    if (value === undefined) return undefined;
    const ms = parseDuration(value);
    if (typeof ms === 'number') return ms;
    this.add([...path, key], ms.error);
    return undefined;
  }

  strings(map: RawMap, key: string, path: ConfigPath): string[] | undefined {
    const items = this.list(map.get(key), [...path, key]);
    if (items === undefined) return undefined;
    const out: string[] = [];
    items.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else if (item === null) out.push('');
      else this.add([...path, key, i], 'expected a string');
    });
    return out;
  }

  /** A mapping of strings to strings (labels, headers), as a Map in file order. */
  stringMap(map: RawMap, key: string, path: ConfigPath): Map<string, string> | undefined {
    const value = this.map(map.get(key), [...path, key]);
    if (value === undefined) return undefined;
    const out = new Map<string, string>();
    for (const [k, v] of value) {
      if (typeof v === 'string') out.set(k, v);
      else if (v === null) out.set(k, '');
      else this.add([...path, key, k], 'expected a string');
    }
    return out;
  }
}
