// Offline checks of the deployment files: the Kubernetes overlays (kustomize build, then
// strict validation of every object) and docker-compose.yml (compose-spec schema).
export {
  buildOverlay,
  OVERLAYS,
  overlayDir,
  parseObjects,
  renderOverlay,
  type Overlay,
} from './build/kustomize-build';
export { readComposeFile, validateCompose } from './compose/compose-check';
export { DEPLOY_TOOL_VERSIONS, ensureDeployTools, type DeployTools } from './tools/deploy-tools';
export { customResourceVersions, structuralToJsonSchema } from './validate/crd-schema';
export { ObjectValidator, type ObjectProblems } from './validate/object-validator';
export { describeObject, type K8sObject } from './validate/schema-errors';
export {
  OVERLAY_EXPECTATIONS,
  overlayPolicyProblems,
  CONSUMER_SOURCES,
  type OverlayExpectations,
} from './policy/overlay-policy';
export { compiledEntry, LIVE_PATH, READY_PATH } from './policy/service-policy';
export {
  fleetKafkaTopics,
  kafkaTopicObjects,
  KAFKA_CLUSTER,
  renderTopicsManifest,
  TOPICS_MANIFEST,
  type TopicSpecLike,
} from './topics/kafka-topics';
