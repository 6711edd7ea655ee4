import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exerciseCommands, exerciseCommandStatus, OpenApiContract } from '@qf/player-api/testing';
import { startWritePath, type WritePath } from '@qf/player-es-write/testing';
import { createHttpApp, registeredRoutes } from '@qf/shared-observability/http';
import { CommandGatewayModule } from './command-gateway.module';

jest.setTimeout(180_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

// The gateway in process (so its registered routes can be read), deciding through a
// command processor started as a child process on topics of its own.
describe('command-gateway against its OpenAPI document', () => {
  let path: WritePath;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    path = await startWritePath({ processors: 1, partitions: 2 });
    process.env['QF_TOPIC_PREFIX'] = path.prefix;
    process.env['QF_PARTITIONS'] = String(path.partitions);
    app = await createHttpApp(CommandGatewayModule.forRoot({ grpcPort: 0 }), {
      service: 'command-gateway',
      port: 0,
      openapi: 'command-gateway',
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await path?.stop();
  });

  it('documents every route it serves and answers only what the document allows', async () => {
    const api = await OpenApiContract.of(url);
    const routes = registeredRoutes(app);
    expect(api.undocumented(routes)).toEqual([]);
    expect(api.unserved(routes)).toEqual([]);
    await exerciseCommands(api);
    await exerciseCommandStatus(api);
    expect(api.violations).toEqual([]);
    expect([...api.exercised].sort()).toEqual(api.operationIds().sort());
  });
});
