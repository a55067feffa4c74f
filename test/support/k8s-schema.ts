import path from 'node:path';
import ts from 'typescript';

/**
 * Validates Kubernetes objects offline against the API's published schemas, as shipped by the npm
 * packages kubernetes-models (the core API's OpenAPI definitions), @kubernetes-models/keda (KEDA's CRDs)
 * and @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule), in two passes:
 *  1. the JSON Schema of each kind (types, required fields, enums, formats), compiled with ajv by the
 *     package: `new Deployment(doc).validate()`;
 *  2. unknown fields, which those schemas allow but `kubectl apply --validate=strict` refuses: each object
 *     is type-checked as a literal of the kind's generated TypeScript interface, where an unknown field is
 *     an excess-property error (a typo such as `readinessProbes` or a field at the wrong level).
 * No cluster and no network: kubectl's own validation needs an API server, kubeconform downloads schemas.
 */
interface KindModule {
  module: string;
  kind: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** apiVersion + kind -> the module path of its model, e.g. apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): KindModule {
  if (apiVersion.startsWith('keda.sh/')) return { module: `@kubernetes-models/keda/${apiVersion}/${kind}`, kind };
  if (apiVersion.startsWith('monitoring.coreos.com/')) return { module: `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`, kind };
  const groupVersion = apiVersion.includes('/') ? apiVersion : `v1`;
  return { module: `kubernetes-models/${groupVersion}/${kind}`, kind };
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  [key: string]: unknown;
}

/** Pass 1: the kind's JSON Schema. Returns one message per invalid object. */
export async function schemaErrors(objects: K8sObject[]): Promise<string[]> {
  type Model = new (data: unknown) => { validate(): void };
  const errors: string[] = [];
  for (const object of objects) {
    const { module, kind } = modelModule(object.apiVersion, object.kind);
    const loaded = (await import(module).catch(() => ({}))) as Record<string, Model | undefined>;
    const Model = loaded[kind];
    if (!Model) {
      errors.push(`${object.kind} ${object.metadata?.name}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      errors.push(`${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Pass 2: unknown fields (and type mismatches) through the generated interfaces. */
export function unknownFieldErrors(objects: K8sObject[]): string[] {
  const imports = new Map<string, string>();
  const lines: string[] = [];
  objects.forEach((object, index) => {
    const { module, kind } = modelModule(object.apiVersion, object.kind);
    if (!imports.has(module)) imports.set(module, `import type { I${kind} as T${imports.size} } from '${module}';`);
    const alias = `T${[...imports.keys()].indexOf(module)}`;
    lines.push(`export const object${index}: ${alias} = ${JSON.stringify(object, null, 2)};`);
  });
  const fileName = path.join(ROOT, '__k8s_manifests__.ts');
  const source = [...imports.values(), ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => name === fileName || ts.sys.fileExists(name);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.getSourceFile = (name, language) =>
    name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language);
  const program = ts.createProgram([fileName], options, host);
  const sourceFile = program.getSourceFile(fileName);
  return ts.getPreEmitDiagnostics(program, sourceFile).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file && diagnostic.start !== undefined) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const owner = source.split('\n').slice(0, line + 1).reverse().find((l) => l.startsWith('export const object'));
      const index = Number(owner?.match(/object(\d+)/)?.[1]);
      const object = objects[index];
      return `${object?.kind} ${object?.metadata?.name}: ${source.split('\n')[line]!.trim()} -> ${message}`;
    }
    return message;
  });
}
