import 'reflect-metadata';
import { topicNames } from '@qf/contracts';
import { writeSchemasFromEnv } from '@qf/player-wire';
import { exportDeadLetterDepth } from '@qf/dead-letters';
import { intFromEnv } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { CommandProcessorModule } from './command-processor.module';

// QF_HTTP_PORT serves /metrics and /health (default 3010, as in the fleet catalog).
const main = async () => {
  writeSchemasFromEnv(); // a bad QF_EVENT_WRITE_SCHEMAS stops the start, not every transaction
  const port = intFromEnv('QF_HTTP_PORT', 3010, { max: 65535 });
  // qf_dead_letter_depth on /metrics, read from the broker when scraped.
  exportDeadLetterDepth(createKafka('command-processor-dlq-depth'), [
    topicNames().commandsDeadLetter,
  ]);
  await createHttpApp(CommandProcessorModule.forRoot(), { service: 'command-processor', port });
};

main().catch((error: unknown) => {
  createLogger('command-processor').error('failed to start', { error });
  process.exit(1);
});
