import type { RowDataPacket } from 'mysql2/promise';
import { classifierJson, parseClassifier, type ClassifierProblems } from '../alerting/rules/classifier-codec';
import { rawFromJson } from '../alerting/rules/raw';
import type { Classifier } from '../alerting/rules/rule';
import type { Check, CheckKind, CheckParams, Schedule, ScheduleInterval } from '../checks/model';
import { checkParamsToJson, parseCheckParams } from '../checks/params';
import type { NewCheck, NewSchedule, Owned } from './checks-stores';
import { groupBy, MysqlModelTable, type OwnedRow } from './mysql-model-table';

function storedParams(id: number, kind: CheckKind, text: string): CheckParams {
  const parsed = parseCheckParams(kind, JSON.parse(text));
  if (!parsed.ok) throw new Error(`the stored parameters of check ${id} do not validate: ${JSON.stringify(parsed.problems)}`);
  return parsed.params;
}

/** Classifiers are stored in the alerting stage's JSON form (classifier-codec.ts), as rules store theirs. */
function storedClassifier(id: number, text: string): Classifier {
  const problems: ClassifierProblems = [];
  const classifier = parseClassifier(rawFromJson(JSON.parse(text)), problems);
  if (!classifier) throw new Error(`the stored classifier of check ${id} does not validate: ${JSON.stringify(problems)}`);
  return classifier;
}

function checkValues(check: NewCheck): unknown[] {
  return [
    check.name,
    check.kind,
    JSON.stringify(checkParamsToJson(check.params)),
    check.plugin ?? null,
    check.timeoutMs,
    check.classifier ? JSON.stringify(classifierJson(check.classifier)) : null,
  ];
}
const CHECK_COLUMNS = ['name', 'kind', 'params', 'plugin', 'timeout_ms', 'classifier'];

/** Checks, where they run (hosts, host groups), and their version (bumped on every change). */
export class MysqlCheckTable extends MysqlModelTable<Check, NewCheck> {
  protected readonly table = 'checks';
  protected readonly conflicts = { uq_checks_experiment_name: 'the experiment already has a check of that name' };

  protected async load(rows: readonly OwnedRow[]): Promise<Owned<Check>[]> {
    const ids = rows.map((row) => Number(row.id));
    const [hosts, groups] = await Promise.all([
      this.links('check_hosts', 'check_id', 'host_id', ids),
      this.links('check_host_groups', 'check_id', 'group_id', ids),
    ]);
    return rows.map((row) => {
      const id = Number(row.id);
      const kind = row.kind as CheckKind;
      return {
        id,
        experimentId: Number(row.experiment_id),
        experiment: row.code,
        name: String(row.name),
        kind,
        params: storedParams(id, kind, String(row.params)),
        ...(row.plugin === null ? {} : { plugin: String(row.plugin) }),
        timeoutMs: Number(row.timeout_ms),
        ...(row.classifier === null ? {} : { classifier: storedClassifier(id, String(row.classifier)) }),
        hostIds: hosts.get(id) ?? [],
        hostGroupIds: groups.get(id) ?? [],
        version: Number(row.version),
      };
    });
  }

  insert(check: NewCheck): Promise<Owned<Check>> {
    return this.db.inTransaction(async () => {
      const id = await this.insertRow(['experiment_id', ...CHECK_COLUMNS, 'version'], [check.experimentId, ...checkValues(check), 1]);
      await this.writeLinks(id, check);
      return this.written(id);
    });
  }

  update(id: number, check: NewCheck): Promise<Owned<Check> | undefined> {
    return this.db.inTransaction(async () => {
      if (!(await this.updateRow(id, CHECK_COLUMNS, checkValues(check), ', version = version + 1'))) return undefined;
      await this.writeLinks(id, check);
      return this.written(id);
    });
  }

  /** The schedules that ran it change with it. */
  protected override async beforeDelete(id: number): Promise<void> {
    await this.db
      .executor()
      .query('UPDATE schedules SET version = version + 1 WHERE id IN (SELECT schedule_id FROM schedule_checks WHERE check_id = ?)', [id]);
  }

