import { autocompletion, closeBrackets } from '@codemirror/autocomplete';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { minimalSetup } from 'codemirror';
import { authorizedFetch } from '../../api/client';

/**
 * The PromQL editor (CodeMirror 6 + @prometheus-io/codemirror-promql), in its own lazy chunk. Completion
 * asks the platform's Prometheus API (/prometheus/api/v1/labels, /label/{name}/values, /series) with the
 * session's bearer token through the library's `fetchFn`. The platform has no metric metadata or flags
 * endpoints: those two answer locally with an empty result (no request, no 404 in the console).
 * Colours are the theme's custom properties, so both themes keep their contrast.
 */
const EMPTY = new Set(['/prometheus/api/v1/metadata', '/prometheus/api/v1/status/flags']);

function promFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href);
  if (EMPTY.has(url.pathname)) return Promise.resolve(new Response(JSON.stringify({ status: 'success', data: {} }), { headers: { 'content-type': 'application/json' } }));
  return authorizedFetch(url, init);
}

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--link)', fontWeight: 'bold' },
  { tag: [tags.function(tags.variableName), tags.standard(tags.variableName)], color: 'var(--degraded-text)' },
  { tag: [tags.number, tags.unit], color: 'var(--ok-text)' },
  { tag: tags.string, color: 'var(--major-text)' },
  { tag: [tags.labelName, tags.attributeName], fontStyle: 'italic' },
  { tag: tags.comment, color: 'var(--muted)' },
  { tag: tags.invalid, textDecoration: 'underline wavy' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--surface)', border: '1px solid var(--border)', borderRadius: '4px' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '1px' },
  '.cm-content': { caretColor: 'var(--text)', fontFamily: 'ui-monospace, monospace', minHeight: '2.5em', padding: '6px 0', fontSize: '1rem' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-text)' },
  '.cm-completionDetail': { color: 'inherit' },
  '.cm-completionMatchedText': { textDecoration: 'underline', color: 'inherit' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { backgroundColor: 'var(--unknown-bg)' },
});

/**
 * The editor lives in a shadow root: CodeMirror's style-mod then uses a constructable stylesheet
 * (adoptedStyleSheets), which `style-src 'self'` allows; on a document it would add a <style> element the
 * CSP refuses. The theme's custom properties inherit into the shadow tree.
 */
export function createEditor(host: HTMLElement, options: { doc: string; label: string; onRun: () => void; onChange: (text: string) => void }): EditorView {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const promql = new PromQLExtension().activateCompletion(true).setComplete({ remote: { url: '/prometheus', httpMethod: 'GET', fetchFn: promFetch, httpErrorHandler: () => undefined } });
  return new EditorView({
    parent: root,
    root,
    doc: options.doc,
    extensions: [
      keymap.of([{ key: 'Enter', run: () => (options.onRun(), true) }]),
      minimalSetup,
      closeBrackets(),
      autocompletion(),
      promql.asExtension(),
      syntaxHighlighting(highlight),
      placeholder('e.g. avg_over_time(temperature[5m])'),
      theme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': options.label, 'aria-multiline': 'false' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange(update.state.doc.toString());
      }),
    ],
  });
}
