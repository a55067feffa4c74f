/**
 * Alertmanager's time interval syntax (timeinterval/timeinterval.go, 0.25): `times` (HH:MM, end exclusive,
 * 24:00 allowed), `weekdays` (names, ranges `monday:friday`), `days_of_month` (1..31 or -31..-1),
 * `months` (names or 1..12), `years`, `location` (an IANA zone; default UTC).
 */
import type { Raw } from '../../alerting/rules/raw';
import type { Reader } from '../config/reader';
import type { ConfigPath } from '../config/yaml-source';
import { isKnownLocation } from './active';
import type { TimeInterval } from './time-interval';

type Range = { begin: number; end: number };

const DAYS: ReadonlyMap<string, number> = new Map(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d, i) => [d, i]),
);
const MONTHS: ReadonlyMap<string, number> = new Map(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].map(
    (m, i) => [m, i + 1],
  ),
);
const TIME_RE = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;
const INTERVAL_KEYS = ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'];

/** Go's strconv.Atoi: optional sign, decimal digits. */
function atoi(text: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
}

/** stringableRangeFromString: `a` or `a:b`, lowercased. */
function parseRange(text: string, member: (s: string) => number | string): Range | string {
  const input = text.toLowerCase();
  const parts = input.includes(':') ? input.split(':') : [input, input];
  if (parts.length !== 2) return `couldn't parse range ${JSON.stringify(input)}, invalid format`;
  const begin = member(parts[0] ?? '');
  if (typeof begin === 'string') return begin;
  const end = member(parts[1] ?? '');
  if (typeof end === 'string') return end;
  return { begin, end };
}

function parseMinute(text: string): number | undefined {
  if (!TIME_RE.test(text)) return undefined;
  const [h, m] = text.split(':');
  return Number(h) * 60 + Number(m);
}

function ranges(reader: Reader, items: readonly Raw[] | undefined, path: ConfigPath, check: (s: string) => Range | string): Range[] {
  const out: Range[] = [];
  items?.forEach((item, i) => {
    if (typeof item !== 'string') {
      reader.add([...path, i], 'expected a string');
      return;
    }
    const r = check(item);
    if (typeof r === 'string') reader.add([...path, i], r);
    else out.push(r);
  });
  return out;
}

function weekday(text: string): Range | string {
  const r = parseRange(text, (s) => DAYS.get(s) ?? `${s} is not a valid weekday`);
  if (typeof r === 'string') return r;
  if (r.begin > r.end) return 'start day cannot be before end day';
  return r;
}

function dayOfMonth(text: string): Range | string {
  const r = parseRange(text, (s) => atoi(s) ?? `invalid day of month ${JSON.stringify(s)}`);
  if (typeof r === 'string') return r;
  if (r.begin === 0 || r.begin < -31 || r.begin > 31) return `${r.begin} is not a valid day of the month: out of range`;
  if (r.end === 0 || r.end < -31 || r.end > 31) return `${r.end} is not a valid day of the month: out of range`;
  if (r.begin < 0 && r.end > 0) return 'end day must be negative if start day is negative';
  const checkBegin = r.begin < 0 ? 28 + r.begin : r.begin;
  const checkEnd = r.end < 0 ? 28 + r.end : r.end;
  if (checkBegin > checkEnd) return `end day ${r.end} is always before start day ${r.begin}`;
  return r;
}

function month(text: string): Range | string {
  const r = parseRange(text, (s) => {
    const n = atoi(s);
    // Alertmanager 0.25 does not range-check numeric months (13 never matches).
    if (n !== undefined) return n;
    return MONTHS.get(s) ?? `${s} is not a valid month`;
  });
  if (typeof r === 'string') return r;
  if (r.begin > r.end) return `end month ${r.end} is before start month ${r.begin}`;
  return r;
}

function year(text: string): Range | string {
  const r = parseRange(text, (s) => atoi(s) ?? `invalid year ${JSON.stringify(s)}`);
  if (typeof r === 'string') return r;
  if (r.begin > r.end) return `end year ${r.end} is before start year ${r.begin}`;
  return r;
}

/** One entry of a `time_intervals[].time_intervals` list; undefined (with issues) when invalid. */
export function parseTimeInterval(reader: Reader, raw: Raw, path: ConfigPath): TimeInterval | undefined {
  const before = reader.issues.length;
  const map = reader.map(raw, path);
  if (map === undefined) return raw === null ? { times: [], weekdays: [], daysOfMonth: [], months: [], years: [], location: 'UTC' } : undefined;
  reader.keys(map, path, INTERVAL_KEYS, [], 'time interval');
  const times: { startMinute: number; endMinute: number }[] = [];
  reader.list(map.get('times'), [...path, 'times'])?.forEach((item, i) => {
    const at = [...path, 'times', i];
    const range = reader.map(item, at);
    if (range === undefined) return;
    reader.keys(range, at, ['start_time', 'end_time'], [], 'time range');
    const startText = reader.str(range, 'start_time', at) ?? '';
    const endText = reader.str(range, 'end_time', at) ?? '';
    if (startText === '' || endText === '') {
      reader.add(at, 'both start and end times must be provided');
      return;
    }
    const start = parseMinute(startText);
    const end = parseMinute(endText);
    if (start === undefined) reader.add([...at, 'start_time'], `couldn't parse timestamp ${startText}, invalid format`);
    else if (end === undefined) reader.add([...at, 'end_time'], `couldn't parse timestamp ${endText}, invalid format`);
    else if (start >= end) reader.add(at, 'start time cannot be equal or greater than end time');
    else times.push({ startMinute: start, endMinute: end });
  });
  const weekdays = ranges(reader, reader.list(map.get('weekdays'), [...path, 'weekdays']), [...path, 'weekdays'], weekday);
  const daysOfMonth = ranges(reader, reader.list(map.get('days_of_month'), [...path, 'days_of_month']), [...path, 'days_of_month'], dayOfMonth);
  const months = ranges(reader, reader.list(map.get('months'), [...path, 'months']), [...path, 'months'], month);
  const years = ranges(reader, reader.list(map.get('years'), [...path, 'years']), [...path, 'years'], year);
  let location = reader.str(map, 'location', path) ?? 'UTC';
  if (location === '') location = 'UTC';
  // Go's "Local": the zone of the process (TZ), as Alertmanager reads it.
  if (location === 'Local') location = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isKnownLocation(location)) reader.add([...path, 'location'], `unknown time zone ${location}`);
  if (reader.issues.length > before) return undefined;
  return { times, weekdays, daysOfMonth, months, years, location };
}
