import { seedDoc, type PlayerDoc } from '../player-docs';
import { type CheckSpec, sameJson } from './check-spec';

/** findOneAndUpdate and the update operators the projections use. */
export const UPDATE_CHECKS: CheckSpec[] = [
  {
    id: '3a.findOneAndUpdate.set-inc-push-pull-after',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3a');
      await col.insertOne({ ...seedDoc(1), _id: 'a', tags: ['x', 'y'], version: 1 });
      const after = await col.findOneAndUpdate(
        { _id: 'a', version: 1 },
        { $set: { roomId: 'r9' }, $inc: { xp: 5, version: 1 }, $push: { tags: 'z' } },
        { returnDocument: 'after' },
      );
      const pulled = await col.findOneAndUpdate(
        { _id: 'a', version: 2 },
        { $pull: { tags: 'x' }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      );
      const ok =
        after?.roomId === 'r9' &&
        after.version === 2 &&
        sameJson(after.tags, ['x', 'y', 'z']) &&
        pulled?.version === 3 &&
        sameJson(pulled.tags, ['y', 'z']);
      return {
        status: ok ? 'pass' : 'fail',
        detail: `after $set/$inc/$push: ${JSON.stringify(after)}; after $pull: tags=${JSON.stringify(pulled?.tags)} version=${String(pulled?.version)}`,
      };
    },
  },
  {
    id: '3b.findOneAndUpdate.version-mismatch-returns-null',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3b');
      await col.insertOne({ ...seedDoc(1), _id: 'a', version: 3 });
      const r = await col.findOneAndUpdate(
        { _id: 'a', version: 2 },
        { $inc: { xp: 1, version: 1 } },
        { returnDocument: 'after' },
      );
      const doc = await col.findOne({ _id: 'a' });
      return {
        status: r === null && doc?.version === 3 ? 'pass' : 'fail',
        detail: `stale version filter -> ${JSON.stringify(r)}; stored version ${String(doc?.version)}`,
      };
    },
  },
  {
    id: '3c.findOneAndUpdate.returnDocument-before',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3c');
      await col.insertOne({ ...seedDoc(1), _id: 'a', xp: 1 });
      const before = await col.findOneAndUpdate(
        { _id: 'a' },
        { $inc: { xp: 1 } },
        { returnDocument: 'before' },
      );
      return {
        status: before?.xp === 1 ? 'pass' : 'fail',
        detail: `before.xp=${String(before?.xp)}`,
      };
    },
  },
  {
    id: '3d.update.push-each-slice',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3d');
      await col.insertOne({ ...seedDoc(1), _id: 'a', outbox: [{ id: 'e1', type: 'T' }] });
      const r = await col.findOneAndUpdate(
        { _id: 'a' },
        {
          $push: {
            outbox: {
              $each: [
                { id: 'e2', type: 'T' },
                { id: 'e3', type: 'T' },
              ],
              $slice: -2,
            },
          },
        },
        { returnDocument: 'after' },
      );
      const ids = r?.outbox?.map((e) => e.id);
      return {
        status: sameJson(ids, ['e2', 'e3']) ? 'pass' : 'fail',
        detail: `outbox ids after $push $each/$slice:-2 = ${JSON.stringify(ids)}`,
      };
    },
  },
  {
    id: '3e.update.pull-by-field-from-array-of-docs',
    kind: 'required',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3e');
      await col.insertOne({
        ...seedDoc(1),
        _id: 'a',
        outbox: [
          { id: 'e1', type: 'T' },
          { id: 'e2', type: 'T' },
        ],
      });
      await col.updateOne({ _id: 'a' }, { $pull: { outbox: { id: { $in: ['e1'] } } } });
      const doc = await col.findOne({ _id: 'a' });
      const ids = doc?.outbox?.map((e) => e.id);
      return {
        status: sameJson(ids, ['e2']) ? 'pass' : 'fail',
        detail: `outbox ids after $pull {id: {$in: [e1]}} = ${JSON.stringify(ids)}`,
      };
    },
  },
  {
    id: '3f.update.dotted-set-unset-setOnInsert-max-addToSet',
    kind: 'extra',
    run: async (db) => {
      const col = db.collection<PlayerDoc>('c3f');
      await col.updateOne(
        { _id: 'a' },
        {
          $set: { 'inventory.sword': 1 },
          $setOnInsert: { name: 'ins' },
          $max: { level: 3 },
          $addToSet: { tags: 't' },
        },
        { upsert: true },
      );
      await col.updateOne(
        { _id: 'a' },
        {
          $unset: { 'inventory.sword': '' },
          $set: { 'inventory.shield': 2 },
          $setOnInsert: { name: 'ignored' },
          $max: { level: 2 },
          $addToSet: { tags: 't' },
        },
        { upsert: true },
      );
      const doc = await col.findOne({ _id: 'a' });
      const ok =
        sameJson(doc?.inventory, { shield: 2 }) &&
        doc?.name === 'ins' &&
        doc.level === 3 &&
        sameJson(doc.tags, ['t']);
      return { status: ok ? 'pass' : 'fail', detail: JSON.stringify(doc) };
    },
  },
];
