/**
 * CodeMirror 6 for the rule pages, loaded only through import() (its own chunk): PromQL (with the
 * Prometheus project's parser, linter and completion of functions and keywords; no remote completion,
 * which would fetch around the API client) or Lua (the legacy stream mode). Highlighting is done with
 * classes (tok-keyword, tok-string, ...) that styles.css colours from the theme variables, so both themes
 * keep AA contrast and no inline style is needed.
 */
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { closeBrackets } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { StreamLanguage, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';

export interface EditorOptions {
  language: 'promql' | 'lua';
  value: string;
  onChange: (value: string) => void;
  /** The id of the visible <label>: the editable area is labelled by it. */
  labelledBy: string;
  /** aria-describedby of the editable area (hint, error). */
  describedBy?: string;
}

export interface CodeEditor {
  setValue(value: string): void;
  setDescribedBy(describedBy: string | undefined): void;
  destroy(): void;
}

function languageOf(language: EditorOptions['language']): Extension {
  if (language === 'lua') return StreamLanguage.define(lua);
  return new PromQLExtension().activateCompletion(true).activateLinter(true).asExtension();
}

/**
 * Marks a change made by setValue (the form's state pushed into the editor): it is not reported back through
 * onChange. Reporting it would let a render with an older value and the next one echo each other for ever.
 */
const fromForm = Annotation.define<boolean>();

export function createEditor(parent: HTMLElement, options: EditorOptions): CodeEditor {
  let describedBy = options.describedBy;
  const attributes = () => ({
    'aria-labelledby': options.labelledBy,
    'aria-multiline': 'true',
    role: 'textbox',
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
  });
  const attributeCompartment = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.value,
      extensions: [
        history(),
        closeBrackets(),
        bracketMatching(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        languageOf(options.language),
        syntaxHighlighting(classHighlighter),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((t) => t.annotation(fromForm))) options.onChange(update.state.doc.toString());
        }),
        attributeCompartment.of(EditorView.contentAttributes.of(attributes())),
      ],
    }),
  });
  return {
    setValue(value) {
      if (value !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value }, annotations: fromForm.of(true) });
    },
    setDescribedBy(next) {
      describedBy = next;
      view.dispatch({ effects: attributeCompartment.reconfigure(EditorView.contentAttributes.of(attributes())) });
    },
    destroy() {
      view.destroy();
    },
  };
}
