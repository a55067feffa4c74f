import { inject, injectable } from 'inversify';
import type { ClassifierChecker, ExpressionChecker, RuleCheckers } from '../alerting/rules/checkers';
import type { Raw } from '../alerting/rules/raw';
import type { RuleGroup, RuleGroupDefinition } from '../alerting/rules/rule';
import { formatRuleFile, parseRuleFileChecked } from '../alerting/rules/rule-file';
import { RuleValidationError, pathText, validateGroupChecked } from '../alerting/rules/rule-validation';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { Experiment } from '../domain/experiment';
import type { User } from '../domain/user';
import { TYPES } from '../identifiers';
import type { RuleGroupStore, RuleInGroup } from '../storage/alerting-stores';
import type { ExperimentStore, Transactor } from '../storage/stores';
import { AuditTrail } from './audit-trail';
import { ExperimentVisibility, requireAdmin } from './authorization';

/** A group as a request gives it: MyMONIT's JSON, or a rule file of exactly one group. */
export type GroupInput = { readonly kind: 'json'; readonly raw: Raw } | { readonly kind: 'yaml'; readonly text: string };

export interface ImportOutcome {
  readonly group: string;
  readonly action: 'created' | 'replaced';
  readonly rules: number;
}

/** The acting user, or the machine's operator at the command line (`mymonit rules import`), who is trusted like `user create`. */
export type RuleActor = User | 'cli';

/** A ValidationError whose problem+json lists every problem with its path. */
function invalid(error: RuleValidationError): ValidationError {
  return new ValidationError(error.message, { errors: error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })) });
}

/**
 * RuleService manages an experiment's rule groups: ADMINs create, replace and delete them (validated
 * whole, audited); a SCIENTIST reads those of the experiments associated with them, and gets "not found"
 * for any other, as for measures.
 */
@injectable()
export class RuleService {
  private readonly checkers: RuleCheckers;

  constructor(
    @inject(TYPES.RuleGroupStore) private readonly rules: RuleGroupStore,
    @inject(TYPES.ExperimentStore) private readonly experiments: ExperimentStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
    @inject(TYPES.AuditTrail) private readonly audit: AuditTrail,
    @inject(ExperimentVisibility) private readonly visibility: ExperimentVisibility,
    @inject(TYPES.ExpressionChecker) expressions: ExpressionChecker,
    @inject(TYPES.ClassifierChecker) classifiers: ClassifierChecker,
  ) {
    this.checkers = { expressions, classifiers };
  }

  async listGroups(actor: User, code: string): Promise<readonly RuleGroup[]> {
    const experiment = await this.visibility.visible(actor, code);
    return this.rules.listByExperiment(experiment.id);
  }

  async getGroup(actor: User, code: string, name: string): Promise<RuleGroup> {
    const experiment = await this.visibility.visible(actor, code);
    const group = await this.rules.findByName(experiment.id, name);
    if (!group) throw new NotFoundError(`experiment ${code} has no rule group ${JSON.stringify(name)}`);
    return group;
  }

  async getRule(actor: User, ruleId: number): Promise<RuleInGroup> {
    const found = await this.rules.findRule(ruleId);
    const visible = found && (await this.visibility.visible(actor, found.group.experiment).then(() => true, () => false));
    if (!found || !visible) throw new NotFoundError(`rule ${ruleId} not found`);
    return found;
  }

  async createGroup(actor: User, code: string, input: GroupInput): Promise<RuleGroup> {
    requireAdmin(actor, 'create rule groups');
    const definition = await this.definition(input);
    return this.tx.inTransaction(async () => {
      const experiment = await this.experiment(code);
      const created = await this.rules.insert(experiment.id, definition);
      await this.recordChange('rule-group.create', code, created);
      return created;
    });
  }

  /** Replaces the group, or creates it: `created` says which. */
  async putGroup(actor: User, code: string, name: string, input: GroupInput): Promise<{ group: RuleGroup; created: boolean }> {
    requireAdmin(actor, 'change rule groups');
    const definition = await this.definition(input);
    if (definition.name !== name) {
      throw new ValidationError(`the body's group name ${JSON.stringify(definition.name)} differs from the path's ${JSON.stringify(name)}`);
    }
    return this.tx.inTransaction(async () => {
      const experiment = await this.experiment(code);
      const replaced = await this.rules.replace(experiment.id, definition);
      const group = replaced ?? (await this.rules.insert(experiment.id, definition));
      await this.recordChange(replaced ? 'rule-group.update' : 'rule-group.create', code, group);
      return { group, created: !replaced };
    });
  }

