/** Experiment is what measures belong to; `code` is its unique, human-readable key (used in URLs and messages). */
export interface Experiment {
  id: number;
  code: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewExperiment {
  code: string;
  name: string;
  description?: string | null;
}

export type ExperimentChanges = Partial<Omit<NewExperiment, 'code'>>;
