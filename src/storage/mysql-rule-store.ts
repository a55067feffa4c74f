import { inject, injectable } from 'inversify';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Classifier, Rule, RuleGroup, RuleGroupDefinition, StoredRule } from '../alerting/rules/rule';
import { TYPES } from '../identifiers';
import type { RuleGroupStore, RuleInGroup } from './alerting-stores';
import type { MysqlDatabase } from './mysql-database';
import { translatingErrors } from './mysql-errors';

interface GroupRow extends RowDataPacket {
  id: number;
  experiment_id: number;
  code: string;
  name: string;
  interval_ms: number;
  version: number;
}

interface RuleRow extends RowDataPacket {
  id: number;
  group_id: number;
  position: number;
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  for_ms: number | string;
  keep_firing_for_ms: number | string;
  labels: string;
  annotations: string;
  classifier: string | null;
}

const GROUP_COLUMNS = 'g.id, g.experiment_id, e.code, g.name, g.interval_ms, g.version';
const CONFLICTS = { uq_rule_groups_experiment_name: 'the experiment already has a rule group of that name' };

/** Labels and annotations as JSON arrays of [name, value] pairs: order kept, no object keys. */
function pairs(map: ReadonlyMap<string, string>): string {
  return JSON.stringify([...map]);
}

function fromPairs(text: string): Map<string, string> {
  return new Map(JSON.parse(text) as [string, string][]);
}

function toRule(row: RuleRow): StoredRule {
  const labels = fromPairs(row.labels);
  if (row.kind === 'record') return { id: Number(row.id), kind: 'record', name: row.name, expr: row.expr, labels };
  return {
    id: Number(row.id),
    kind: 'alert',
    name: row.name,
    expr: row.expr,
    forMs: Number(row.for_ms),
    keepFiringForMs: Number(row.keep_firing_for_ms),
    labels,
    annotations: fromPairs(row.annotations),
    ...(row.classifier === null ? {} : { classifier: JSON.parse(row.classifier) as Classifier }),
  };
}

function ruleValues(rule: Rule): unknown[] {
  const alert = rule.kind === 'alert' ? rule : undefined;
  return [
    rule.kind,
    rule.name,
    rule.expr,
    alert?.forMs ?? 0,
    alert?.keepFiringForMs ?? 0,
    pairs(rule.labels),
    pairs(alert?.annotations ?? new Map()),
    alert?.classifier ? JSON.stringify(alert.classifier) : null,
  ];
}

/** MysqlRuleStore keeps rule groups and their rules, per experiment (migration 007). */
@injectable()
export class MysqlRuleStore implements RuleGroupStore {
  constructor(@inject(TYPES.Database) private readonly db: MysqlDatabase) {}

  listAll(): Promise<readonly RuleGroup[]> {
    return this.groups('', []);
  }

  async findById(id: number): Promise<RuleGroup | undefined> {
    return (await this.groups('WHERE g.id = ?', [id]))[0];
  }

  listByExperiment(experimentId: number): Promise<readonly RuleGroup[]> {
    return this.groups('WHERE g.experiment_id = ?', [experimentId]);
  }

  async findByName(experimentId: number, name: string): Promise<RuleGroup | undefined> {
    return (await this.groups('WHERE g.experiment_id = ? AND g.name = ?', [experimentId, name]))[0];
  }

  async findRule(ruleId: number): Promise<RuleInGroup | undefined> {
    const [rows] = await this.db.executor().query<RowDataPacket[]>('SELECT group_id FROM rules WHERE id = ?', [ruleId]);
    const groupId = rows[0]?.group_id as number | undefined;
    const group = groupId === undefined ? undefined : await this.findById(Number(groupId));
    const rule = group?.rules.find((r) => r.id === ruleId);
    return group && rule ? { group, rule } : undefined;
  }

