import * as grpc from '@grpc/grpc-js';
import { problemFor, versionConflict, malformedRequest, playerNotFound } from '@qf/contracts';
import { decodeRichStatus, grpcCodeFor, richStatusOf, serviceErrorOf } from './rich-status';

describe('google.rpc.Status for problems', () => {
  it('maps a retriable conflict to ABORTED and an invariant to FAILED_PRECONDITION', () => {
    expect(grpcCodeFor(problemFor(versionConflict('p', 3)))).toBe(grpc.status.ABORTED);
    expect(grpcCodeFor({ status: 409, retriable: false })).toBe(grpc.status.FAILED_PRECONDITION);
    expect(grpcCodeFor(problemFor(playerNotFound('p')))).toBe(grpc.status.NOT_FOUND);
    expect(grpcCodeFor({ status: 504, retriable: true })).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  it('carries ErrorInfo with the stable code and BadRequest with the field errors', () => {
    const problem = problemFor(
      malformedRequest('invalid body', [{ field: 'startRoom', message: 'Required' }]),
    );
    const status = decodeRichStatus(richStatusOf(grpc.status.INVALID_ARGUMENT, problem));
    expect(status).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      message: 'invalid body',
      details: [
        {
          type: 'google.rpc.ErrorInfo',
          value: {
            reason: 'REQUEST.MALFORMED',
            domain: 'quest-fleet.dev',
            metadata: { retriable: 'false' },
          },
        },
        {
          type: 'google.rpc.BadRequest',
          value: { fieldViolations: [{ field: 'startRoom', description: 'Required' }] },
        },
      ],
    });
  });

  it('puts the rich status, the code and the detail on the service error', () => {
    const error = serviceErrorOf(problemFor(versionConflict('p', 3)));
    expect(error.code).toBe(grpc.status.ABORTED);
    const status = decodeRichStatus(error.metadata!.get('grpc-status-details-bin')[0] as Buffer);
    expect(status.details[0]?.value).toMatchObject({
      reason: 'PLAYER.VERSION_CONFLICT',
      metadata: { retriable: 'true', playerId: 'p', attempts: '3' },
    });
  });
});
