import { ApiError } from './api/client';

/**
 * A refused form's problem+json as messages per field: `errors[].path` ("/body/email") names the field
 * by its last segment; a 409 without a path goes to `conflictField` (e.g. the code that already exists).
 * Errors naming no known field stay in `rest` for the form's own ErrorMessage.
 */
export function fieldErrors(error: unknown, fields: readonly string[], conflictField?: string): { byField: Map<string, string>; rest: boolean } {
  const byField = new Map<string, string>();
  if (!(error instanceof ApiError)) return { byField, rest: error !== undefined };
  let rest = false;
  for (const e of error.errors) {
    const name = e.path.split(/[/.]/).filter(Boolean).pop() ?? '';
    if (fields.includes(name)) byField.set(name, byField.has(name) ? `${byField.get(name)}; ${e.message}` : e.message);
    else rest = true;
  }
  if (error.errors.length === 0) {
    if (error.status === 409 && conflictField) byField.set(conflictField, error.detail ?? error.title);
    else rest = true;
  }
  return { byField, rest };
}
