import { useEffect, useRef, useState } from 'preact/hooks';
import { describedBy } from '../../components/FormField';
import type { CodeEditor } from './code-editor';

/**
 * A labelled code editor (CodeMirror, loaded on first use as its own chunk) with a hint and a field error,
 * like FormField: `<CodeField id="expr-0" label="Expression" language="promql" value=... onChange=... />`.
 */
export function CodeField({
  id,
  label,
  language,
  value,
  onChange,
  hint,
  error,
}: {
  id: string;
  label: string;
  language: 'promql' | 'lua';
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  error?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditor | null>(null);
  const change = useRef(onChange);
  change.current = onChange;
  // Effects of an older render can run after a newer render: push the newest value, not the captured one.
  const latest = useRef(value);
  latest.current = value;
  const [failed, setFailed] = useState<string | undefined>();
  const labelId = `${id}-label`;
  const described = describedBy(id, hint, error);
  useEffect(() => {
    let cancelled = false;
    import('./code-editor')
      .then(({ createEditor }) => {
        if (cancelled || !host.current) return;
        editor.current = createEditor(host.current, {
          language,
          value: latest.current,
          labelledBy: labelId,
          describedBy: described,
          onChange: (text) => change.current(text),
        });
      })
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      editor.current?.destroy();
      editor.current = null;
    };
  }, [language]);
  useEffect(() => editor.current?.setValue(latest.current), [value]);
  useEffect(() => editor.current?.setDescribedBy(described), [described]);
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label id={labelId} for={failed ? id : undefined}>
        {label}
      </label>
      {failed ? (
        <textarea id={id} rows={4} value={value} aria-describedby={described} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />
      ) : (
        <div class={`rules-code rules-code-${language}`} ref={host} id={id} data-language={language} />
      )}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
