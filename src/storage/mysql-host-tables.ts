import type { Host, HostGroup } from '../checks/model';
import type { NewHost, NewHostGroup, Owned } from './checks-stores';
import { bumpChecksOfGroup, bumpChecksOfHost, MysqlModelTable, type OwnedRow } from './mysql-model-table';

/** Hosts (migration 015). */
export class MysqlHostTable extends MysqlModelTable<Host, NewHost> {
  protected readonly table = 'hosts';
  protected readonly conflicts = { uq_hosts_experiment_name: 'the experiment already has a host of that name' };

  protected load(rows: readonly OwnedRow[]): Promise<Owned<Host>[]> {
    return Promise.resolve(
      rows.map((row) => ({
        id: Number(row.id),
        experimentId: Number(row.experiment_id),
        experiment: row.code,
        name: String(row.name),
        address: String(row.address),
        ...(row.agent === null ? {} : { agent: String(row.agent) }),
        description: String(row.description),
      })),
    );
  }

  insert(host: NewHost): Promise<Owned<Host>> {
    return this.db.inTransaction(async () =>
      this.written(
        await this.insertRow(['experiment_id', 'name', 'address', 'agent', 'description'], [host.experimentId, host.name, host.address, host.agent ?? null, host.description]),
      ),
    );
  }

  update(id: number, host: NewHost): Promise<Owned<Host> | undefined> {
    return this.db.inTransaction(async () => {
      if (!(await this.updateRow(id, ['name', 'address', 'agent', 'description'], [host.name, host.address, host.agent ?? null, host.description]))) return undefined;
      await bumpChecksOfHost(this.db, id);
      return this.written(id);
    });
  }

  protected override beforeDelete(id: number): Promise<void> {
    return bumpChecksOfHost(this.db, id);
  }
}

/** Host groups and their members (flat: hosts only). */
export class MysqlHostGroupTable extends MysqlModelTable<HostGroup, NewHostGroup> {
  protected readonly table = 'host_groups';
  protected readonly conflicts = { uq_host_groups_experiment_name: 'the experiment already has a host group of that name' };

  protected async load(rows: readonly OwnedRow[]): Promise<Owned<HostGroup>[]> {
    const members = await this.links('host_group_members', 'group_id', 'host_id', rows.map((row) => Number(row.id)));
    return rows.map((row) => ({
      id: Number(row.id),
      experimentId: Number(row.experiment_id),
      experiment: row.code,
      name: String(row.name),
      description: String(row.description),
      hostIds: members.get(Number(row.id)) ?? [],
    }));
  }

  insert(group: NewHostGroup): Promise<Owned<HostGroup>> {
    return this.db.inTransaction(async () => {
      const id = await this.insertRow(['experiment_id', 'name', 'description'], [group.experimentId, group.name, group.description]);
      await this.replaceLinks('host_group_members', 'group_id', 'host_id', id, group.hostIds);
      return this.written(id);
    });
  }

  update(id: number, group: NewHostGroup): Promise<Owned<HostGroup> | undefined> {
    return this.db.inTransaction(async () => {
      if (!(await this.updateRow(id, ['name', 'description'], [group.name, group.description]))) return undefined;
      await this.replaceLinks('host_group_members', 'group_id', 'host_id', id, group.hostIds);
      await bumpChecksOfGroup(this.db, id);
      return this.written(id);
    });
  }

  protected override beforeDelete(id: number): Promise<void> {
    return bumpChecksOfGroup(this.db, id);
  }
}
