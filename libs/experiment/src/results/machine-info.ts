import os from 'node:os';
import { clockTicksPerSecond } from '../sampler/resource-sampler';
import type { RunMachineInfo } from './experiment-results';

/** The machine the figures come from, for results.json and the report. */
export const collectMachineInfo = (): RunMachineInfo => {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    clockTicksPerSecond: clockTicksPerSecond(),
  };
};
