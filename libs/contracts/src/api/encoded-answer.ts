/**
 * A command's answer as bytes ready to send: the JSON the processor wrote into the reply
 * record (a CommandResult when status is 200, else a problem), passed through by the API
 * layer without being parsed and serialized again. gRPC, which needs objects, parses it.
 */
export class EncodedAnswer {
  constructor(
    /** 200 for an accepted command, else the problem's HTTP status. */
    readonly status: number,
    readonly body: Buffer,
  ) {}

  /** Whether the body is a problem (application/problem+json) rather than a CommandResult. */
  get isProblem(): boolean {
    return this.status !== 200;
  }
}
