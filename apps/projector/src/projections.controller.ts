import { Controller, Get, Inject } from '@nestjs/common';
import type { ProjectionStatus } from '@qf/projections';

export const PROJECTION_STATUS = Symbol('ProjectionStatus');

/** GET /projections: the JSON `qf projections status --json` prints, from this replica. */
@Controller()
export class ProjectionsController {
  constructor(
    @Inject(PROJECTION_STATUS) private readonly status: () => Promise<ProjectionStatus>,
  ) {}

  @Get('projections')
  projections(): Promise<ProjectionStatus> {
    return this.status();
  }
}
