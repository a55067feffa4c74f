/**
 * What Alertmanager 0.25 refuses in a silence, with its messages: the API's own checks
 * (postSilencesHandler) and silence.validateSilence (through Silences.Set, "silence invalid: ...").
 */
import type { Matcher } from '../matchers';
import { InvalidRegexError, compileMatcher, isValidLabelName } from './matchers';

/** A silence refused, as Alertmanager answers it: 400 with the message as a JSON string. */
export class SilenceInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SilenceInvalidError';
  }
}

/** Whether the matcher matches an alert without the label (the empty string): Alertmanager's matchesEmpty. */
function matchesEmpty(m: Matcher): boolean {
  if (m.type === '=') return m.value === '';
  if (m.type === '=~') return compileMatcher(m).matches('');
  return false;
}

/** validateMatcher of silence.go: name, value (valid UTF-8; JSON decoding already made it so), regex. */
function matcherProblem(m: Matcher): string | undefined {
  if (!isValidLabelName(m.name)) return `invalid label name ${goQuote(m.name)}`;
  if (m.type === '=~' || m.type === '!~') {
    try {
      compileMatcher(m);
    } catch (err) {
      if (err instanceof InvalidRegexError) return `invalid regular expression ${goQuote(m.value)}: ${err.message}`;
      throw err;
    }
  }
  return undefined;
}

/** Go's %q of a string, close enough for messages: JSON's quoting. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** validateSilence's matcher checks; throws SilenceInvalidError. */
export function validateMatchers(matchers: readonly Matcher[]): void {
  if (matchers.length === 0) throw new SilenceInvalidError('silence invalid: at least one matcher required');
  matchers.forEach((m, i) => {
    const problem = matcherProblem(m);
    if (problem !== undefined) throw new SilenceInvalidError(`silence invalid: invalid label matcher ${i}: ${problem}`);
  });
  if (matchers.every(matchesEmpty)) {
    throw new SilenceInvalidError('silence invalid: at least one matcher must not match the empty string');
  }
}

/** The API's time checks, before anything is stored (postSilencesHandler). */
export function validateTimes(startsAtMs: number, endsAtMs: number, nowMs: number): void {
  if (!Number.isFinite(startsAtMs) || !Number.isFinite(endsAtMs)) throw new SilenceInvalidError('silence invalid: invalid zero start timestamp');
  if (startsAtMs >= endsAtMs) throw new SilenceInvalidError('Failed to create silence: start time must be before end time');
  if (endsAtMs < nowMs) throw new SilenceInvalidError("Failed to create silence: end time can't be in the past");
}
