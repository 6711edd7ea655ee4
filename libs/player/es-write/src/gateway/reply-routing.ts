import type { IHeaders } from 'kafkajs';
import { HEADERS, headerString } from '@qf/contracts';

/** 32-bit FNV-1a: a stable, dependency-free spread of gateway ids over partitions. */
export const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * The command.replies partition a gateway reads. A replica index (QF_GATEWAY_INSTANCE)
 * spreads replicas evenly (index mod partitions); without one, the gateway id's hash does.
 * Two gateways may share a partition: each drops the replies addressed to the other.
 */
export const replyPartitionFor = (
  gateway: { readonly gatewayId: string; readonly instance?: number },
  partitions: number,
): number => (gateway.instance ?? fnv1a(gateway.gatewayId)) % partitions;

/** Whether a reply record is addressed to this gateway (read from the header, without parsing the value). */
export const isReplyFor = (headers: IHeaders | undefined, gatewayId: string): boolean =>
  headerString(headers, HEADERS.replyTo) === gatewayId;
