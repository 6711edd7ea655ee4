import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { mongoMetrics } from './crud-metrics';

const STATEMENT_LISTS: Readonly<Record<string, string>> = {
  insert: 'documents',
  update: 'updates',
  delete: 'deletes',
};

/** Statements a command carries: its documents / updates / deletes, else one. */
export const statementsOf = (
  commandName: string,
  command: Readonly<Record<string, unknown>>,
): number => {
  const list = STATEMENT_LISTS[commandName];
  const value = list ? command[list] : undefined;
  return Array.isArray(value) ? value.length : 1;
};

/**
 * Counts every command the client sends (qf_mongo_requests_total, qf_mongo_statements_total).
 * The client must be created with `monitorCommands: true`. Handshakes and heartbeats are
 * not commands here (the driver does not report them as such).
 */
export const countMongoCommands = (client: MongoClient): void => {
  client.on('commandStarted', (event: CommandStartedEvent) => {
    mongoMetrics.requests.inc({ command: event.commandName });
    mongoMetrics.statements.inc(
      { command: event.commandName },
      statementsOf(event.commandName, event.command),
    );
  });
};
