import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { ComponentStatus, InfraComponent, UpOptions } from '../component';
import type { InfraContext } from '../infra-context';
import { failureWithLogTail } from '../process/log-tail';
import { findRecorded, isRecordedAlive, logPathFor, spawnRecorded } from '../process/pid-registry';
import { requireTool } from '../process/require-tool';
import { runToCompletion } from '../process/run-command';
import {
  waitUntilReadyOrExited,
  watchRecorded,
  type WatchedServer,
} from '../process/wait-until-ready-or-exited';
import { INFRA_PREFIX } from '../process/names';
import { isUsableClusterId, kafkaNodeProperties, kafkaPorts, newClusterId } from './kafka-config';

export const KAFKA_VERSION = '3.9.1';
const basePort = () => Number(process.env['QF_KAFKA_PORT'] ?? 9092);
const heap = () => process.env['QF_KAFKA_HEAP'] ?? '512m';

const libsDir = (ctx: InfraContext) => path.join(ctx.cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
const clusterDir = (ctx: InfraContext, nodes: number) =>
  path.join(ctx.dataDir, `kafka-${nodes}node`);
const nodeName = (node: number) => `${INFRA_PREFIX}kafka-${node}`;

const brokerList = (nodes: number) =>
  Array.from({ length: nodes }, (_, i) => `127.0.0.1:${kafkaPorts(i + 1, basePort()).broker}`);

/** Counts the brokers that answer a metadata request; 0 when none does. */
const reachableBrokers = async (brokers: string[]): Promise<number> => {
  const admin = new Kafka({
    clientId: 'qf-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/** The timeout's error, quoting the log of the first node that exited (else node 1's). */
const notAnsweringError = (ctx: InfraContext, nodes: number): Error => {
  const exited = Array.from({ length: nodes }, (_, i) => i + 1).filter((node) => {
    const record = findRecorded(ctx, nodeName(node));
    return !record || !isRecordedAlive(record);
  });
  const quoted = exited[0] ?? 1;
  const which = exited.length > 0 ? ` (node(s) ${exited.join(', ')} not running)` : '';
  return failureWithLogTail(
    `kafka: ${nodes} broker(s) did not answer within 120 s${which}`,
    logPathFor(ctx, nodeName(quoted)),
  );
};

/** Apache Kafka in KRaft mode, run from Maven Central jars on the machine's JDK. */
export const kafkaComponent: InfraComponent & {
  runningNodes(ctx: InfraContext): number;
} = {
  name: 'kafka',

  external: () => process.env['KAFKA_BROKERS'] || undefined,

  localAddress: ({ brokers }: UpOptions) => brokerList(brokers).join(','),

  runningNodes(ctx: InfraContext): number {
    let count = 0;
    for (let node = 1; node <= 3; node++) {
      const record = findRecorded(ctx, nodeName(node));
      if (record && isRecordedAlive(record)) count++;
    }
    return count;
  },

  async install(ctx: InfraContext): Promise<void> {
    const marker = path.join(libsDir(ctx), '.complete');
    if (fs.existsSync(marker)) return;
    requireTool('java', 'a JDK 17+ (Debian: apt-get install openjdk-17-jre-headless)');
    requireTool('mvn', 'Apache Maven (Debian: apt-get install maven)');
    fs.mkdirSync(libsDir(ctx), { recursive: true });
    fs.mkdirSync(ctx.logDir, { recursive: true });
    ctx.log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once)…`);
    await runToCompletion(
      'kafka: mvn dependency:copy-dependencies',
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        path.join(ctx.root, 'deploy/local/kafka/pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libsDir(ctx)}`,
        '-DincludeScope=runtime',
        `-Dkafka.version=${KAFKA_VERSION}`,
      ],
      { cwd: ctx.root, logFile: path.join(ctx.logDir, 'kafka-install.log') },
    );
    fs.writeFileSync(marker, new Date().toISOString());
  },

  async start(ctx: InfraContext, { brokers: nodes }: UpOptions): Promise<void> {
    const running = this.runningNodes(ctx);
    if (running > 0 && running !== nodes) {
      throw new Error(
        `kafka: ${running} local node(s) already run but ${nodes} were asked for; run \`qf infra down\` first`,
      );
    }
    const dir = clusterDir(ctx, nodes);
    fs.mkdirSync(dir, { recursive: true });
    const clusterIdFile = path.join(dir, 'cluster.id');
    // An id starting with '-' (left by earlier versions) never formatted anything: replace it.
    if (!fs.existsSync(clusterIdFile) || !isUsableClusterId(fs.readFileSync(clusterIdFile, 'utf8')))
      fs.writeFileSync(clusterIdFile, newClusterId());
    const clusterId = fs.readFileSync(clusterIdFile, 'utf8').trim();
    const classpath = `${libsDir(ctx)}/*`;
    const log4j = path.join(ctx.root, 'deploy/local/kafka/log4j.properties');

    const watched: WatchedServer[] = [];
    for (let node = 1; node <= nodes; node++) {
      const existing = findRecorded(ctx, nodeName(node));
      if (existing && isRecordedAlive(existing)) {
        watched.push(watchRecorded(`kafka: node ${node}`, existing));
        continue;
      }
      const nodeDir = path.join(dir, `node-${node}`);
      const configFile = path.join(dir, `node-${node}.properties`);
      fs.writeFileSync(
        configFile,
        kafkaNodeProperties({
          node,
          nodes,
          basePort: basePort(),
          logDir: path.join(nodeDir, 'log'),
        }),
      );
      if (!fs.existsSync(path.join(nodeDir, 'log', 'meta.properties'))) {
        await runToCompletion(
          `kafka: format storage of node ${node}`,
          'java',
          [
            '-Xmx256m',
            `-Dlog4j.configuration=file:${log4j}`,
            '-cp',
            classpath,
            'kafka.tools.StorageTool',
            'format',
            '-t',
            clusterId,
            '-c',
            configFile,
            '--ignore-formatted',
          ],
          { cwd: ctx.root, logFile: logPathFor(ctx, nodeName(node)) },
        );
      }
      const record = spawnRecorded(ctx, {
        name: nodeName(node),
        command: 'java',
        args: [
          `-Xms128m`,
          `-Xmx${heap()}`,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          `-Dlog4j.configuration=file:${log4j}`,
          `-Dkafka.logs.dir=${ctx.logDir}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          configFile,
        ],
      });
      watched.push(watchRecorded(`kafka: node ${node}`, record));
    }
    const brokers = brokerList(nodes);
    await waitUntilReadyOrExited({
      servers: watched,
      isReady: async () => (await reachableBrokers(brokers)) === nodes,
      timeoutMs: 120_000,
      intervalMs: 500,
      timeoutError: () => notAnsweringError(ctx, nodes),
    });
  },

  isHealthy: async (address: string) => (await reachableBrokers(address.split(','))) > 0,

  async describe(ctx: InfraContext): Promise<string | undefined> {
    const nodes = this.runningNodes(ctx);
    return nodes > 0
      ? `Apache Kafka ${KAFKA_VERSION} (KRaft), ${nodes} node(s), data ${clusterDir(ctx, nodes)}`
      : undefined;
  },
};

export type KafkaStatus = ComponentStatus;
