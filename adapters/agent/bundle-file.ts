import { bundleFromWire, bundleToWire, bundleWireSchema, parseMessage, type BundleWire, type Parsed } from '../../lib/agent/protocol';

export { bundleFromWire, bundleToWire };

/** A stored bundle.json, validated as the wire form is. */
export function bundleSchemaCheck(text: string): Parsed<BundleWire> {
  return parseMessage(bundleWireSchema, text);
}
