/**
 * The definitions every template can call, loaded before the configuration's `templates:` (which may
 * redefine them), as Alertmanager loads its default.tmpl. The names and what they print follow
 * Alertmanager 0.25's default.tmpl for the ones MyMONIT uses: `__alertmanager`, `__alertmanagerURL`,
 * `__subject`, `__description`, `__text_alert_list`, `email.default.subject`, `email.default.html`;
 * `email.default.text` is MyMONIT's plain-text body. The HTML body is MyMONIT's own, simpler layout.
 */
export const DEFAULT_TEMPLATES = `{{ define "__alertmanager" }}MyMONIT{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts{{ end }}

{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
{{ define "__description" }}{{ end }}

{{ define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}

{{ define "__html_alert_list" }}{{ range . }}
<tr><td style="padding:0 0 16px">
<strong>Labels</strong><br>
{{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end }}{{ if gt (len .Annotations) 0 }}<strong>Annotations</strong><br>
{{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>
{{ end }}{{ end }}{{ if .GeneratorURL }}<a href="{{ .GeneratorURL }}">Source</a><br>{{ end }}
</td></tr>{{ end }}{{ end }}

{{ define "email.default.html" }}<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>{{ template "__subject" . }}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;font-size:14px;background:#f6f6f6;margin:0;padding:20px">
<table style="max-width:600px;margin:0 auto;background:#fff;border:1px solid #e9e9e9;border-radius:3px" width="100%" cellpadding="0" cellspacing="0">
<tr><td style="padding:20px;background:{{ if eq .Status "firing" }}#e6522c{{ else }}#68b90f{{ end }};color:#fff;font-size:16px;text-align:center">
{{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}
</td></tr>
<tr><td style="padding:10px"><table width="100%" cellpadding="0" cellspacing="0">
<tr><td style="padding:0 0 16px"><a href="{{ template "__alertmanagerURL" . }}">View in {{ template "__alertmanager" . }}</a></td></tr>
{{ if gt (len .Alerts.Firing) 0 }}<tr><td style="padding:0 0 16px"><strong>[{{ .Alerts.Firing | len }}] Firing</strong></td></tr>
{{ template "__html_alert_list" .Alerts.Firing }}
{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}<tr><td style="padding:0 0 16px"><strong>[{{ .Alerts.Resolved | len }}] Resolved</strong></td></tr>
{{ template "__html_alert_list" .Alerts.Resolved }}
{{ end }}</table></td></tr>
</table>
<p style="text-align:center;color:#999;font-size:12px"><a href="{{ .ExternalURL }}" style="color:#999">Sent by {{ template "__alertmanager" . }}</a></p>
</body>
</html>
{{ end }}

{{ define "email.default.text" }}{{ template "__subject" . }}
{{ if gt (len .Alerts.Firing) 0 }}
Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}
Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}
View in {{ template "__alertmanager" . }}: {{ template "__alertmanagerURL" . }}
{{ end }}
`;
