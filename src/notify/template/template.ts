import { KV as KVData, TemplateAlert, TemplateData } from './data';
import { Alerts, Executor, GoStruct, GoTime, KV } from './execute';
import { DEFAULT_TEMPLATES } from './default-templates';
import { type Node, parseTemplate, TemplateError } from './parse';

export { TemplateError } from './parse';

/** Bounds of one execution: a template that loops or grows without end fails instead of stalling a flush. */
const LIMITS = { maxOutput: 1_000_000, maxSteps: 1_000_000 };

function alertValue(alert: TemplateAlert): GoStruct {
  return new GoStruct(
    'template.Alert',
    new Map<string, unknown>([
      ['Status', alert.status],
      ['Labels', new KV(alert.labels)],
      ['Annotations', new KV(alert.annotations)],
      ['StartsAt', new GoTime(alert.startsAtMs)],
      ['EndsAt', new GoTime(alert.endsAtMs)],
      ['GeneratorURL', alert.generatorURL],
      ['Fingerprint', alert.fingerprint],
    ]),
  );
}

/** template.Data as templates see it: `.Receiver .Status .Alerts .GroupLabels .CommonLabels .CommonAnnotations .ExternalURL`. */
export function dataValue(data: TemplateData): GoStruct {
  const kv = (map: KVData) => new KV(map);
  return new GoStruct(
    'template.Data',
    new Map<string, unknown>([
      ['Receiver', data.receiver],
      ['Status', data.status],
      ['Alerts', new Alerts(data.alerts.map(alertValue))],
      ['GroupLabels', kv(data.groupLabels)],
      ['CommonLabels', kv(data.commonLabels)],
      ['CommonAnnotations', kv(data.commonAnnotations)],
      ['ExternalURL', data.externalURL],
    ]),
  );
}

let defaults: ReadonlyMap<string, readonly Node[]> | undefined;

function defaultDefinitions(): ReadonlyMap<string, readonly Node[]> {
  if (!defaults) {
    const map = new Map<string, readonly Node[]>();
    parseTemplate('default.tmpl', DEFAULT_TEMPLATES, map);
    defaults = map;
  }
  return defaults;
}

/**
 * A set of template definitions: MyMONIT's defaults (Alertmanager's default.tmpl names), then the
 * configuration's `templates:` files in order (a later `define` replaces an earlier one, as in Go).
 * Every construct outside the supported subset is refused when the set or a text is parsed
 * (TemplateError, naming it and its line).
 */
export class TemplateSet {
  private constructor(private readonly defines: ReadonlyMap<string, readonly Node[]>) {}

  static of(sources: readonly { readonly path: string; readonly text: string }[]): TemplateSet {
    const map = new Map(defaultDefinitions());
    for (const source of sources) parseTemplate(source.path, source.text, map);
    return new TemplateSet(map);
  }

  /** Checks a template text (an email header, html or text) without running it. */
  check(text: string): void {
    parseTemplate('check', text, new Map(this.defines));
  }

  /** Alertmanager's ExecuteTextString: an empty text is empty; definitions in the text apply to it only. */
  executeText(text: string, data: TemplateData): string {
    return this.execute(text, data, false);
  }

  /** ExecuteHTMLString: the same with every printed value HTML-escaped (safeHtml excepted). */
  executeHtml(text: string, data: TemplateData): string {
    return this.execute(text, data, true);
  }

  private execute(text: string, data: TemplateData, html: boolean): string {
    if (text === '') return '';
    const defines = new Map(this.defines);
    const nodes = parseTemplate('', text, defines);
    return new Executor('', defines, { html, ...LIMITS }).run(nodes, dataValue(data));
  }
}

export function isTemplateError(error: unknown): error is TemplateError {
  return error instanceof TemplateError;
}
