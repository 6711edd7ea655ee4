import os from 'node:os';

/** The machine a figure was measured on (every figure is stated with it). */
export interface MachineInfo {
  readonly hostname: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly os: string;
  readonly node: string;
}

export const machineInfo = (): MachineInfo => ({
  hostname: os.hostname(),
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  cpus: os.cpus().length,
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
});
