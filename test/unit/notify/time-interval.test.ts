import { Reader } from '../../../src/notify/config/reader';
import { isActiveAt, isMutedAt } from '../../../src/notify/timeinterval/active';
import { parseTimeInterval } from '../../../src/notify/timeinterval/parse';
import { readYaml } from '../../../src/notify/config/yaml-source';
import type { TimeInterval } from '../../../src/notify/timeinterval/time-interval';

function interval(yaml: string): TimeInterval {
  const reader = new Reader();
  const parsed = parseTimeInterval(reader, readYaml(yaml).raw, []);
  if (!parsed) throw new Error(reader.issues.map((i) => i.message).join('; '));
  return parsed;
}

const at = (iso: string): number => Date.parse(iso);

describe('time intervals (timeinterval.ContainsTime)', () => {
  it('business hours in a zone, end exclusive', () => {
    const business = interval("times: [{start_time: '09:00', end_time: '17:00'}]\nweekdays: ['monday:friday']\nlocation: Europe/Paris");
    expect(isActiveAt(business, at('2026-12-03T08:00:00Z'))).toBe(true); // Thursday 09:00 in Paris
    expect(isActiveAt(business, at('2026-12-03T07:59:59Z'))).toBe(false);
    expect(isActiveAt(business, at('2026-12-03T16:00:00Z'))).toBe(false); // 17:00 Paris: end exclusive
    expect(isActiveAt(business, at('2026-12-05T10:00:00Z'))).toBe(false); // Saturday
    // Summer time: 09:00 Paris is 07:00 UTC.
    expect(isActiveAt(business, at('2026-07-01T07:00:00Z'))).toBe(true);
  });

  it('days of month from the end, clamped to the month', () => {
    const lastDays = interval("days_of_month: ['-3:-1']");
    expect(isActiveAt(lastDays, at('2026-02-26T12:00:00Z'))).toBe(true);
    expect(isActiveAt(lastDays, at('2026-02-25T12:00:00Z'))).toBe(false);
    expect(isActiveAt(lastDays, at('2026-01-29T00:00:00Z'))).toBe(true);
    const thirtyFirst = interval("days_of_month: ['31']");
    expect(isActiveAt(thirtyFirst, at('2026-04-30T00:00:00Z'))).toBe(false);
    const to31 = interval("days_of_month: ['28:31']");
    expect(isActiveAt(to31, at('2026-02-28T00:00:00Z'))).toBe(true);
  });

  it('months, years, 24:00', () => {
    const i = interval("months: ['may:august', december]\nyears: ['2026']\ntimes: [{start_time: '23:00', end_time: '24:00'}]");
    expect(isActiveAt(i, at('2026-12-31T23:59:00Z'))).toBe(true);
    expect(isActiveAt(i, at('2027-12-31T23:59:00Z'))).toBe(false);
    expect(isActiveAt(i, at('2026-09-01T23:30:00Z'))).toBe(false);
  });

  it('an empty interval is always active', () => {
    expect(isActiveAt(interval('{}'), 0)).toBe(true);
  });
});

describe('isMutedAt (TimeMuteStage + TimeActiveStage)', () => {
  const weekend = interval('weekdays: [saturday, sunday]');
  const mornings = interval("times: [{start_time: '06:00', end_time: '12:00'}]");
  const intervals = new Map([
    ['weekend', [weekend]],
    ['mornings', [mornings]],
  ]);
  const saturdayMorning = at('2026-12-05T08:00:00Z');
  const thursdayMorning = at('2026-12-03T08:00:00Z');
  const thursdayEvening = at('2026-12-03T20:00:00Z');

  it('mutes inside a mute interval, outside every active interval', () => {
    const route = { muteTimeIntervals: ['weekend'], activeTimeIntervals: ['mornings'] };
    expect(isMutedAt(route, intervals, saturdayMorning)).toBe(true);
    expect(isMutedAt(route, intervals, thursdayMorning)).toBe(false);
    expect(isMutedAt(route, intervals, thursdayEvening)).toBe(true);
    expect(isMutedAt({ muteTimeIntervals: [], activeTimeIntervals: [] }, intervals, saturdayMorning)).toBe(false);
  });
});
