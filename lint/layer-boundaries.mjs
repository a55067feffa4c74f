import path from 'node:path';

/**
 * The layers of the code, as folders relative to the repository root. Each import is resolved to a file path
 * before it is judged, so a rule holds at any folder depth and whatever `../` spelling reaches the target.
 * Packages (bare specifiers) are never ours and never judged.
 */
export const layers = [
  {
    name: 'domain',
    files: 'src/domain/',
    onlyFrom: ['src/domain/', 'lib/'],
    why: 'the domain imports nothing of ours but itself and lib/',
  },
  {
    name: 'alerting',
    files: 'src/alerting/',
    onlyFrom: ['src/alerting/', 'src/domain/', 'lib/'],
    why: 'src/alerting/ is the pure core (PromQL, rules, alert states): no I/O, so none of services, storage, rest or amqp',
  },
  {
    name: 'policies',
    files: 'src/policies/',
    onlyFrom: ['src/policies/', 'src/domain/', 'lib/'],
    why: 'src/policies/ is the pure MFOTL engine (languages, monitor, snapshots): no I/O; its store, REST and AMQP live elsewhere',
  },
  {
    name: 'notify-receivers',
    files: 'src/notify/receivers/',
    forbidden: ['src/services/', 'src/storage/', 'src/rest/', 'src/amqp/'],
    why: 'a receiver sends one notification through its port (HTTP, SMTP, AMQP, the TicketSink); it never reaches storage, services or entry points',
  },
  {
    name: 'notify',
    files: 'src/notify/',
    onlyFrom: ['src/notify/', 'src/alerting/', 'src/domain/', 'lib/'],
    why: 'src/notify/ (config, dispatch, inhibit, silence, templates, time intervals) is a pure core: no I/O',
  },
  {
    name: 'tickets',
    files: 'src/tickets/',
    onlyFrom: ['src/tickets/', 'src/notify/', 'src/alerting/', 'src/domain/', 'lib/'],
    why: 'src/tickets/ is the ticket lifecycle, pure: its store and REST live in storage and rest',
  },
  {
    name: 'health',
    files: 'src/health/',
    onlyFrom: ['src/health/', 'src/checks/model', 'src/alerting/', 'src/domain/', 'lib/'],
    why: 'src/health/ is the pure health computation (Prophasis): no I/O; its store and REST live in storage, services and rest',
  },
  {
    name: 'checks',
    files: 'src/checks/',
    forbidden: ['src/services/', 'src/storage/', 'src/rest/', 'src/amqp/'],
    why: 'src/checks/ (the model, schedule arithmetic, built-in checks) reaches the network through node only: never storage, services or entry points',
  },
  {
    name: 'lib',
    files: 'lib/',
    forbidden: ['src/', 'adapters/'],
    why: 'lib/ is shared by src/ and adapters/, so it imports neither',
  },
  {
    name: 'services',
    files: 'src/services/',
    forbidden: ['src/rest/', 'src/amqp/', 'src/storage/'],
    // Services depend on the storage contracts (interfaces and query types), never on a storage class:
    // `import type` from these interface files (src/storage/stores.ts, src/storage/<stage>-stores.ts) is the one way in.
    typeOnlyFrom: ['src/storage/stores', /^src\/storage\/[a-z-]+-stores$/],
    why: 'services never import rest, amqp or storage (only `import type` of the storage contracts)',
  },
  {
    name: 'storage',
    files: 'src/storage/',
    forbidden: ['src/services/', 'src/rest/'],
    why: 'storage never imports services or rest',
  },
  {
    name: 'adapters',
    files: 'adapters/',
    forbidden: ['src/'],
    why: 'adapters never import src/ (shared code lives in lib/)',
  },
];

const root = path.resolve(import.meta.dirname, '..');
const toPosix = (p) => p.split(path.sep).join('/');
const withoutExtension = (p) => p.replace(/\.(d\.ts|ts|tsx|js|mjs|cjs|json)$/, '').replace(/\/index$/, '');

function layerOf(relative) {
  return layers.find((layer) => relative.startsWith(layer.files));
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return (
    specifiers.length > 0 &&
    specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type')
  );
}

function verdict(layer, target, typeOnly) {
  if (layer.onlyFrom) return layer.onlyFrom.some((allowed) => target.startsWith(allowed));
  if (!layer.forbidden.some((forbidden) => target.startsWith(forbidden))) return true;
  const file = withoutExtension(target);
  return typeOnly && (layer.typeOnlyFrom ?? []).some((allowed) => (typeof allowed === 'string' ? allowed === file : allowed.test(file)));
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps imports inside the layer rules of the code (see lint/layer-boundaries.mjs).' },
    schema: [],
    messages: { crossing: "{{layer}} may not import '{{source}}': {{why}}." },
  },
  create(context) {
    const fileRelative = toPosix(path.relative(root, context.filename));
    const layer = layerOf(fileRelative);
    if (!layer) return {};

    function check(node, sourceNode, typeOnly) {
      if (!sourceNode || sourceNode.type !== 'Literal' || typeof sourceNode.value !== 'string') return;
      const source = sourceNode.value;
      if (!source.startsWith('.') && !path.isAbsolute(source)) return;
      const target = toPosix(path.relative(root, path.resolve(path.dirname(context.filename), source)));
      if (target.startsWith('..') || target.startsWith('node_modules/')) return;
      if (verdict(layer, target, typeOnly)) return;
      context.report({ node, messageId: 'crossing', data: { layer: layer.name, source, why: layer.why } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument, true),
      TSExternalModuleReference: (node) => check(node, node.expression, node.parent?.importKind === 'type'),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0], false);
      },
    };
  },
};

export default { meta: { name: 'mymonit-layers' }, rules: { 'layer-boundaries': rule } };
