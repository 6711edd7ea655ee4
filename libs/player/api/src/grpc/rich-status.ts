import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { grpcStatusFor, PROTO_ROOT, RPC_STATUS_PROTOS, type ProblemFields } from '@qf/contracts';

const root = new protobuf.Root();
// google/protobuf/*.proto come with protobufjs; our own imports resolve under PROTO_ROOT.
root.resolvePath = (_origin, target) =>
  target.startsWith('google/protobuf/')
    ? target
    : path.isAbsolute(target)
      ? target
      : path.join(PROTO_ROOT, target);
root.loadSync(RPC_STATUS_PROTOS);
const StatusType = root.lookupType('google.rpc.Status');
const ErrorInfoType = root.lookupType('google.rpc.ErrorInfo');
const BadRequestType = root.lookupType('google.rpc.BadRequest');

/** The trailer grpc-status-details-bin carries (google.rpc.Status, binary). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const TYPE_PREFIX = 'type.googleapis.com/';
export const ERROR_DOMAIN = 'quest-fleet.dev';

/**
 * The gRPC code of a problem: the HTTP mapping, except that a conflict that may pass on a
 * retry (an optimistic-concurrency race) is ABORTED, as gRPC's guide to status codes says,
 * while an invariant that refuses the command stays FAILED_PRECONDITION.
 */
export const grpcCodeFor = (problem: Pick<ProblemFields, 'status' | 'retriable'>): grpc.status =>
  problem.status === 409 && problem.retriable === true
    ? grpc.status.ABORTED
    : (grpcStatusFor(problem.status) as grpc.status);

// protobufjs' bundled google.protobuf.Any keeps the proto field names (type_url).
const any = (type: protobuf.Type, value: Record<string, unknown>) => ({
  type_url: `${TYPE_PREFIX}${type.fullName.replace(/^\./, '')}`,
  value: type.encode(type.fromObject(value)).finish(),
});

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;

/**
 * google.rpc.Status for a problem: ErrorInfo (reason = the stable code, the problem's
 * scalar fields as metadata, `retriable` among them) and, for a malformed request with
 * field errors, BadRequest with one violation per field.
 */
export const richStatusOf = (code: grpc.status, problem: ProblemFields): Buffer => {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(problem)) {
    if (['type', 'title', 'status', 'code', 'detail'].includes(key)) continue;
    const text = scalar(value);
    if (text !== undefined) metadata[key] = text;
  }
  const details = [any(ErrorInfoType, { reason: problem.code, domain: ERROR_DOMAIN, metadata })];
  const errors = problem['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    details.push(
      any(BadRequestType, {
        fieldViolations: errors.map((error: { field?: unknown; message?: unknown }) => ({
          field: String(error.field ?? ''),
          description: String(error.message ?? ''),
        })),
      }),
    );
  }
  return Buffer.from(
    StatusType.encode(StatusType.fromObject({ code, message: problem.detail, details })).finish(),
  );
};

/** A decoded detail: its type name and fields. */
export interface StatusDetail {
  readonly type: string;
  readonly value: Record<string, unknown>;
}

/** Reads grpc-status-details-bin (for clients and tests): code, message and the known details. */
export const decodeRichStatus = (
  buffer: Buffer,
): { code: number; message: string; details: StatusDetail[] } => {
  const status = StatusType.toObject(StatusType.decode(buffer), { defaults: true }) as {
    code: number;
    message: string;
    details: Array<{ type_url: string; value: Uint8Array }>;
  };
  return {
    code: status.code,
    message: status.message,
    details: status.details.map(({ type_url, value }) => {
      const type = type_url.slice(TYPE_PREFIX.length);
      const known =
        type === 'google.rpc.ErrorInfo'
          ? ErrorInfoType
          : type === 'google.rpc.BadRequest'
            ? BadRequestType
            : undefined;
      return {
        type,
        value: known
          ? (known.toObject(known.decode(value), { defaults: true }) as Record<string, unknown>)
          : {},
      };
    }),
  };
};

/** The ServiceError of a problem: code, detail, the rich status trailer and the legacy problem headers. */
export const serviceErrorOf = (problem: ProblemFields): Partial<grpc.StatusObject> => {
  const code = grpcCodeFor(problem);
  const metadata = new grpc.Metadata();
  metadata.set('problem-code', problem.code);
  metadata.set('problem-json', JSON.stringify(problem));
  metadata.set(STATUS_DETAILS_KEY, richStatusOf(code, problem));
  return { code, details: problem.detail, metadata };
};
