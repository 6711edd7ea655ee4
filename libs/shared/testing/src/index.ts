export { eventually } from './eventually';
export { uniqueName } from './unique-name';
export { startOtlpCollector, type CollectedSpan, type OtlpCollector } from './otlp-collector';
export { TcpProxy } from './tcp-proxy';
export { untilEachOwnsPartitions, type ConsumingService } from './partition-owners';
