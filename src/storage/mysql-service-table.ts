import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { RedundancyGroup, RedundancyMember, Service } from '../checks/model';
import type { NewRedundancyGroup, NewService, Owned } from './checks-stores';
import { translatingErrors } from './mysql-errors';
import { groupBy, MysqlModelTable, type OwnedRow } from './mysql-model-table';

interface GroupRow extends RowDataPacket {
  id: number;
  service_id: number;
  name: string;
}

interface MemberRow extends RowDataPacket {
  redundancy_group_id: number;
  host_id: number | null;
  host_group_id: number | null;
}

/** The primary key of a member within its group: one row per host or host group. */
const memberKey = (member: RedundancyMember) => ('hostId' in member ? `host:${member.hostId}` : `group:${member.hostGroupId}`);

/** Services: dependencies on hosts and redundancy groups (a group keeps its id while its name stays; members read back hosts first, each kind by id). */
export class MysqlServiceTable extends MysqlModelTable<Service, NewService> {
  protected readonly table = 'services';
  protected readonly conflicts = { uq_services_experiment_name: 'the experiment already has a service of that name' };

  protected async load(rows: readonly OwnedRow[]): Promise<Owned<Service>[]> {
    const ids = rows.map((row) => Number(row.id));
    const executor = this.db.executor();
    const [dependencies, [groupRows]] = await Promise.all([
      this.links('service_dependencies', 'service_id', 'host_id', ids),
      executor.query<GroupRow[]>('SELECT id, service_id, name FROM redundancy_groups WHERE service_id IN (?) ORDER BY id', [ids]),
    ]);
    const [memberRows] =
      groupRows.length === 0
        ? [[] as MemberRow[]]
        : await executor.query<MemberRow[]>(
            `SELECT redundancy_group_id, host_id, host_group_id FROM redundancy_group_members WHERE redundancy_group_id IN (?)
              ORDER BY host_id IS NULL, host_id, host_group_id`,
            [groupRows.map((g) => g.id)],
          );
    const members = groupBy(memberRows, (row) => Number(row.redundancy_group_id));
    const groups = groupBy(groupRows, (row) => Number(row.service_id));
    return rows.map((row) => {
      const id = Number(row.id);
      return {
        id,
        experimentId: Number(row.experiment_id),
        experiment: row.code,
        name: String(row.name),
        description: String(row.description),
        dependencies: dependencies.get(id) ?? [],
        redundancyGroups: (groups.get(id) ?? []).map(
          (g): RedundancyGroup => ({
            id: Number(g.id),
            name: g.name,
            members: (members.get(Number(g.id)) ?? []).map(
              (m): RedundancyMember => (m.host_id === null ? { hostGroupId: Number(m.host_group_id) } : { hostId: Number(m.host_id) }),
            ),
          }),
        ),
      };
    });
  }

  insert(service: NewService): Promise<Owned<Service>> {
    return this.db.inTransaction(async () => {
      const id = await this.insertRow(['experiment_id', 'name', 'description'], [service.experimentId, service.name, service.description]);
      await this.writeChildren(id, service);
      return this.written(id);
    });
  }

  update(id: number, service: NewService): Promise<Owned<Service> | undefined> {
    return this.db.inTransaction(async () => {
      if (!(await this.updateRow(id, ['name', 'description'], [service.name, service.description]))) return undefined;
      await this.writeChildren(id, service);
      return this.written(id);
    });
  }

  private async writeChildren(id: number, service: NewService): Promise<void> {
    await this.replaceLinks('service_dependencies', 'service_id', 'host_id', id, service.dependencies);
    const executor = this.db.executor();
    const [existing] = await executor.query<GroupRow[]>('SELECT id, name FROM redundancy_groups WHERE service_id = ? FOR UPDATE', [id]);
    const byName = new Map(existing.map((g) => [g.name, Number(g.id)]));
    const kept = new Set(service.redundancyGroups.map((g) => g.name));
    const gone = existing.filter((g) => !kept.has(g.name)).map((g) => Number(g.id));
    if (gone.length > 0) await executor.query('DELETE FROM redundancy_groups WHERE id IN (?)', [gone]);
    for (const group of service.redundancyGroups) {
      const groupId = byName.get(group.name) ?? (await this.insertGroup(id, group));
      await executor.query('DELETE FROM redundancy_group_members WHERE redundancy_group_id = ?', [groupId]);
      if (group.members.length === 0) continue;
      await translatingErrors(() =>
        executor.query('INSERT INTO redundancy_group_members (redundancy_group_id, host_id, host_group_id, member_key) VALUES ?', [
          group.members.map((m) => [groupId, 'hostId' in m ? m.hostId : null, 'hostGroupId' in m ? m.hostGroupId : null, memberKey(m)]),
        ]),
      );
    }
  }

  private async insertGroup(serviceId: number, group: NewRedundancyGroup): Promise<number> {
    const [result] = await translatingErrors(() =>
      this.db.executor().query<ResultSetHeader>('INSERT INTO redundancy_groups (service_id, name) VALUES (?, ?)', [serviceId, group.name]),
    );
    return result.insertId;
  }
}
