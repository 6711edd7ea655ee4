import {
  HttpTarget,
  ScenarioDriver,
  SCENARIOS,
  seededRandom,
  type KeyDistribution,
  type OperationMix,
  type RequestTarget,
  type TargetResponse,
} from '@qf/loadgen';
import { openWriteTarget, type TargetOptions, type WriteTarget } from './write-target';

/** The load a write benchmark offers (shared by the single run and the search). */
export interface LoadOptions {
  readonly players: number;
  readonly scenario: string;
  readonly mix?: OperationMix;
  readonly distribution: KeyDistribution;
  readonly connections: number;
  readonly seed: number;
}

/** Spreads requests over several REST fronts in turn (replicas of a running fleet). */
class RoundRobin implements RequestTarget {
  private index = 0;
  constructor(private readonly targets: readonly HttpTarget[]) {}
  private pick(): HttpTarget {
    const target = this.targets[this.index] as HttpTarget;
    this.index = (this.index + 1) % this.targets.length;
    return target;
  }
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TargetResponse> {
    return this.pick().post(path, body, headers);
  }
  postStatus(path: string, body: unknown): Promise<number> {
    return this.pick().postStatus(path, body);
  }
  get(path: string): Promise<TargetResponse> {
    return this.pick().get(path);
  }
}

/** A target opened, its players registered, and the driver that picks each next operation. */
export interface PreparedRun {
  readonly target: WriteTarget;
  readonly driver: ScenarioDriver;
  readonly scenario: { readonly name: string; readonly mix: OperationMix };
  close(): Promise<void>;
}

/** Opens the target (starting services when asked) and registers the players. */
export const prepareRun = async (
  targetOptions: TargetOptions,
  load: LoadOptions,
  log: (line: string) => void,
): Promise<PreparedRun> => {
  const base = SCENARIOS[load.scenario];
  if (!base)
    throw new Error(
      `unknown scenario ${load.scenario}; known: ${Object.keys(SCENARIOS).join(', ')}`,
    );
  const target = await openWriteTarget(targetOptions, log);
  const connections = Math.max(1, Math.floor(load.connections / target.commandUrls.length));
  const clients = target.commandUrls.map((url) => new HttpTarget(url, { connections }));
  const close = async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await target.stop();
  };
  try {
    const front = clients.length === 1 ? (clients[0] as HttpTarget) : new RoundRobin(clients);
    const spec = {
      ...base,
      ...(load.mix ? { mix: load.mix } : {}),
      players: load.players,
      distribution: load.distribution,
    };
    const driver = new ScenarioDriver(spec, front, front, seededRandom(load.seed));
    log(`registering ${load.players} players at ${target.commandUrls.join(', ')}`);
    const started = Date.now();
    await driver.registerPlayers(Math.min(load.connections, 64), (done) =>
      log(`  ${done} registered`),
    );
    log(`registered in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return { target, driver, scenario: { name: spec.name, mix: spec.mix }, close };
  } catch (error) {
    await close();
    throw error;
  }
};
