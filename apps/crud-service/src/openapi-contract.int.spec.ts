import { MongoClient } from 'mongodb';
import {
  exerciseCommands,
  exerciseQueries,
  OpenApiContract,
  pagedReadsMatch,
} from '@qf/player-api/testing';
import { uniqueName } from '@qf/shared-testing';
import { registeredRoutes } from '@qf/shared-observability/http';
import { startCrudService, type RunningCrudService } from './crud-service';
import { crudServiceConfig } from './crud-service.config';

jest.setTimeout(120_000);

// crud-service serves both halves of the API: every registered route must be in its
// /openapi.json, every documented operation served, and every answer provoked here
// allowed by the document (status and body).
describe('crud-service against its OpenAPI document', () => {
  const db = uniqueName('qf_crud_oas').replace(/-/g, '_');
  let service: RunningCrudService;

  beforeAll(async () => {
    process.env['QF_MONGO_DB'] = db;
    process.env['QF_TOPIC_PREFIX'] = `${uniqueName('crudoas')}.`;
    service = await startCrudService({
      ...crudServiceConfig([], { QF_HTTP_PORT: '0', QF_GRPC_PORT: '0' }),
      auditMode: 'outbox',
    });
  });

  afterAll(async () => {
    await service?.close();
    const mongo = await new MongoClient(process.env['MONGO_URL']!).connect();
    await mongo
      .db(db)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  });

  it('documents every route it serves and answers only what the document allows', async () => {
    const api = await OpenApiContract.of(service.url);
    const routes = registeredRoutes(service.app);
    expect(api.undocumented(routes)).toEqual([]);
    expect(api.unserved(routes)).toEqual([]);

    const { playerId, room } = await exerciseCommands(api);
    await exerciseQueries(api, playerId, room);
    expect(api.violations).toEqual([]);
    expect([...api.exercised].sort()).toEqual(api.operationIds().sort());

    // Pages: the room, the leaderboard and the history walked by next links equal one big read.
    for (let index = 0; index < 6; index += 1) {
      const other = await api.call('POST', '/players', {
        body: { name: `Page ${index}`, startRoom: room },
      });
      await api.call('POST', `/players/${other.body.playerId}/gain-experience`, {
        body: { amount: 10 * (index + 1) },
      });
    }
    // No relay or audit consumer runs here, so audit_log (the history) stays empty: history
    // pages are checked on the ES side, through the same pageOf.
    await pagedReadsMatch(service.url, room, playerId, { history: false });
    expect(api.violations).toEqual([]);
  });
});
