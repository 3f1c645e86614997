import { Controller, Get } from '@nestjs/common';
import { Authenticate, CurrentCaller, requireCaller, type Caller } from '@app/shared';
import { UserCountsRepository } from '../infrastructure/user-counts.repository.js';

/** `GET /user_counts`: the caller's open assigned issues and merge requests, review requests and pending to-dos, as last reported. */
@Controller('api/v4/user_counts')
@Authenticate('required')
export class UserCountsController {
  constructor(private readonly counts: UserCountsRepository) {}

  @Get()
  show(@CurrentCaller() caller: Caller | undefined): Promise<unknown> {
    return this.counts.countsOf(requireCaller(caller).user.id);
  }
}
