import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import { MysqlDatabase } from '../../../src/storage/mysql-database';
import { MysqlExperimentStore } from '../../../src/storage/mysql-experiment-store';
import type { MeasureRow } from '../../../src/storage/stores';
import { clockPast, waitFor } from '../../support/eventually';
import { createStorageFixture, insertUser, measuresOf, seriesOf, uniqueCode, type StorageFixture } from './storage-fixture';

describe('MysqlExperimentStore', () => {
  let f: StorageFixture;

  beforeAll(async () => {
    f = await createStorageFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  function measure(experimentId: number, code: string, timestampUs: number, metric = 'temperature'): MeasureRow {
    return { experimentId, experiment: code, metric, source: 'probe-1', unit: 'C', value: 20.5, timestampUs: BigInt(timestampUs), tags: {} };
  }

  it('inserts an experiment and finds it by code', async () => {
    const code = uniqueCode();
    const experiment = await f.experiments.insert({ code, name: 'Cooling loop', description: 'Ünïcode ✓' });

    expect(experiment).toMatchObject({ code, name: 'Cooling loop', description: 'Ünïcode ✓' });
    expect(experiment.id).toBeGreaterThan(0);
    expect(experiment.createdAt).toBeInstanceOf(Date);
    expect(await f.experiments.findByCode(code)).toEqual(experiment);
  });

  it('a missing description is stored as null', async () => {
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'No description' });
    expect(experiment.description).toBeNull();
  });

  it('a taken code is a conflict', async () => {
    const code = uniqueCode();
    await f.experiments.insert({ code, name: 'first' });
    await expect(f.experiments.insert({ code, name: 'second' })).rejects.toThrow(
      new ConflictError('experiment code is already taken'),
    );
  });

  it('an unknown code is undefined', async () => {
    expect(await f.experiments.findByCode('NO-SUCH-CODE')).toBeUndefined();
  });

  it('updates name and description; null clears the description; an unknown code is undefined', async () => {
    const code = uniqueCode();
    const experiment = await f.experiments.insert({ code, name: 'before', description: 'text' });
    await clockPast(experiment.updatedAt);

    const renamed = await f.experiments.update(code, { name: 'after' });
    expect(renamed).toMatchObject({ id: experiment.id, name: 'after', description: 'text' });
    expect(renamed?.updatedAt.getTime()).toBeGreaterThan(experiment.updatedAt.getTime());

    const cleared = await f.experiments.update(code, { description: null });
    expect(cleared).toMatchObject({ name: 'after', description: null });
    expect(await f.experiments.update(code, {})).toEqual(cleared);
    expect(await f.experiments.update('NO-SUCH-CODE', { name: 'x' })).toBeUndefined();
  });

  it('lists experiments by id in keyset pages', async () => {
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await f.experiments.insert({ code: uniqueCode(), name: `e${i}` }));
    const start = created[0]!.id - 1;

    const first = await f.experiments.list({ afterId: start, limit: 3 });
    const second = await f.experiments.list({ afterId: first[2]!.id, limit: 3 });

    expect(first.map((e) => e.code)).toEqual(created.slice(0, 3).map((e) => e.code));
    expect(second.map((e) => e.code)).toEqual(created.slice(3).map((e) => e.code));
  });

  it('a scientist lists only the experiments associated with them', async () => {
    const scientist = await insertUser(f);
    const other = await insertUser(f);
    const mine = [await f.experiments.insert({ code: uniqueCode(), name: 'a' }), await f.experiments.insert({ code: uniqueCode(), name: 'b' })];
    const theirs = await f.experiments.insert({ code: uniqueCode(), name: 'c' });
    const alsoMine = await f.experiments.insert({ code: uniqueCode(), name: 'd' });
    for (const e of [...mine, alsoMine]) await f.experiments.associate(e.id, scientist.id);
    await f.experiments.associate(theirs.id, other.id);

    const page1 = await f.experiments.list({ associatedUserId: scientist.id, limit: 2 });
    const page2 = await f.experiments.list({ associatedUserId: scientist.id, afterId: page1[1]!.id, limit: 2 });

    expect(page1.map((e) => e.id)).toEqual(mine.map((e) => e.id));
    expect(page2.map((e) => e.id)).toEqual([alsoMine.id]);
    expect(await f.experiments.list({ associatedUserId: other.id, limit: 10 })).toEqual([theirs]);
  });

  it('associating twice is not an error and keeps one association', async () => {
    const user = await insertUser(f);
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'twice' });

    await f.experiments.associate(experiment.id, user.id);
    await f.experiments.associate(experiment.id, user.id);

    expect(await f.experiments.isAssociated(experiment.id, user.id)).toBe(true);
    expect((await f.experiments.listAssociatedUsers(experiment.id)).map((u) => u.id)).toEqual([user.id]);
  });

  it('associating with a missing user or experiment is a not-found error, not a silent no-op', async () => {
    const user = await insertUser(f);
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'fk' });
    await expect(f.experiments.associate(experiment.id, 987654321)).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.experiments.associate(987654321, user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('dissociating reports whether there was an association', async () => {
    const user = await insertUser(f);
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'dissociate' });
    await f.experiments.associate(experiment.id, user.id);

    expect(await f.experiments.dissociate(experiment.id, user.id)).toBe(true);
    expect(await f.experiments.dissociate(experiment.id, user.id)).toBe(false);
    expect(await f.experiments.isAssociated(experiment.id, user.id)).toBe(false);
  });

  it('lists the associated users of an experiment ordered by id, as User objects', async () => {
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'team' });
    const [u1, u2, u3] = [await insertUser(f), await insertUser(f), await insertUser(f)];
    await f.experiments.associate(experiment.id, u3.id);
    await f.experiments.associate(experiment.id, u1.id);

    const users = await f.experiments.listAssociatedUsers(experiment.id);

    expect(users).toEqual([u1, u3]);
    expect(users.map((u) => u.id)).not.toContain(u2.id);
  });

  it('maps codes to ids, leaving unknown codes out', async () => {
    const a = await f.experiments.insert({ code: uniqueCode(), name: 'a' });
    const b = await f.experiments.insert({ code: uniqueCode(), name: 'b' });

    const ids = await f.experiments.idsByCode([a.code, 'UNKNOWN', b.code, a.code]);

    expect(ids).toEqual(
      new Map([
        [a.code, a.id],
        [b.code, b.id],
      ]),
    );
    expect(await f.experiments.idsByCode([])).toEqual(new Map());
  });

  it('deleting an experiment removes its measures, series and associations, and nothing of other experiments', async () => {
    const user = await insertUser(f);
    const doomed = await f.experiments.insert({ code: uniqueCode(), name: 'doomed' });
    const kept = await f.experiments.insert({ code: uniqueCode(), name: 'kept' });
    await f.experiments.associate(doomed.id, user.id);
    await f.experiments.associate(kept.id, user.id);
    await f.measures.store([measure(doomed.id, doomed.code, 1), measure(doomed.id, doomed.code, 2, 'pressure')]);
    await f.measures.store([measure(kept.id, kept.code, 1)]);
    const doomedSeries = (await seriesOf(f, doomed)).map((s) => s.id);
    expect(doomedSeries).toHaveLength(2);

    expect(await f.experiments.delete(doomed.code)).toBe(true);

    expect(await f.experiments.findByCode(doomed.code)).toBeUndefined();
    expect(await seriesOf(f, doomed)).toEqual([]);
    const orphans = await f.rows<{ n: number }>('SELECT COUNT(*) AS n FROM measures WHERE series_id IN (?)', [doomedSeries]);
    expect(Number(orphans[0]!.n)).toBe(0);
    expect(await f.experiments.isAssociated(doomed.id, user.id)).toBe(false);
    expect(await f.experiments.isAssociated(kept.id, user.id)).toBe(true);
    expect(await measuresOf(f, kept, { limit: 10 })).toHaveLength(1);
    expect(await f.experiments.delete(doomed.code)).toBe(false);
  });

  it('delete inside a caller transaction joins it: a later failure restores everything', async () => {
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'survivor' });
    await f.measures.store([measure(experiment.id, experiment.code, 10)]);

    await expect(
      f.db.inTransaction(async () => {
        expect(await f.experiments.delete(experiment.code)).toBe(true);
        expect(await f.experiments.findByCode(experiment.code)).toBeUndefined();
        throw new Error('audit write failed');
      }),
    ).rejects.toThrow('audit write failed');

    expect(await f.experiments.findByCode(experiment.code)).toEqual(experiment);
    expect((await measuresOf(f, experiment, { limit: 10 })).map((m) => m.timestampUs)).toEqual([10n]);
  });

  it('a batch being stored holds off a delete of its experiment, so no measure is left without a series', async () => {
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'race' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];

    const ingest = f.db.inTransaction(async () => {
      await f.measures.store([measure(experiment.id, experiment.code, 1)]);
      events.push('stored');
      await held;
      events.push('ingest committing');
    });
    await waitFor('the batch stored, uncommitted', () => events.length === 1);
    const otherDb = new MysqlDatabase(f.config);
    const deleting = new MysqlExperimentStore(otherDb).delete(experiment.code).then((deleted) => {
      events.push('deleted');
      return deleted;
    });
    // Time for the delete to reach the lock the batch holds. (Waiting for its LOCK WAIT in INNODB_TRX instead
    // was seen to miss it once under load, then deadlock: kept as it was until that is understood.)
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    try {
      await ingest;
      expect(await deleting).toBe(true);
    } finally {
      await otherDb.close();
    }

    expect(events).toEqual(['stored', 'ingest committing', 'deleted']);
    const orphans = await f.rows<{ n: number }>(
      'SELECT COUNT(*) AS n FROM measures m LEFT JOIN series s ON s.id = m.series_id WHERE s.id IS NULL',
    );
    expect(Number(orphans[0]!.n)).toBe(0);
  });

  it('storing into an experiment deleted meanwhile is refused as not found', async () => {
    const experiment = await f.experiments.insert({ code: uniqueCode(), name: 'gone' });
    await f.experiments.delete(experiment.code);
    await expect(f.measures.store([measure(experiment.id, experiment.code, 1)])).rejects.toBeInstanceOf(NotFoundError);
  });
});
