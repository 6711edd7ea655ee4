export {
  fleetDown,
  fleetScale,
  fleetStatus,
  fleetUp,
  type FleetUpOptions,
  type ReplicaStatus,
} from './fleet';
export {
  desiredScale,
  diffReplicas,
  FleetPlanError,
  MAX_REPLICAS,
  parseScale,
  planReplicas,
  REPLICA_PORT_STRIDE,
  replicaName,
  serviceOfReplica,
  resolveServiceName,
  servicesOf,
  type Arch,
  type ArchChoice,
  type ReplicaPlan,
  type Scale,
} from './fleet-plan';
export { FLEET_NAMESPACE, Pm2Driver, type ManagedProcess } from './pm2-driver';
export { fleetIdentity, FleetIdentityError, type FleetIdentity } from './fleet-identity';