  private async writeLinks(id: number, check: NewCheck): Promise<void> {
    await this.replaceLinks('check_hosts', 'check_id', 'host_id', id, check.hostIds);
    await this.replaceLinks('check_host_groups', 'check_id', 'group_id', id, check.hostGroupIds);
  }
}

interface IntervalRow extends RowDataPacket {
  id: number;
  schedule_id: number;
  start_ms: number | string;
  period_ms: number | string;
}

const intervalKey = (startMs: number, periodMs: number) => `${startMs}/${periodMs}`;

/** Schedules, their intervals and checks. execute_next_ms is the scheduler's: written here only as NULL, on a new interval. */
export class MysqlScheduleTable extends MysqlModelTable<Schedule, NewSchedule> {
  protected readonly table = 'schedules';
  protected readonly conflicts = { uq_schedules_experiment_name: 'the experiment already has a schedule of that name' };

  protected async load(rows: readonly OwnedRow[]): Promise<Owned<Schedule>[]> {
    const ids = rows.map((row) => Number(row.id));
    const [[intervalRows], checks] = await Promise.all([
      this.db.executor().query<IntervalRow[]>('SELECT id, schedule_id, start_ms, period_ms FROM schedule_intervals WHERE schedule_id IN (?) ORDER BY id', [ids]),
      this.links('schedule_checks', 'schedule_id', 'check_id', ids),
    ]);
    const intervals = groupBy(intervalRows, (row) => Number(row.schedule_id));
    return rows.map((row) => {
      const id = Number(row.id);
      return {
        id,
        experimentId: Number(row.experiment_id),
        experiment: row.code,
        name: String(row.name),
        maxLatenessMs: Number(row.max_lateness_ms),
        intervals: (intervals.get(id) ?? []).map(
          (i): ScheduleInterval => ({ id: Number(i.id), startMs: Number(i.start_ms), periodMs: Number(i.period_ms) }),
        ),
        checkIds: checks.get(id) ?? [],
        version: Number(row.version),
      };
    });
  }

  insert(schedule: NewSchedule): Promise<Owned<Schedule>> {
    return this.db.inTransaction(async () => {
      const id = await this.insertRow(['experiment_id', 'name', 'max_lateness_ms', 'version'], [schedule.experimentId, schedule.name, schedule.maxLatenessMs, 1]);
      await this.replaceIntervals(id, schedule);
      await this.replaceLinks('schedule_checks', 'schedule_id', 'check_id', id, schedule.checkIds);
      return this.written(id);
    });
  }

  update(id: number, schedule: NewSchedule): Promise<Owned<Schedule> | undefined> {
    return this.db.inTransaction(async () => {
      if (!(await this.updateRow(id, ['name', 'max_lateness_ms'], [schedule.name, schedule.maxLatenessMs], ', version = version + 1'))) return undefined;
      await this.replaceIntervals(id, schedule);
      await this.replaceLinks('schedule_checks', 'schedule_id', 'check_id', id, schedule.checkIds);
      return this.written(id);
    });
  }

  /** Keeps the rows (id, execute_next_ms) of unchanged intervals; deletes the others; inserts the new ones. */
  private async replaceIntervals(id: number, schedule: NewSchedule): Promise<void> {
    const executor = this.db.executor();
    const [existing] = await executor.query<IntervalRow[]>('SELECT id, start_ms, period_ms FROM schedule_intervals WHERE schedule_id = ? FOR UPDATE', [id]);
    const unused = new Map(existing.map((row) => [intervalKey(Number(row.start_ms), Number(row.period_ms)), Number(row.id)]));
    const added = schedule.intervals.filter((interval) => !unused.delete(intervalKey(interval.startMs, interval.periodMs)));
    if (unused.size > 0) await executor.query('DELETE FROM schedule_intervals WHERE id IN (?)', [[...unused.values()]]);
    if (added.length > 0) {
      await executor.query('INSERT INTO schedule_intervals (schedule_id, start_ms, period_ms, execute_next_ms) VALUES ?', [
        added.map((interval) => [id, interval.startMs, interval.periodMs, null]),
      ]);
    }
  }
}
