/**
 * Go's time.Time.Format in UTC, for `{{ .StartsAt.Format "2006-01-02 15:04:05" }}`: the reference-time
 * layout elements (2006 06 01 1 Jan January 02 2 _2 002 15 03 3 04 4 05 5 PM pm Mon Monday MST Z07:00 Z0700
 * -07:00 -0700 -07 .000 .999 ,000 ...). Pure.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const TOKENS = [
  'January', 'Monday', '2006', 'Z07:00:00', '-07:00:00', 'Z07:00', '-07:00', 'Z0700', '-0700', 'Jan', 'Mon', 'MST', '002', '_2',
  '01', '02', '03', '04', '05', '06', '15', 'Z07', '-07', 'PM', 'pm', '1', '2', '3', '4', '5',
];

/** Go's zero time, 0001-01-01T00:00:00Z (Date.UTC reads years 0-99 as 19xx, hence setUTCFullYear). */
const GO_ZERO_TIME_MS = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);

const pad = (n: number, width: number, fill = '0') => String(n).padStart(width, fill);

export function formatGoTime(ms: number | undefined, layout: string): string {
  const d = new Date(ms ?? GO_ZERO_TIME_MS);
  const millis = d.getUTCMilliseconds();
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const fraction = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (fraction) {
      const digits = fraction[1]!;
      const full = pad(millis, 3) + '000000';
      let text = full.slice(0, digits.length);
      if (digits[0] === '9') text = text.replace(/0+$/, '');
      out += text === '' ? '' : layout[i] + text;
      i += fraction[0].length;
      continue;
    }
    const token = TOKENS.find((t) => layout.startsWith(t, i));
    if (token === undefined) {
      out += layout[i];
      i++;
      continue;
    }
    const hour = d.getUTCHours();
    switch (token) {
      case 'January': out += MONTHS[d.getUTCMonth()]; break;
      case 'Jan': out += MONTHS[d.getUTCMonth()]!.slice(0, 3); break;
      case 'Monday': out += DAYS[d.getUTCDay()]; break;
      case 'Mon': out += DAYS[d.getUTCDay()]!.slice(0, 3); break;
      case '2006': out += pad(d.getUTCFullYear(), 4); break;
      case '06': out += pad(d.getUTCFullYear() % 100, 2); break;
      case '01': out += pad(d.getUTCMonth() + 1, 2); break;
      case '1': out += String(d.getUTCMonth() + 1); break;
      case '02': out += pad(d.getUTCDate(), 2); break;
      case '_2': out += pad(d.getUTCDate(), 2, ' '); break;
      case '2': out += String(d.getUTCDate()); break;
      case '002': {
        const start = Date.UTC(d.getUTCFullYear(), 0, 1);
        out += pad(Math.floor((d.getTime() - start) / 86_400_000) + 1, 3);
        break;
      }
      case '15': out += pad(hour, 2); break;
      case '03': out += pad(hour % 12 === 0 ? 12 : hour % 12, 2); break;
      case '3': out += String(hour % 12 === 0 ? 12 : hour % 12); break;
      case '04': out += pad(d.getUTCMinutes(), 2); break;
      case '4': out += String(d.getUTCMinutes()); break;
      case '05': out += pad(d.getUTCSeconds(), 2); break;
      case '5': out += String(d.getUTCSeconds()); break;
      case 'PM': out += hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += hour >= 12 ? 'pm' : 'am'; break;
      case 'MST': out += 'UTC'; break;
      case 'Z07:00:00': case 'Z07:00': case 'Z0700': case 'Z07': out += 'Z'; break;
      case '-07:00:00': out += '+00:00:00'; break;
      case '-07:00': out += '+00:00'; break;
      case '-0700': out += '+0000'; break;
      case '-07': out += '+00'; break;
    }
    i += token.length;
  }
  return out;
}
