import type { NotifyAlert } from '../../../../src/notify/alert';
import { templateData } from '../../../../src/notify/template/data';
import { formatGoTime } from '../../../../src/notify/template/go-time';
import { TemplateError, TemplateSet } from '../../../../src/notify/template/template';

const now = Date.parse('2026-12-03T12:00:00Z');

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}, resolved = false): NotifyAlert {
  return {
    fingerprint: '0000000000000001',
    labels: new Map(Object.entries(labels)),
    annotations: new Map(Object.entries(annotations)),
    startsAtMs: Date.parse('2026-12-03T10:00:00.5Z'),
    endsAtMs: resolved ? Date.parse('2026-12-03T11:00:00Z') : now + 60_000,
    endsAtGiven: resolved,
    updatedAtMs: now,
    generatorURL: 'http://prom/graph?g0=<x>&y',
    origin: 'api',
  };
}

const data = templateData({
  receiver: 'team',
  groupLabels: new Map([['alertname', 'DiskFull']]),
  alerts: [
    alert({ alertname: 'DiskFull', severity: 'critical', instance: 'a' }, { summary: 'disk <a> full' }),
    alert({ alertname: 'DiskFull', severity: 'critical', instance: 'b' }, { summary: 'disk b full' }),
    alert({ alertname: 'DiskFull', severity: 'critical', instance: 'c' }, {}, true),
  ],
  nowMs: now,
  externalURL: 'https://mymonit.example',
});

const set = TemplateSet.of([]);

describe('Alertmanager default templates', () => {
  it('email.default.subject is __subject: status, firing count, group label values, the other common labels', () => {
    expect(set.executeText('{{ template "email.default.subject" . }}', data)).toBe('[FIRING:2] DiskFull (critical)');
  });

  it('__subject of a resolved group without extra common labels', () => {
    const resolved = templateData({ receiver: 'r', groupLabels: new Map([['alertname', 'X']]), alerts: [alert({ alertname: 'X', i: '1' }, {}, true), alert({ alertname: 'X', i: '2' }, {}, true)], nowMs: now, externalURL: '' });
    expect(set.executeText('{{ template "__subject" . }}', resolved)).toBe('[RESOLVED] X ');
  });

  it('the html body escapes label values; the text body lists firing and resolved alerts', () => {
    const html = set.executeHtml('{{ template "email.default.html" . }}', data);
    expect(html).toContain('summary = disk &lt;a&gt; full');
    expect(html).toContain('href="http://prom/graph?g0=&lt;x&gt;&amp;y"');
    expect(html).toContain('[2] Firing');
    expect(html).toContain('[1] Resolved');
    const text = set.executeText('{{ template "email.default.text" . }}', data);
    expect(text).toContain('Firing:\nLabels:\n - alertname = DiskFull\n - instance = a\n - severity = critical\nAnnotations:\n - summary = disk <a> full\n');
    expect(text).toContain('View in MyMONIT: https://mymonit.example/#/alerts');
  });
});

describe('the Go text/template subset', () => {
  const run = (text: string) => set.executeText(text, data);

  it.each([
    ['{{ .Receiver }}/{{ .Status }}', 'team/firing'],
    ['{{ len .Alerts }} {{ .Alerts.Resolved | len }}', '3 1'],
    ['{{ range $i, $a := .Alerts }}{{ $i }}:{{ $a.Labels.instance }} {{ end }}', '0:a 1:b 2:c '],
    ['{{ range .Alerts.Firing }}{{ .Labels.instance }}{{ else }}none{{ end }}', 'ab'],
    ['{{ range .Alerts.Firing.Resolved }}x{{ else }}none{{ end }}', 'none'],
    ['{{ if eq .Status "resolved" }}r{{ else if eq .Status "firing" }}f{{ else }}?{{ end }}', 'f'],
    ['{{ with .CommonLabels.nothing }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ .CommonLabels }}', 'alertname=DiskFull, severity=critical'],
    ['{{ .CommonLabels.SortedPairs.Names | join "," }}', 'alertname,severity'],
    ['{{ index .CommonLabels "severity" | toUpper }}', 'CRITICAL'],
    ['{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}', 'b'],
    ['{{- /* comment */ -}}  x  {{- " y" }}', 'x y'],
    ['{{ printf "%s=%d" "n" 3 }}', 'n=3'],
    ['{{ title "hello world" }} {{ trimSpace "  a " }}', 'Hello World a'],
    ['{{ reReplaceAll "(a+)" "<$1>" "baaac" }} {{ match "^b" "bc" }}', 'b<aaa>c true'],
    ['{{ stringSlice "x" "y" | join "-" }}', 'x-y'],
    ['{{ (index .Alerts 0).StartsAt }}', '2026-12-03 10:00:00.5 +0000 UTC'],
    ['{{ (index .Alerts 0).StartsAt.Format "2006-01-02 15:04:05.000 MST" }}', '2026-12-03 10:00:00.500 UTC'],
    ['{{ (index .Alerts 0).EndsAt }}', '0001-01-01 00:00:00 +0000 UTC'],
    ['{{ and 1 0 }} {{ or 0 "x" }} {{ not false }}', '0 x true'],
    ['{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .Status }}', '[firing]'],
    ['{{ block "b" .Receiver }}<{{ . }}>{{ end }}', '<team>'],
    ['{{ .Alerts.Firing | len | printf "%d firing" }}', '2 firing'],
  ])('%s', (text, expected) => expect(run(text)).toBe(expected));

  it.each([
    ['{{ break }}', /break.*not supported/],
    ['{{ range .Alerts }}{{ continue }}{{ end }}', /continue.*not supported/],
    ['{{ call .X }}', /function "call" is not supported/],
    ['{{ nosuch .X }}', /function "nosuch" not defined/],
    ['{{ if .Status }}x', /without \{\{end\}\}|EOF/],
    ['{{ with .Status }}a{{ else with .Receiver }}b{{ end }}', /else with.*not supported/],
    ["{{ 'a' }}", /character constants/],
    ['{{ template "nosuch" . }}', /no such template "nosuch"/],
    ['{{ .Nope }}', /can't evaluate field Nope in type template.Data/],
    ['{{ $y }}', /undefined variable: \$y/],
    ['{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}', /maximum template depth/],
  ])('refuses %s with a clear error', (text, message) => {
    const error = (() => {
      try {
        run(text);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(message);
  });

  it('config templates may redefine a default, and check() refuses without running', () => {
    const custom = TemplateSet.of([{ path: 'custom.tmpl', text: '{{ define "__alertmanager" }}Ops{{ end }}' }]);
    expect(custom.executeText('{{ template "__alertmanager" . }}', data)).toBe('Ops');
    expect(() => custom.check('{{ range }}')).toThrow(TemplateError);
  });

  it('html escaping leaves safeHtml alone', () => {
    expect(set.executeHtml('{{ "<b>" }}{{ safeHtml "<i>" }}', data)).toBe('&lt;b&gt;<i>');
  });
});

describe('Go time layouts', () => {
  it.each([
    ['2006-01-02T15:04:05Z07:00', '2026-03-04T17:05:06Z'],
    ['Mon Jan _2 3:04PM', 'Wed Mar  4 5:05PM'],
    ['02/01/06 15:04:05.999', '04/03/26 17:05:06.07'],
    ['Monday, January 2 2006 -0700 MST', 'Wednesday, March 4 2026 +0000 UTC'],
  ])('%s', (layout, expected) => expect(formatGoTime(Date.parse('2026-03-04T17:05:06.070Z'), layout)).toBe(expected));
});
