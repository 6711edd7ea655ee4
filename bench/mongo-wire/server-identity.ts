import type { Document, MongoClient } from 'mongodb';
import type { MongoWireBenchResult } from './mongo-wire.types';

/** Which server answers: FerretDB, mongo-java-server or MongoDB, from buildInfo and serverStatus. */
export const identifyServer = async (
  client: MongoClient,
): Promise<MongoWireBenchResult['server']> => {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
  const status = await admin.command({ serverStatus: 1 }).catch(() => ({}) as Document);
  const version = String(buildInfo['version'] ?? 'unknown');
  let name: string;
  if (buildInfo['ferretdbVersion'] !== undefined) {
    const features = buildInfo['ferretdbFeatures'] as Document | undefined;
    name = `FerretDB ${String(buildInfo['ferretdbVersion'])}${features ? ` ${JSON.stringify(features)}` : ''} (reports MongoDB ${version})`;
  } else if (status['process'] === 'java') {
    name = `mongo-java-server (reports MongoDB ${version})`;
  } else if (buildInfo['gitVersion'] !== undefined) {
    name = `MongoDB ${version}`;
  } else {
    name = `unknown MongoDB-wire server (reports ${version})`;
  }
  const maxWireVersion = hello['maxWireVersion'];
  return {
    name,
    version,
    ...(typeof maxWireVersion === 'number' ? { maxWireVersion } : {}),
    buildInfo: { ...buildInfo, ok: undefined },
  };
};
