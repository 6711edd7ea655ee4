/** Where services listen unless QF_HOST says otherwise: this machine only (containers set QF_HOST=0.0.0.0). */
export const DEFAULT_HOST = '127.0.0.1';

/** The address REST and gRPC servers bind: QF_HOST, else 127.0.0.1. */
export const listenHost = (env: NodeJS.ProcessEnv = process.env): string =>
  env['QF_HOST'] || DEFAULT_HOST;
