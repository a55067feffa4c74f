import type { RuleGroup, RuleGroupDefinition, StoredRule } from '../../src/alerting/rules/rule';
import { ConflictError } from '../../src/domain/errors';
import type { RuleGroupStore, RuleInGroup } from '../../src/storage/alerting-stores';
import type { InMemoryExperimentStore } from './in-memory-stores';

/** RuleGroupStore in memory, with MysqlRuleStore's id rule: a rule keeps its id while (position, name) stay. */
export class InMemoryRuleStore implements RuleGroupStore {
  readonly groups: RuleGroup[] = [];
  private nextGroupId = 1;
  private nextRuleId = 1;

  constructor(private readonly experiments: InMemoryExperimentStore) {}

  async listAll(): Promise<readonly RuleGroup[]> {
    return [...this.groups];
  }

  async findById(id: number): Promise<RuleGroup | undefined> {
    return this.groups.find((g) => g.id === id);
  }

  async listByExperiment(experimentId: number): Promise<readonly RuleGroup[]> {
    return this.groups.filter((g) => g.experimentId === experimentId);
  }

  async findByName(experimentId: number, name: string): Promise<RuleGroup | undefined> {
    return this.groups.find((g) => g.experimentId === experimentId && g.name === name);
  }

  async findRule(ruleId: number): Promise<RuleInGroup | undefined> {
    for (const group of this.groups) {
      const rule = group.rules.find((r) => r.id === ruleId);
      if (rule) return { group, rule };
    }
    return undefined;
  }

  async insert(experimentId: number, definition: RuleGroupDefinition): Promise<RuleGroup> {
    if (await this.findByName(experimentId, definition.name)) throw new ConflictError('the experiment already has a rule group of that name');
    const experiment = [...this.experiments.rows.values()].find((e) => e.id === experimentId);
    const group: RuleGroup = {
      id: this.nextGroupId++,
      experiment: experiment?.code ?? '?',
      experimentId,
      name: definition.name,
      intervalMs: definition.intervalMs,
      version: 1,
      rules: definition.rules.map((rule) => ({ ...rule, id: this.nextRuleId++ }) as StoredRule),
    };
    this.groups.push(group);
    return group;
  }

  async replace(experimentId: number, definition: RuleGroupDefinition): Promise<RuleGroup | undefined> {
    const index = this.groups.findIndex((g) => g.experimentId === experimentId && g.name === definition.name);
    const current = this.groups[index];
    if (!current) return undefined;
    const rules = definition.rules.map((rule, position) => {
      const old = current.rules[position];
      return { ...rule, id: old && old.name === rule.name ? old.id : this.nextRuleId++ } as StoredRule;
    });
    const replaced: RuleGroup = { ...current, intervalMs: definition.intervalMs, version: current.version + 1, rules };
    this.groups[index] = replaced;
    return replaced;
  }

  async delete(experimentId: number, name: string): Promise<boolean> {
    const index = this.groups.findIndex((g) => g.experimentId === experimentId && g.name === name);
    if (index === -1) return false;
    this.groups.splice(index, 1);
    return true;
  }
}
