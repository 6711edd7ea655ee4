export { createKafka } from './kafka-client';
export { ensureTopics, TopicMismatchError, type TopicSpec } from './topics';
