import { logLevel, type Admin, type Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { RemoteFleetConfig } from '../config/fleet.schema';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import type { BackendInfo, BudgetInfo } from '../results/experiment-results';
import type { RunContext, RunSystem } from './local-run';
import { remoteCellSystem } from './remote-system';
import type { CellSystem } from './cell-system';
import { shortReason } from './short-reason';

/**
 * A remote system under test: nothing to start or budget here. Its Kafka and database are
 * reached only when KAFKA_BROKERS / MONGO_URL point at them (consumer lag, cleanup-free end
 * state); otherwise steps carry no lag and the cool-down is its minimum.
 */
export class RemoteRun implements RunSystem {
  readonly cells: CellSystem;

  private constructor(
    private readonly run: RunContext,
    private readonly clients: { mongo?: MongoClient; kafka?: Kafka; admin?: Admin },
    remote: RemoteFleetConfig,
  ) {
    this.cells = remoteCellSystem(remote, clients);
  }

  static async create(run: RunContext, remote: RemoteFleetConfig): Promise<RemoteRun> {
    const clients: { mongo?: MongoClient; kafka?: Kafka; admin?: Admin } = {};
    if (process.env['KAFKA_BROKERS']) {
      clients.kafka = createKafka('qf-experiment', { logLevel: logLevel.ERROR });
      clients.admin = clients.kafka.admin();
      await clients.admin.connect().catch((error: unknown) => {
        run.notes.push(
          `The remote Kafka (KAFKA_BROKERS) did not answer: no consumer lag measured (${shortReason(error)}).`,
        );
        delete clients.admin;
      });
    } else
      run.notes.push(
        'Remote fleet without KAFKA_BROKERS: consumer lag was not measured and the cool-down waited its minimum only.',
      );
    if (process.env['MONGO_URL'])
      clients.mongo = await createMongoClient()
        .connect()
        .catch(() => undefined as never);
    return new RemoteRun(run, clients, remote);
  }

  beforeCell = async (): Promise<void> => undefined;

  async describe(): Promise<{ backends: BackendInfo[]; budget: BudgetInfo }> {
    const fleet = this.run.config.fleet;
    return {
      budget: {
        applied: false,
        reason: `a remote fleet: k is set by its scale command${fleet.mode === 'remote' && fleet.scaleCommand ? ` (\`${fleet.scaleCommand}\`)` : ''}, priced as k × ${this.run.config.budget.unitCores} provisioned cores`,
      },
      backends: [{ role: 'fleet', name: 'remote fleet', version: 'not started by the harness' }],
    };
  }

  async dispose(): Promise<void> {
    await this.clients.admin?.disconnect().catch(() => undefined);
    await this.clients.mongo?.close().catch(() => undefined);
  }
}
