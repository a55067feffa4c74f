import type { Classifier, Severity } from '../rules/rule';

/** What a classifier sees of a series: its last values and messages, oldest first (Prophasis's contract). */
export interface ClassifyInput {
  readonly values: readonly number[];
  readonly messages: readonly string[];
}

/** `reason` says why a classification is `unknown` when the classifier failed or was stopped. */
export interface Classification {
  readonly severity: Severity;
  readonly reason?: string;
}

/** The port services depend on; `SandboxedClassifier` is the implementation. */
export interface Classify {
  classify(classifier: Classifier, input: ClassifyInput): Promise<Classification>;
}
