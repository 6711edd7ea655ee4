// Archiving: old events copied to a cold store (directory or S3-compatible), verified, optionally dropped from Kafka.
export {
  archiveFileKey,
  manifestKey,
  readManifest,
  verifyFile,
  type ArchivedRecord,
  type ArchiveFile,
  type ArchiveManifest,
} from './archive-manifest';
export {
  ArchiveVerificationError,
  runArchive,
  verifyArchive,
  type ArchiveOptions,
  type ArchiveReport,
  type HeldBack,
  type PartitionArchive,
} from './archive-runner';
export { latestSnapshotVersions } from './kafka/snapshot-coverage';
export {
  ColdStoreUrlError,
  DirectoryColdStore,
  openColdStore,
  type ColdStore,
} from './store/cold-store';
export { S3ColdStore } from './store/s3-cold-store';