  async insert(experimentId: number, group: RuleGroupDefinition): Promise<RuleGroup> {
    return this.db.inTransaction(async () => {
      const now = new Date();
      const [result] = await translatingErrors(
        () =>
          this.db
            .executor()
            .query<ResultSetHeader>(
              'INSERT INTO rule_groups (experiment_id, name, interval_ms, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
              [experimentId, group.name, group.intervalMs, now, now],
            ),
        CONFLICTS,
      );
      for (const [position, rule] of group.rules.entries()) await this.insertRule(result.insertId, position, rule);
      const inserted = await this.findById(result.insertId);
      if (!inserted) throw new Error('a rule group vanished right after its insert');
      return inserted;
    });
  }

  async replace(experimentId: number, group: RuleGroupDefinition): Promise<RuleGroup | undefined> {
    return this.db.inTransaction(async () => {
      const executor = this.db.executor();
      const [locked] = await executor.query<RowDataPacket[]>('SELECT id FROM rule_groups WHERE experiment_id = ? AND name = ? FOR UPDATE', [
        experimentId,
        group.name,
      ]);
      const id = locked[0]?.id as number | undefined;
      if (id === undefined) return undefined;
      const [existing] = await executor.query<RuleRow[]>('SELECT id, position, name FROM rules WHERE group_id = ?', [id]);
      const kept = new Map<number, number>();
      for (const row of existing) {
        const next = group.rules[row.position];
        if (next && next.name === row.name) kept.set(row.position, Number(row.id));
        else await executor.query('DELETE FROM rules WHERE id = ?', [row.id]);
      }
      for (const [position, rule] of group.rules.entries()) {
        const ruleId = kept.get(position);
        if (ruleId === undefined) await this.insertRule(id, position, rule);
        else {
          await executor.query(
            `UPDATE rules SET kind = ?, name = ?, expr = ?, for_ms = ?, keep_firing_for_ms = ?, labels = ?, annotations = ?, classifier = ?
              WHERE id = ?`,
            [...ruleValues(rule), ruleId],
          );
        }
      }
      await executor.query('UPDATE rule_groups SET interval_ms = ?, version = version + 1, updated_at = ? WHERE id = ?', [
        group.intervalMs,
        new Date(),
        id,
      ]);
      return this.findById(Number(id));
    });
  }

  async delete(experimentId: number, name: string): Promise<boolean> {
    const [result] = await this.db
      .executor()
      .query<ResultSetHeader>('DELETE FROM rule_groups WHERE experiment_id = ? AND name = ?', [experimentId, name]);
    return result.affectedRows > 0;
  }

  private async insertRule(groupId: number, position: number, rule: Rule): Promise<void> {
    await this.db
      .executor()
      .query(
        `INSERT INTO rules (group_id, position, kind, name, expr, for_ms, keep_firing_for_ms, labels, annotations, classifier)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [groupId, position, ...ruleValues(rule)],
      );
  }

  private async groups(where: string, params: unknown[]): Promise<RuleGroup[]> {
    const executor = this.db.executor();
    const [groups] = await executor.query<GroupRow[]>(
      `SELECT ${GROUP_COLUMNS} FROM rule_groups g JOIN experiments e ON e.id = g.experiment_id ${where} ORDER BY g.experiment_id, g.name`,
      params,
    );
    if (groups.length === 0) return [];
    const [rules] = await executor.query<RuleRow[]>('SELECT * FROM rules WHERE group_id IN (?) ORDER BY group_id, position', [
      groups.map((g) => g.id),
    ]);
    const byGroup = new Map<number, StoredRule[]>();
    for (const row of rules) {
      const list = byGroup.get(Number(row.group_id)) ?? [];
      list.push(toRule(row));
      byGroup.set(Number(row.group_id), list);
    }
    return groups.map((g) => ({
      id: Number(g.id),
      experiment: g.code,
      experimentId: Number(g.experiment_id),
      name: g.name,
      intervalMs: Number(g.interval_ms),
      rules: byGroup.get(Number(g.id)) ?? [],
      version: Number(g.version),
    }));
  }
}