  async deleteGroup(actor: User, code: string, name: string): Promise<void> {
    requireAdmin(actor, 'delete rule groups');
    await this.tx.inTransaction(async () => {
      const experiment = await this.experiment(code);
      if (!(await this.rules.delete(experiment.id, name))) {
        throw new NotFoundError(`experiment ${code} has no rule group ${JSON.stringify(name)}`);
      }
      await this.audit.record({ action: 'rule-group.delete', resourceType: 'rule-group', resourceId: `${code}/${name}`, outcome: 'success' });
    });
  }

  /**
   * A whole rule file into one experiment, validated whole before anything is written, in one
   * transaction. An existing group of the same name is a conflict unless `replace`.
   */
  async importFile(actor: RuleActor, code: string, text: string, replace: boolean): Promise<ImportOutcome[]> {
    if (actor !== 'cli') requireAdmin(actor, 'import rules');
    const groups = await this.parseFile(text);
    return this.tx.inTransaction(async () => {
      const experiment = await this.experiment(code);
      const outcomes: ImportOutcome[] = [];
      for (const definition of groups) {
        const existing = await this.rules.findByName(experiment.id, definition.name);
        if (existing && !replace) {
          throw new ConflictError(`experiment ${code} already has a rule group ${JSON.stringify(definition.name)} (use --replace)`);
        }
        const group = existing ? await this.rules.replace(experiment.id, definition) : await this.rules.insert(experiment.id, definition);
        if (!group) throw new Error('a rule group vanished during its import');
        await this.recordChange(existing ? 'rule-group.update' : 'rule-group.create', code, group, actor === 'cli' ? null : undefined);
        outcomes.push({ group: group.name, action: existing ? 'replaced' : 'created', rules: group.rules.length });
      }
      return outcomes;
    });
  }

  /** A rule file of one experiment's groups, or of every experiment's (ADMIN or the CLI only). */
  async exportFile(actor: RuleActor, code?: string): Promise<string> {
    if (actor !== 'cli') requireAdmin(actor, 'export rules');
    const groups = code === undefined ? await this.rules.listAll() : await this.rules.listByExperiment((await this.experiment(code)).id);
    if (code === undefined) {
      // One file holds each group name once (promtool refuses repeats): a name used by two experiments cannot be exported together.
      const repeated = groups.find((g, i) => groups.findIndex((h) => h.name === g.name) !== i);
      if (repeated) throw new ConflictError(`group name ${JSON.stringify(repeated.name)} is used by several experiments: export them one experiment at a time`);
    }
    return formatRuleFile(groups.map((g) => ({ name: g.name, intervalMs: g.intervalMs, rules: g.rules, comment: `experiment ${g.experiment}` })));
  }

  private async definition(input: GroupInput): Promise<RuleGroupDefinition> {
    if (input.kind === 'json') {
      try {
        return await validateGroupChecked(input.raw, 'api', this.checkers);
      } catch (error) {
        if (error instanceof RuleValidationError) throw invalid(error);
        throw error;
      }
    }
    const groups = await this.parseFile(input.text);
    const [only] = groups;
    if (groups.length !== 1 || !only) throw new ValidationError(`a YAML body holds exactly one group; this one has ${groups.length}`);
    return only;
  }

  private async parseFile(text: string): Promise<RuleGroupDefinition[]> {
    try {
      return await parseRuleFileChecked(text, this.checkers);
    } catch (error) {
      if (error instanceof RuleValidationError) throw invalid(error);
      throw error;
    }
  }

  private async experiment(code: string): Promise<Experiment> {
    const experiment = await this.experiments.findByCode(code);
    if (!experiment) throw new NotFoundError(`experiment ${code} not found`);
    return experiment;
  }

  private recordChange(action: string, code: string, group: RuleGroup, actor?: null): Promise<void> {
    return this.audit.record({
      ...(actor === null ? { actor: null } : {}),
      action,
      resourceType: 'rule-group',
      resourceId: `${code}/${group.name}`,
      outcome: 'success',
      detail: { version: group.version, rules: group.rules.length },
    });
  }
}
