export { eventually } from './eventually';
export { uniqueName } from './unique-name';
export { startOtlpCollector, type CollectedSpan, type OtlpCollector } from './otlp-collector';
export { TcpProxy } from './tcp-proxy';
export {
  freePort,
  startServiceProcess,
  type ServiceProcess,
  type ServiceProcessSpec,
} from './service-process';
export { loadedModules, loadedPackages } from './loaded-modules';
export { untilEachOwnsPartitions, type ConsumingService } from './partition-owners';
export { metricValue, scrape } from './prometheus-text';
export { runQf, type QfRun } from './run-qf';
export { useEnvironment } from './use-environment';
